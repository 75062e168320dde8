import Foundation
import XCTest

/// Bad input gets one clear line on stderr and a non-zero exit, never a crash.
final class BadInputTests: XCTestCase {
    private func assertFails(_ r: LoreProcess.Outcome, message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(r.status, 2, r.stderr, file: file, line: line)
        XCTAssertEqual(r.stdout, "", file: file, line: line)
        XCTAssertEqual(r.stderr, "lore: \(message)\n", file: file, line: line)
    }

    func testEmptyQuestion() throws {
        let s = Scratch()
        s.write("notes/a.md", "# A\n\nalpha\n")
        for q in ["", "   "] {
            let r = try LoreProcess.run(["ask", q, "--corpus", s.path + "/notes", "--index", s.path + "/index"])
            assertFails(r, message: "the question is empty: ask in plain words, such as \"how did the team cut costs?\"")
        }
    }

    func testQuestionOfStopWordsOnly() throws {
        let s = Scratch()
        s.write("notes/a.md", "# A\n\nalpha\n")
        _ = try LoreProcess.run(["index", "--corpus", s.path + "/notes", "--index", s.path + "/index"])
        let r = try LoreProcess.run(["ask", "what is it?", "--corpus", s.path + "/notes", "--index", s.path + "/index"])
        assertFails(r, message: "the question has no words to search for (only stop words or punctuation)")
        let request = try LoreProcess.run(["ask", "Please show me my notes", "--corpus", s.path + "/notes", "--index", s.path + "/index"])
        assertFails(request, message: "the question has no words to search for beside request words such as \"show me\", \"my notes\", \"tell me about\": say what you are looking for")
    }

    func testMissingCorpus() throws {
        let s = Scratch()
        let r = try LoreProcess.run(["index", "--corpus", s.path + "/nowhere", "--index", s.path + "/index"])
        assertFails(r, message: "notes folder not found: \(s.path)/nowhere")
        let a = try LoreProcess.run(["ask", "alpha", "--corpus", s.path + "/nowhere", "--index", s.path + "/index"])
        assertFails(a, message: "notes folder not found: \(s.path)/nowhere (and no index in \(s.path)/index)")
    }

    func testEmptyCorpus() throws {
        let s = Scratch()
        s.write("notes/readme.pdf", "not a note")
        let r = try LoreProcess.run(["index", "--corpus", s.path + "/notes", "--index", s.path + "/index"])
        assertFails(r, message: "no notes in \(s.path)/notes: Lore indexes .md, .markdown and .txt files")
        XCTAssertFalse(FileManager.default.fileExists(atPath: s.path + "/index/lore.idx"))
    }

    func testBinaryIsSkippedAndOtherEncodingsAreReadWithAWarning() throws {
        let s = Scratch()
        s.write("notes/good.md", "# Good\n\nThe walrus budget.\n")
        s.write("notes/binary.md", Data([0x89, 0x50, 0x4E, 0x47, 0x00, 0x00, 0x01]))
        // Windows-1252: é, and a curly apostrophe (0x92) that Latin-1 would read as a control.
        s.write("notes/latin1.txt", Data("caf".utf8) + Data([0xE9, 0x20]) + Data("okapi".utf8) + Data([0x92, 0x73, 0x0A]))
        var utf16 = Data([0xFF, 0xFE])
        for unit in "# Fjord\n\nA quokka crossing.\n".utf16 { utf16.append(UInt8(unit & 0xFF)); utf16.append(UInt8(unit >> 8)) }
        s.write("notes/windows.md", utf16)
        s.write("notes/empty.md", "\n\n")
        let r = try LoreProcess.run(["index", "--corpus", s.path + "/notes", "--index", s.path + "/index"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, """
            lore: skipped binary.md: binary file
            lore: skipped empty.md: empty file
            lore: read latin1.txt as Windows-1252: not valid UTF-8
            lore: read windows.md as UTF-16 (little-endian)

            """)
        XCTAssertTrue(r.stdout.hasPrefix("0 changed, 5 added, 0 removed: 3 passages embedded"), r.stdout)
        let a = try LoreProcess.run(["ask", "walrus", "--corpus", s.path + "/notes", "--index", s.path + "/index"])
        XCTAssertEqual(a.status, 0)
        XCTAssertEqual(a.stderr, "", "skipped notes are remembered, not re-read or warned about again")
        XCTAssertTrue(a.stdout.contains("good.md:3-3"), a.stdout)
        let latin = try LoreProcess.run(["ask", "cafe", "okapi", "--json", "-k", "1", "--corpus", s.path + "/notes", "--index", s.path + "/index"])
        XCTAssertTrue(latin.stdout.contains("latin1.txt") && latin.stdout.contains("café okapi’s"), latin.stdout)
        let wide = try LoreProcess.run(["ask", "quokka", "--files", "--corpus", s.path + "/notes", "--index", s.path + "/index"])
        XCTAssertEqual(wide.stdout, "\(s.path)/notes/windows.md\n")
    }

    func testOnlyUnreadableNotesIsAnError() throws {
        let s = Scratch()
        s.write("notes/binary.md", Data([0, 1, 2, 3]))
        let r = try LoreProcess.run(["index", "--corpus", s.path + "/notes", "--index", s.path + "/index"])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stderr, "lore: skipped binary.md: binary file\nlore: no text to index in \(s.path)/notes: every note was skipped or empty\n")
    }

    func testDamagedIndexIsRebuiltWhenTheCorpusIsThere() throws {
        let s = Scratch()
        s.write("notes/a.md", "# A\n\nThe narwhal roadmap.\n")
        let args = ["--corpus", s.path + "/notes", "--index", s.path + "/index"]
        XCTAssertEqual(try LoreProcess.run(["index"] + args).status, 0)
        let idx = s.path + "/index/lore.idx"
        var data = try Data(contentsOf: URL(fileURLWithPath: idx))
        data[data.count - 3] ^= 0xFF
        try data.write(to: URL(fileURLWithPath: idx))
        let r = try LoreProcess.run(["ask", "narwhal"] + args)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("lore: index \(idx) is damaged"), r.stderr)
        XCTAssertTrue(r.stdout.contains("narwhal"), r.stdout)
    }

    func testDamagedIndexWithoutCorpusIsAClearError() throws {
        let s = Scratch()
        s.write("notes/a.md", "# A\n\nThe narwhal roadmap.\n")
        XCTAssertEqual(try LoreProcess.run(["index", "--corpus", s.path + "/notes", "--index", s.path + "/index"]).status, 0)
        let idx = s.path + "/index/lore.idx"
        let data = try Data(contentsOf: URL(fileURLWithPath: idx))
        try data.prefix(100).write(to: URL(fileURLWithPath: idx))
        let r = try LoreProcess.run(["ask", "narwhal", "--corpus", s.path + "/gone", "--index", s.path + "/index"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.hasPrefix("lore: index \(idx) is damaged ("), r.stderr)
        XCTAssertTrue(r.stderr.hasSuffix("run `lore index --rebuild` to build it again\n"), r.stderr)
    }

    /// Postings are checked when a question first reads them: damaged ones are never scored.
    /// With the notes there, `lore ask` says so and rebuilds; without them, it names the file.
    func testDamagedPostingsAreCaughtWhenRead() throws {
        let s = Scratch()
        s.write("notes/a.md", "# A\n\nThe narwhal roadmap.\n")
        let index = s.path + "/index"
        XCTAssertEqual(try LoreProcess.run(["index", "--corpus", s.path + "/notes", "--index", index]).status, 0)
        let segment = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: index).first { $0.hasSuffix(".los") })
        let path = index + "/" + segment
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        // The section table: 32-byte entries from offset 32 (tag, reserved, offset, length, checksum).
        let count = Int(data[16]) | Int(data[17]) << 8
        func u64(_ at: Int) -> Int { (0..<8).reduce(0) { $0 | Int(data[at + $1]) << (8 * $1) } }
        let entry = try XCTUnwrap((0..<count).map { 32 + 32 * $0 }.first { String(decoding: data[$0..<($0 + 4)], as: UTF8.self) == "PPAS" })
        let (offset, length) = (u64(entry + 8), u64(entry + 16))
        XCTAssertGreaterThan(length, 0)
        for i in offset..<(offset + length) { data[i] ^= 0xFF }
        try data.write(to: URL(fileURLWithPath: path))

        let gone = try LoreProcess.run(["ask", "narwhal", "--corpus", s.path + "/gone", "--index", index])
        XCTAssertEqual(gone.status, 2)
        let lines = gone.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 2, gone.stderr)
        XCTAssertEqual(lines.first.map(String.init), "lore: notes folder \(s.path)/gone not found: answering from the index in \(index) as it was built")
        XCTAssertTrue(lines.last!.hasPrefix("lore: index \(path) is damaged (postings of dimension "), gone.stderr)
        XCTAssertTrue(gone.stderr.hasSuffix("run `lore index --rebuild` to build it again\n"), gone.stderr)
        XCTAssertEqual(gone.stdout, "")

        let r = try LoreProcess.run(["ask", "narwhal", "--corpus", s.path + "/notes", "--index", index])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.hasPrefix("lore: index \(path) is damaged (postings of dimension "), r.stderr)
        XCTAssertTrue(r.stderr.contains("rebuilding it"), r.stderr)
        XCTAssertTrue(r.stdout.contains("narwhal"), r.stdout)
    }
}

/// With --json or --jsonl an error is also one JSON object on stdout; exit code 2, a bad option
/// included (as ripgrep).
final class JSONErrorTests: XCTestCase {
    func testErrorsAreJSONOnStdoutWithJSON() throws {
        var r = try LoreProcess.run(["ask", "coffee", "--json", "-k", "0"])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stdout, "{\"error\":\"-k must be 1 to 10000\"}\n")
        XCTAssertEqual(r.stderr, "lore: -k must be 1 to 10000\n")
        r = try LoreProcess.run(["ask", "coffee", "--jsonl", "--corpus", "/nonexistent-lore-notes", "--index", "/nonexistent-lore-index"])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stdout, "{\"error\":\"notes folder not found: /nonexistent-lore-notes (and no index in /nonexistent-lore-index)\"}\n")
        r = try LoreProcess.run(["ask", "coffee", "-k", "0"])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stdout, "")
    }
}
