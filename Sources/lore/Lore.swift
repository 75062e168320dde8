@preconcurrency import Glibc
import ArgumentParser
import Foundation
import LoreCommandLine
import LoreCore

@main
struct Lore: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lore",
        abstract: "Ask your notes questions: local semantic search over a folder of Markdown.",
        discussion: """
        Exit codes, as ripgrep's: 0 when passages answer, 1 when none does (lore ask), 2 on an error, \
        also for a bad option or argument. With --json or --jsonl an error is also one JSON object on
        standard output: {"error": "…"}.

        Which notes and index a command uses, first match wins: --corpus/--index; --collection or \
        $LORE_COLLECTION; ./corpus and ./index when the current folder has a corpus folder; the \
        default collection (the first added with lore collection add); ./corpus and ./index.
        """,
        version: loreVersion,
        subcommands: [Ask.self, Get.self, IndexCommand.self, Watch.self, CollectionCommand.self, Status.self, Serve.self, Eval.self, Bench.self]
    )

    /// Parses and runs the command. A bad option or argument (out of range, unknown, missing)
    /// is one line on stderr, like every other error of lore, and exit code 2; help and
    /// other errors go through ArgumentParser as usual.
    static func main() {
        // A closed pipe is an error of the write (EPIPE), reported like any other, not a signal.
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                let message = message(for: error).split(whereSeparator: \.isNewline).joined(separator: " ")
                reportError(message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message)
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
