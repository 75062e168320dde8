@preconcurrency import Glibc
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
        also for a bad option or argument. With --json or --jsonl an error is also one JSON object on
        standard output: {"error": "…"}.

        Which notes and index a command uses, first match wins: --corpus/--index; --collection or \
        $LORE_COLLECTION; ./corpus and ./index when the current folder has a corpus folder; the \
        default collection (the first added with lore collection add); ./corpus and ./index.
        """,
        version: "0.3.0",
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

/// Runs `body`, turning Lore's errors into one line on stderr (and a JSON object on stdout with
/// --json or --jsonl) and exit code 2. Standard output is flushed at the end: output that could not be written
/// (a closed pipe, a full disk) is an error too.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        let result = try body()
        try flushOutput()
        return result
    } catch let error as ExitCode {
        if error.rawValue == 1 { try reportingErrors(flushOutput) }
        throw error
    } catch let error as LoreError {
        reportError(error.description)
        throw ExitCode(error.exitCode)
    } catch let error as CollectionError {
        reportError(error.description)
        throw ExitCode(2)
    } catch let error as ServiceError {
        reportError(error.description)
        throw ExitCode(2)
    } catch {
        // Only LoreError is meant to get here: anything else is said in one line all the same.
        reportError("unexpected error: \(LoreError.systemReason(error))")
        throw ExitCode(2)
    }
}

/// Writes what is buffered for standard output; throws when it cannot be written.
func flushOutput() throws {
    if fflush(stdout) != 0 || ferror(stdout) != 0 {
        let reason = String(cString: strerror(errno))
        clearerr(stdout)
        throw LoreError.outputFailed(reason: reason)
    }
}

/// One line on standard error, `lore: ` first. A standard error that cannot be written is let go.
func printError(_ message: String) {
    fputs("lore: \(message)\n", stderr)
}

/// An error that ends the command: one line on stderr, and with --json or --jsonl also
/// `{"error": "…"}` on stdout, so that a script reading JSON reads the error too.
func reportError(_ message: String) {
    printError(message)
    let arguments = CommandLine.arguments.prefix { $0 != "--" }
    guard arguments.contains("--json") || arguments.contains("--jsonl") else { return }
    fputs(LoreJSON.encode(["error": message]) + "\n", stdout)
    fflush(stdout)
}
