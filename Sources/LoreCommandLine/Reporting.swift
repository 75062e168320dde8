@preconcurrency import Glibc
import ArgumentParser
import Foundation
import LoreCore

// What both executables (`lore`, and `lore-serve`, which `lore serve` starts) share: how errors
// are reported (here), and the options of the notes and index, of the schema, of a search and of
// the server (the other files).

/// The version both executables report.
public let loreVersion = "0.3.0"

/// Runs `body`, turning Lore's errors into one line on stderr (and a JSON object on stdout with
/// --json or --jsonl) and exit code 2. Standard output is flushed at the end: output that could not be written
/// (a closed pipe, a full disk) is an error too.
public func reportingErrors<T>(_ body: () throws -> T) throws -> T {
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
public func flushOutput() throws {
    if fflush(stdout) != 0 || ferror(stdout) != 0 {
        let reason = String(cString: strerror(errno))
        clearerr(stdout)
        throw LoreError.outputFailed(reason: reason)
    }
}

/// One line on standard error, `lore: ` first. A standard error that cannot be written is let go.
public func printError(_ message: String) {
    fputs("lore: \(message)\n", stderr)
}

/// An error that ends the command: one line on stderr, and with --json or --jsonl also
/// `{"error": "…"}` on stdout, so that a script reading JSON reads the error too.
public func reportError(_ message: String) {
    printError(message)
    let arguments = CommandLine.arguments.prefix { $0 != "--" }
    guard arguments.contains("--json") || arguments.contains("--jsonl") else { return }
    fputs(LoreJSON.encode(["error": message]) + "\n", stdout)
    fflush(stdout)
}

extension ParsableCommand {
    /// Parses and runs the command, as both executables' `main` does. A bad option or argument
    /// (out of range, unknown, missing) is one line on stderr, like every other error of lore,
    /// and exit code 2; help and other errors go through ArgumentParser as usual.
    public static func parseAndRun() -> Never {
        // A closed pipe is an error of the write (EPIPE), reported like any other, not a signal.
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try parseAsRoot()
            try command.run()
            exit()
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
