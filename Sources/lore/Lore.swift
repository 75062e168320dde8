import ArgumentParser
import Foundation
import LoreCore

@main
struct Lore: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lore",
        abstract: "Ask your notes questions: local semantic search over a folder of Markdown.",
        discussion: """
        Exit codes, as ripgrep's: 0 when passages answer, 1 when none does (lore ask), 2 on an error, \
        64 for a bad option or argument.

        Which notes and index a command uses, first match wins: --corpus/--index; --collection or \
        $LORE_COLLECTION; ./corpus and ./index when the current folder has a corpus folder; the \
        default collection (the first added with lore collection add); ./corpus and ./index.
        """,
        version: "0.3.0",
        subcommands: [Ask.self, Get.self, IndexCommand.self, Watch.self, CollectionCommand.self, Status.self, Serve.self, Eval.self, Bench.self]
    )

    /// Parses and runs the command. A bad option or argument (out of range, unknown, missing)
    /// is one line on stderr, like every other error of lore, and exit code 64; help and
    /// other errors go through ArgumentParser as usual.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                let message = message(for: error).split(whereSeparator: \.isNewline).joined(separator: " ")
                printError(message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message)
                Foundation.exit(ExitCode.validationFailure.rawValue)
            }
            exit(withError: error)
        }
    }
}

/// Runs `body`, turning Lore's errors into one line on stderr and a non-zero exit.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as ExitCode {
        throw error
    } catch {
        printError("\(error)")
        throw ExitCode(2)
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data("lore: \(message)\n".utf8))
}
