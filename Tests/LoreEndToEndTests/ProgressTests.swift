import Foundation
import XCTest

/// Progress of a build on stderr: on a terminal one line rewritten in place; piped, nothing.
final class ProgressTests: XCTestCase {
    private func writeNotes(_ s: Scratch) {
        s.write("notes/a.md", "# Walrus\n\nThe walrus eats clams.\n\n## Ice\n\nIt rests on the ice.\n")
        s.write("notes/b.md", "# Okapi\n\nThe okapi lives in the forest.\n")
        s.write("notes/c/d.txt", "Narwhals have a tusk.\n")
    }

    func testPipedStderrShowsNoProgress() throws {
        let s = Scratch()
        writeNotes(s)
        let args = ["--corpus", s.path + "/notes", "--index", s.path + "/index"]
        var r = try LoreProcess.run(["index"] + args)
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(r.stderr, "")
        XCTAssertTrue(r.stdout.hasPrefix("0 changed, 3 added, 0 removed: 4 passages embedded in "), r.stdout)
        s.write("notes/b.md", "# Okapi\n\nThe okapi lives in the forest of the Congo.\n")
        r = try LoreProcess.run(["ask", "okapi", "--files"] + args)
        XCTAssertEqual(r.stdout, s.path + "/notes/b.md\n")
        let summary = try XCTUnwrap(r.stderr.split(separator: "\n").last)
        XCTAssertEqual(r.stderr, "lore: notes changed since the index was built: refreshing it\n\(summary)\n")
        XCTAssertTrue(summary.hasPrefix("lore: 1 changed, 0 added, 0 removed: 4 passages embedded in "), r.stderr)
    }

    /// Through `script`, which gives the command a terminal (util-linux; skipped without it).
    func testTerminalShowsStagesOnOneLine() throws {
        guard let script = ["/usr/bin/script", "/bin/script"].first(where: FileManager.default.isExecutableFile) else {
            throw XCTSkip("no script(1) to run lore on a terminal")
        }
        let s = Scratch()
        writeNotes(s)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        process.arguments = ["-q", "-e", "-c", "\(LoreProcess.executable.path) index --corpus \(s.path)/notes --index \(s.path)/index",
                             "/dev/null"]
        process.standardInput = FileHandle.nullDevice
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        // The terminal's output: each stage rewrites the line, which is cleared before the summary.
        let shown = String(decoding: data, as: UTF8.self)
        let clear = "\r\u{1B}[K"
        let stages = shown.components(separatedBy: clear).dropFirst()
        // Counts of notes read are drawn at most 10 times a second: the first and the last always.
        let reading = stages.filter { $0.hasPrefix("lore: reading notes: ") }
        XCTAssertEqual(reading.first, "lore: reading notes: 1 of 3")
        XCTAssertEqual(reading.last, "lore: reading notes: 3 of 3")
        XCTAssertEqual(stages.filter { !$0.hasPrefix("lore: reading notes: ") }.dropLast(),
                       ["lore: 3 notes found, 3 to read", "lore: 3 notes read, 4 passages embedded",
                        "lore: fitting the latent layer on 4 passages", "lore: writing the index"], shown.debugDescription)
        XCTAssertTrue(stages.last?.hasPrefix("0 changed, 3 added, 0 removed: 4 passages embedded in ") == true, shown.debugDescription)
        XCTAssertTrue(shown.hasPrefix(clear + "lore: 3 notes found, 3 to read" + clear + "lore: reading notes: 1 of 3"))
    }
}
