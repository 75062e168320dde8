import Foundation
import XCTest

/// Runs the built `lore` binary as a child process, as a user would.
struct LoreProcess {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The package root (two levels above this file's folder).
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The `lore` executable beside the test bundle in the build folder, or `LORE_EXECUTABLE`
    /// when set (to run the tests against another build).
    static var executable: URL {
        if let path = ProcessInfo.processInfo.environment["LORE_EXECUTABLE"] { return URL(fileURLWithPath: path) }
        var dir = Bundle.main.bundleURL
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent("lore")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return Bundle.main.bundleURL.appendingPathComponent("lore")
    }

    /// Runs lore with `arguments`. `prefix` runs it through another program (such as setpriv, to
    /// run it as another user); `output` replaces the pipe its standard output is read from (the
    /// outcome's stdout is then empty).
    @discardableResult
    static func run(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:],
                    timeout: Double? = nil, input: String? = nil, prefix: [String] = [], output: FileHandle? = nil) throws -> Outcome {
        let process = Process()
        if let program = prefix.first {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = Array(prefix.dropFirst()) + [executable.path] + arguments
        } else {
            process.executableURL = executable
            process.arguments = arguments
        }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        var env = ProcessInfo.processInfo.environment
        // The user's own collections never reach a test: config and data folders that are not
        // there, and no LORE_COLLECTION, unless the test gives its own.
        env["XDG_CONFIG_HOME"] = NSTemporaryDirectory() + "lore-e2e-no-config"
        env["XDG_DATA_HOME"] = NSTemporaryDirectory() + "lore-e2e-no-data"
        env["LORE_COLLECTION"] = nil
        for (k, v) in environment { env[k] = v }
        process.environment = env
        // stdout through a pipe, stderr into a file: both are read whole, and neither can fill up
        // and block the child while the other is drained.
        let errPath = NSTemporaryDirectory() + "lore-stderr-" + UUID().uuidString
        FileManager.default.createFile(atPath: errPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: errPath) }
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        let out = Pipe()
        process.standardOutput = output ?? out
        process.standardError = err
        // Standard input: `input` through a pipe, closed after it; else nothing (/dev/null).
        let inPipe = input.map { _ in Pipe() }
        process.standardInput = inPipe ?? FileHandle.nullDevice
        try process.run()
        if let inPipe, let input {
            inPipe.fileHandleForWriting.write(Data(input.utf8))
            try inPipe.fileHandleForWriting.close()
        }
        // A run that takes longer than `timeout` seconds is killed (and fails on its status).
        if let timeout {
            let pid = process.processIdentifier
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { if process.isRunning { kill(pid, SIGKILL) } }
        }
        if output != nil { try out.fileHandleForWriting.close() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try err.close()
        let errData = try Data(contentsOf: URL(fileURLWithPath: errPath))
        return Outcome(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                       stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// A scratch folder for one test, removed afterwards.
final class Scratch {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "lore-e2e-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func write(_ relative: String, _ data: Data) {
        let full = path + "/" + relative
        try! FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try! data.write(to: URL(fileURLWithPath: full))
    }

    func write(_ relative: String, _ text: String) { write(relative, Data(text.utf8)) }
}
