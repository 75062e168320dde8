import XCTest
@testable import LoreCore

final class ParentFolderTests: XCTestCase {
    func testParentFolders() {
        let cases = ["i": "", "i/": "", "ab/c": "ab", "ab/c/": "ab", "/x": "/", "/": "/", "a//b": "a", "/a/b/c": "/a/b", "": ""]
        for (path, parent) in cases { XCTAssertEqual(LoreError.parentFolder(of: path), parent, path) }
    }
}

final class NoteSplitterTests: XCTestCase {
    func testSplitsAtHeadingsKeepingPathAndLines() throws {
        let note = """
        ---
        title: Routing
        kind: story
        tags: [llm, cost]
        ---
        # Routing

        ## Situation
        A choice between two models.

        ## Result
        Costs fell 60%.
        ```
        # not a heading
        ```
        """
        let split = NoteSplitter().passages(of: note, source: "stories/routing.md")
        let (passages, matter) = (split.passages, split.matter)
        XCTAssertNil(split.problem)
        XCTAssertEqual(matter, FrontMatter(title: "Routing", kind: "story", domain: nil, tags: ["llm", "cost"]))
        XCTAssertEqual(passages, [
            Passage(source: "stories/routing.md", firstLine: 9, lastLine: 9, title: "Routing › Situation", text: "A choice between two models."),
            Passage(source: "stories/routing.md", firstLine: 12, lastLine: 15, title: "Routing › Result",
                    text: "Costs fell 60%.\n```\n# not a heading\n```"),
        ])
    }

    func testLongSectionsSplitBetweenParagraphs() throws {
        let paragraph = Array(repeating: "word", count: 40).joined(separator: " ")
        let note = "# Long\n\n" + Array(repeating: paragraph, count: 5).joined(separator: "\n\n")
        let passages = NoteSplitter(maxWords: 100).passages(of: note, source: "long.md").passages
        XCTAssertEqual(passages.map(\.firstLine), [3, 7, 11])
        XCTAssertEqual(passages.map(\.lastLine), [5, 9, 11])
        XCTAssertEqual(passages.map(\.title), ["Long", "Long", "Long"])
    }

    func testPlainTextHasNoHeadings() throws {
        let passages = NoteSplitter().passages(of: "# just text\nsecond line", source: "notes/plain-notes.txt").passages
        XCTAssertEqual(passages, [Passage(source: "notes/plain-notes.txt", firstLine: 1, lastLine: 2, title: "plain notes",
                                          text: "# just text\nsecond line")])
    }

    func testBadYAMLIsIgnoredAndTheBodyKept() {
        let split = NoteSplitter().passages(of: "---\ntitle: [unclosed\n---\nbody", source: "a.md")
        XCTAssertEqual(split.passages, [Passage(source: "a.md", firstLine: 4, lastLine: 4, title: "a", text: "body")])
        XCTAssertEqual(split.problem?.hasPrefix("front matter of a.md ignored: not valid YAML ("), true, split.problem ?? "")
    }

    func testDeepNestingIsOneLine() {
        let note = "---\ntitle: " + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000) + "\n---\nbody"
        let split = NoteSplitter().passages(of: note, source: "deep.md")
        XCTAssertEqual(split.problem, "front matter of deep.md ignored: not valid YAML (nested more than 1000 levels deep at line 2)")
        XCTAssertEqual(split.passages.map(\.text), ["body"])
    }

    func testLinesEndAtLFCRLFAndCR() {
        XCTAssertEqual(NoteSplitter.lines("a\r\nb\rc\n\r\nd"), ["a", "b", "c", "", "d"])
        XCTAssertEqual(NoteSplitter.lines("é\r\n"), ["é", ""])
    }

    func testAnchorsWithAliasesAreFlagged() {
        XCTAssertTrue(FrontMatter.mayExpandAliases("a: &x [1]\nb: [*x]"))
        XCTAssertFalse(FrontMatter.mayExpandAliases("title: Q&A on R&D\ntags: [b*c]"))
        XCTAssertFalse(FrontMatter.mayExpandAliases("a: &x 1"))
    }
}

final class IgnoreRulesTests: XCTestCase {
    func testGitignorePatterns() {
        let rules = IgnoreRules(base: "", text: "# comment\nbuild/\n*.log\n/top.md\ndocs/**/draft.md\n!keep.log\n[ab]?.md\n\\#hash.md\n")
        func v(_ p: String, dir: Bool = false) -> Bool? { rules.verdict(p, isDirectory: dir) }
        XCTAssertEqual(v("build", dir: true), true)
        XCTAssertNil(v("build"), "build/ names folders only")
        XCTAssertEqual(v("x/build", dir: true), true)
        XCTAssertEqual(v("a/b/c.log"), true)
        XCTAssertEqual(v("keep.log"), false)
        XCTAssertEqual(v("top.md"), true)
        XCTAssertNil(v("sub/top.md"))
        XCTAssertEqual(v("docs/draft.md"), true)
        XCTAssertEqual(v("docs/a/b/draft.md"), true)
        XCTAssertNil(v("other/docs/draft.md"))
        XCTAssertEqual(v("a1.md"), true)
        XCTAssertNil(v("c1.md"))
        XCTAssertEqual(v("#hash.md"), true)
        let nested = IgnoreRules(base: "sub", text: "local.md\n/only.md\n")
        XCTAssertEqual(nested.verdict("sub/x/local.md", isDirectory: false), true)
        XCTAssertEqual(nested.verdict("sub/only.md", isDirectory: false), true)
        XCTAssertNil(nested.verdict("sub/x/only.md", isDirectory: false))
        XCTAssertNil(nested.verdict("local.md", isDirectory: false))
    }

    func testGlob() {
        func g(_ p: String, _ n: String) -> Bool { IgnoreRules.glob(Array(p.unicodeScalars)[...], Array(n.unicodeScalars)[...]) }
        XCTAssertTrue(g("*", "anything"))
        XCTAssertTrue(g("a*b*c", "axxbyyc"))
        XCTAssertFalse(g("a*b*c", "axxbyy"))
        XCTAssertTrue(g("*.tmp.md", "scratch.tmp.md"))
        XCTAssertTrue(g("[!a]x", "bx"))
        XCTAssertFalse(g("[!a]x", "ax"))
        XCTAssertTrue(g("[a-c]", "b"))
        XCTAssertTrue(g("[", "["))
    }
}

final class CorpusReaderTests: XCTestCase {
    /// The folder is listed a level at a time, the folders of a level in parallel; the notes come
    /// back sorted by their paths' bytes whatever the level ("a.md" after "a/…", "B" before "a"),
    /// with what ignore files name (in the folder and above it), hidden entries and non-notes
    /// left out.
    func testListsEveryLevelInByteOrder() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("lore-reader-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let notes = ["a.md", "a/b.md", "a/c/d.MD", "a/c/e/f.txt", "B/x.markdown", "b.md", "c/1.md", "c/2/3.md", "d/deep/deeper/z.md"]
        let others = ["a/image.png", ".hidden.md", "c/.git/config.md", "c/skip.md", "d/node_modules/m.md", "c/2/drop.md"]
        for path in notes + others {
            let full = root + "/" + path
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data("# Note\n\ntext\n".utf8).write(to: URL(fileURLWithPath: full))
        }
        try Data("skip.md\n".utf8).write(to: URL(fileURLWithPath: root + "/c/.gitignore"))
        try Data("drop.md\n".utf8).write(to: URL(fileURLWithPath: root + "/c/.loreignore"))
        var warnings: [String] = []
        let files = try CorpusReader(root: root).listFiles { warnings.append($0) }
        XCTAssertEqual(files.map(\.path), ["B/x.markdown", "a.md", "a/b.md", "a/c/d.MD", "a/c/e/f.txt", "b.md", "c/1.md", "c/2/3.md", "d/deep/deeper/z.md"])
        XCTAssertEqual(warnings, [])
        XCTAssertTrue(files.allSatisfy { $0.size == 13 && $0.mtimeNanos > 0 })
        let all = try CorpusReader(root: root, respectIgnores: false).listFiles().map(\.path)
        XCTAssertEqual(all, ["B/x.markdown", "a.md", "a/b.md", "a/c/d.MD", "a/c/e/f.txt", "b.md", "c/1.md", "c/2/3.md", "c/2/drop.md", "c/skip.md",
                             "d/deep/deeper/z.md", "d/node_modules/m.md"])
    }
}

final class TextDecodingTests: XCTestCase {
    private func decode(_ bytes: [UInt8]) throws -> (String, TextDecoding) {
        let r = try TextDecoding.decode(Data(bytes))
        return (r.text, r.encoding)
    }

    func testUTF8WithAndWithoutItsMark() throws {
        XCTAssertTrue(try decode(Array("café".utf8)) == ("café", .utf8))
        XCTAssertTrue(try decode([0xEF, 0xBB, 0xBF] + Array("café".utf8)) == ("café", .utf8))
    }

    func testUTF16ByItsMark() throws {
        XCTAssertTrue(try decode([0xFF, 0xFE, 0x63, 0x00, 0xE9, 0x00]) == ("cé", .utf16LittleEndian))
        XCTAssertTrue(try decode([0xFE, 0xFF, 0x00, 0x63, 0x00, 0xE9]) == ("cé", .utf16BigEndian))
        XCTAssertThrowsError(try decode([0xFF, 0xFE, 0x63])) { XCTAssertEqual($0 as? TextDecoding.Problem, .badUTF16) }
        XCTAssertThrowsError(try decode([0xFF, 0xFE, 0x00, 0xD8])) { XCTAssertEqual($0 as? TextDecoding.Problem, .badUTF16) }
    }

    func testOtherBytesAreWindows1252() throws {
        // é is Latin-1's; 0x80 is €, 0x93/0x94 curly quotes; 0x81 is unassigned.
        XCTAssertTrue(try decode([0x63, 0x61, 0x66, 0xE9, 0x20, 0x80, 0x93, 0x61, 0x94, 0x81]) == ("café €“a”\u{FFFD}", .windows1252))
    }

    func testANulWithoutAUTF16MarkIsBinary() {
        XCTAssertThrowsError(try decode([0x89, 0x50, 0x4E, 0x47, 0x00])) { XCTAssertEqual($0 as? TextDecoding.Problem, .binary) }
    }
}
