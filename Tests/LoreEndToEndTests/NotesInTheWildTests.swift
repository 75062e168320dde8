import Foundation
import XCTest

/// Notes as people keep them: odd front matter, Windows and old Mac line endings, Setext and
/// repeated top-level headings, symlink loops, ignore files. Each odd note is indexed (or skipped
/// with one line that names it), the rest of the folder is indexed, and the exit code says so.
final class NotesInTheWildTests: XCTestCase {
    struct Hit: Equatable, CustomStringConvertible {
        var source: String
        var lines: [Int]
        var title: String
        var text: String
        var description: String { "\(source):\(lines) \(title): \(text.debugDescription)" }
    }

    private func index(_ s: Scratch, _ extra: [String] = [], timeout: Double? = nil) throws -> LoreProcess.Outcome {
        try LoreProcess.run(["index", "--corpus", s.path + "/notes", "--index", s.path + "/index"] + extra, timeout: timeout)
    }

    /// The passages that hold `word` (feedback off, so only they come back), sources relative to the notes.
    private func hits(_ word: String, _ s: Scratch, _ extra: [String] = [],
                      file: StaticString = #filePath, line: UInt = #line) throws -> [Hit] {
        let r = try LoreProcess.run(["ask", word, "-k", "100", "--json", "--feedback-docs", "0", "--corpus", s.path + "/notes",
                                     "--index", s.path + "/index"] + extra, timeout: 60)
        XCTAssertEqual(r.status, 0, r.stderr, file: file, line: line)
        XCTAssertEqual(r.stderr, "", file: file, line: line)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        return (object["results"] as! [[String: Any]]).map {
            Hit(source: ($0["source"] as! String).replacingOccurrences(of: s.path + "/notes/", with: ""),
                lines: $0["lines"] as! [Int], title: $0["title"] as! String, text: $0["text"] as! String)
        }
    }

    private func assertIndexed(_ r: LoreProcess.Outcome, added: Int, passages: Int, stderr: String,
                               file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(r.status, 0, r.stderr, file: file, line: line)
        XCTAssertEqual(r.stderr, stderr, file: file, line: line)
        XCTAssertTrue(r.stdout.hasPrefix("0 changed, \(added) added, 0 removed: \(passages) passage\(passages == 1 ? "" : "s") embedded"), r.stdout,
                      file: file, line: line)
    }

    // MARK: Front matter

    func testFrontMatterWithAKeyThatIsNotTextIsReadWithoutIt() throws {
        let s = Scratch()
        s.write("notes/odd.md", "---\n[a]: c\ntitle: Odd one\n---\nThe walrus ledger.\n")
        s.write("notes/good.md", "# Good\n\nThe narwhal budget.\n")
        assertIndexed(try index(s), added: 2, passages: 2, stderr: "lore: front matter of odd.md: ignored a key that is not text\n")
        XCTAssertEqual(try hits("walrus", s), [Hit(source: "odd.md", lines: [5, 5], title: "Odd one", text: "The walrus ledger.")])
        XCTAssertEqual(try hits("narwhal", s).map(\.source), ["good.md"])
    }

    func testAliasBombIsRefusedQuickly() throws {
        let s = Scratch()
        var yaml = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        for (prev, name) in zip("abcdefgh", "bcdefghi") {
            yaml += "\(name): &\(name) [" + Array(repeating: "*\(prev)", count: 9).joined(separator: ",") + "]\n"
        }
        s.write("notes/laughs.md", "---\n" + yaml + "tags: *i\n---\nThe walrus ledger.\n")
        s.write("notes/good.md", "# Good\n\nThe narwhal budget.\n")
        let start = Date()
        let r = try index(s, timeout: 60)
        assertIndexed(r, added: 2, passages: 2,
                      stderr: "lore: front matter of laughs.md ignored: YAML anchors and aliases are not read\n")
        XCTAssertLessThan(Date().timeIntervalSince(start), 20)
        XCTAssertEqual(try hits("walrus", s), [Hit(source: "laughs.md", lines: [13, 13], title: "laughs", text: "The walrus ledger.")])
    }

    func testMalformedFrontMatterIsOneLineAndTheBodyIsIndexed() throws {
        let s = Scratch()
        s.write("notes/bad.md", "---\ntitle: [unclosed\ntags: x\n---\n# Plans\n\nThe walrus ledger.\n")
        s.write("notes/good.md", "# Good\n\nThe narwhal budget.\n")
        assertIndexed(try index(s), added: 2, passages: 2, stderr:
            "lore: front matter of bad.md ignored: not valid YAML (did not find expected ',' or ']' at line 3)\n")
        XCTAssertEqual(try hits("walrus", s), [Hit(source: "bad.md", lines: [7, 7], title: "Plans", text: "The walrus ledger.")])
    }

    func testOversizedFrontMatterIsIgnored() throws {
        let s = Scratch()
        let filler = String(repeating: "# padding comment line of the front matter\n", count: 1600)
        s.write("notes/big.md", "---\ntitle: Big\n" + filler + "---\nThe walrus ledger.\n")
        assertIndexed(try index(s), added: 1, passages: 1, stderr: "lore: front matter of big.md ignored: larger than 64 KiB\n")
        XCTAssertEqual(try hits("walrus", s), [Hit(source: "big.md", lines: [1604, 1604], title: "big", text: "The walrus ledger.")])
    }

    func testNoteOfFrontMatterOnlyIsIndexedByItsTitleAndTags() throws {
        let s = Scratch()
        s.write("notes/reading.md", "---\ntitle: Reading list\ntags: [walrus, biography]\n---\n")
        s.write("notes/good.md", "# Good\n\nThe narwhal budget.\n")
        assertIndexed(try index(s), added: 2, passages: 2, stderr: "")
        XCTAssertEqual(try hits("walrus", s), [Hit(source: "reading.md", lines: [1, 4], title: "Reading list",
                                                    text: "Reading list\nwalrus, biography")])
        XCTAssertEqual(try hits("reading", s).map(\.source), ["reading.md"])
    }

    // MARK: Line endings

    func testWindowsAndOldMacLineEndings() throws {
        let s = Scratch()
        s.write("notes/win.md", "---\r\ntitle: Windows\r\n---\r\n# Windows\r\n\r\n## First\r\nThe walrus ledger.\r\nSecond line.\r\n\r\n## Second\r\nThe narwhal budget.\r\n")
        s.write("notes/mac.md", "# Mac\r\rThe okapi notes.\rTwo lines.\r")
        s.write("notes/plain.txt", "The quokka tail.\r\n\r\nThe ibex horn.\r\n")
        assertIndexed(try index(s), added: 3, passages: 4, stderr: "")
        XCTAssertEqual(try hits("walrus", s), [Hit(source: "win.md", lines: [7, 8], title: "Windows › First",
                                                    text: "The walrus ledger.\nSecond line.")])
        XCTAssertEqual(try hits("narwhal", s), [Hit(source: "win.md", lines: [11, 11], title: "Windows › Second",
                                                     text: "The narwhal budget.")])
        XCTAssertEqual(try hits("okapi", s), [Hit(source: "mac.md", lines: [3, 4], title: "Mac", text: "The okapi notes.\nTwo lines.")])
        XCTAssertEqual(try hits("ibex", s), [Hit(source: "plain.txt", lines: [1, 3], title: "plain",
                                                  text: "The quokka tail.\n\nThe ibex horn.")])
    }

    // MARK: Headings

    func testTopLevelHeadingsDoNotNest() throws {
        let s = Scratch()
        s.write("notes/week.md", "# Monday\n\nThe walrus ledger.\n\n# Tuesday\n\nThe narwhal budget.\n\n## Evening\n\nThe okapi dinner.\n")
        s.write("notes/journal.md", "---\ntitle: Journal\n---\n# Monday\n\nThe quokka tail.\n\n# Tuesday\n\nThe ibex horn.\n")
        assertIndexed(try index(s), added: 2, passages: 5, stderr: "")
        XCTAssertEqual(try hits("walrus", s).map(\.title), ["week › Monday"])
        XCTAssertEqual(try hits("narwhal", s).map(\.title), ["week › Tuesday"])
        XCTAssertEqual(try hits("okapi", s).map(\.title), ["week › Tuesday › Evening"])
        XCTAssertEqual(try hits("quokka", s).map(\.title), ["Journal › Monday"])
        XCTAssertEqual(try hits("ibex", s).map(\.title), ["Journal › Tuesday"])
    }

    func testSetextHeadings() throws {
        let s = Scratch()
        s.write("notes/trip.md", """
            Trip
            ====

            The walrus ledger.

            Day one
            -------
            The narwhal budget.

            Day two
            -------

            The okapi dinner.
            """)
        // A line of dashes under a list item, or after a blank line, is a rule, not a heading.
        s.write("notes/rules.md", "# Rules\n\nThe quokka tail.\n- a list item\n---\n\n---\n\nThe ibex horn.\n")
        assertIndexed(try index(s), added: 2, passages: 4, stderr: "")
        XCTAssertEqual(try hits("walrus", s), [Hit(source: "trip.md", lines: [4, 4], title: "Trip", text: "The walrus ledger.")])
        XCTAssertEqual(try hits("narwhal", s), [Hit(source: "trip.md", lines: [8, 8], title: "Trip › Day one", text: "The narwhal budget.")])
        XCTAssertEqual(try hits("okapi", s), [Hit(source: "trip.md", lines: [13, 13], title: "Trip › Day two", text: "The okapi dinner.")])
        XCTAssertEqual(try hits("quokka", s), [Hit(source: "rules.md", lines: [3, 9], title: "Rules",
                                                   text: "The quokka tail.\n- a list item\n---\n\n---\n\nThe ibex horn.")])
    }

    // MARK: Accents

    func testAWordTypedWithoutItsAccentsFindsIt() throws {
        let s = Scratch()
        s.write("notes/trip.md", "# Trip\n\nA naïve résumé review at the café in Zürich.\n")
        // The same words written with combining accents, as some systems store them.
        s.write("notes/decomposed.md", "# Later\n\nBack at the cafe\u{301} in Zu\u{308}rich.\n")
        s.write("notes/other.md", "# Other\n\nPlain words about the weather.\n")
        assertIndexed(try index(s), added: 3, passages: 3, stderr: "")
        XCTAssertEqual(try hits("cafe", s).map(\.source).sorted(), ["decomposed.md", "trip.md"])
        XCTAssertEqual(try hits("Zürich", s).map(\.source).sorted(), ["decomposed.md", "trip.md"])
        XCTAssertEqual(try hits("resume", s).map(\.source), ["trip.md"])
        XCTAssertEqual(try hits("NAIVE", s).map(\.source), ["trip.md"])
    }

    /// A heading of thousands of characters is cut in the text output and whole in JSON.
    func testVeryLongHeadingIsCutInTextOnly() throws {
        let s = Scratch()
        let heading = String(repeating: "Long heading ", count: 500) + "end"
        s.write("notes/long.md", "# \(heading)\n\nThe grebe nests here.\n")
        assertIndexed(try index(s), added: 1, passages: 1, stderr: "")
        let r = try LoreProcess.run(["ask", "grebe", "-k", "1", "--corpus", s.path + "/notes", "--index", s.path + "/index"])
        let first = r.stdout.split(separator: "\n").first.map(String.init) ?? ""
        XCTAssertEqual(first, "1. " + String(heading.prefix(199)) + "…  1.000")
        XCTAssertEqual(try hits("grebe", s).first?.title, heading)
    }

    // MARK: Scripts without spaces

    /// A Chinese or Japanese word is found inside a sentence written without spaces.
    func testAChineseOrJapaneseWordIsFoundInsideASentence() throws {
        let s = Scratch()
        s.write("notes/ja.md", "# 日記\n\n東京の天気は晴れです。ラーメンが好き。\n")
        s.write("notes/zh.md", "# 会议\n\n我们在北京开会，讨论人工智能技术。\n")
        s.write("notes/en.md", "# Weather\n\nPlain words about the weather in Paris.\n")
        assertIndexed(try index(s), added: 3, passages: 3, stderr: "")
        XCTAssertEqual(try hits("東京", s).map(\.source), ["ja.md"])
        XCTAssertEqual(try hits("ラーメン", s).map(\.source), ["ja.md"])
        XCTAssertEqual(try hits("人工智能", s).first?.source, "zh.md")
    }

    // MARK: Folders

    func testSymlinkLoopsAreSkippedWithAWarning() throws {
        let s = Scratch()
        s.write("notes/a.md", "# A\n\nThe walrus ledger.\n")
        s.write("notes/sub/b.md", "# B\n\nThe walrus budget.\n")
        XCTAssertEqual(symlink("..", s.path + "/notes/sub/loop"), 0)
        XCTAssertEqual(symlink("self.md", s.path + "/notes/self.md"), 0)
        assertIndexed(try index(s), added: 2, passages: 2, stderr: """
            lore: skipped self.md: symbolic link loop
            lore: skipped sub/loop: symbolic link loop

            """)
        XCTAssertEqual(try hits("walrus", s).map(\.source).sorted(), ["a.md", "sub/b.md"])
    }

    func testUnreadableFolderIsSkippedWithAWarning() throws {
        if getuid() == 0 {
            throw XCTSkip("running as root, which reads a folder of mode 000 anyway: nothing to test")
        }
        let s = Scratch()
        s.write("notes/a.md", "# A\n\nThe walrus ledger.\n")
        s.write("notes/locked/b.md", "# B\n\nThe walrus budget.\n")
        XCTAssertEqual(chmod(s.path + "/notes/locked", 0), 0)
        defer { chmod(s.path + "/notes/locked", 0o755) }
        assertIndexed(try index(s), added: 1, passages: 1, stderr: "lore: skipped locked: cannot read the folder (Permission denied)\n")
        XCTAssertEqual(try hits("walrus", s).map(\.source), ["a.md"])
    }

    // MARK: Numbers from outside

    func testIntegerOptionsAreBounded() throws {
        let s = Scratch()
        s.write("notes/a.md", "# A\n\nThe coffee ledger.\n")
        let args = ["--corpus", s.path + "/notes", "--index", s.path + "/index"]
        for (arguments, message) in [
            (["ask", "coffee", "-k", "9223372036854775807"] + args, "-k must be 1 to 10000"),
            (["ask", "coffee", "-k", "0"] + args, "-k must be 1 to 10000"),
            (["ask", "coffee", "-k", "-1"] + args, "-k must be 1 to 10000"),
            (["ask", "coffee", "--latent-weight", "-0.5"] + args, "--latent-weight must be in 0...1"),
            (["ask", "coffee", "--feedback-docs", "200"] + args, "--feedback-docs must be 0 to 100"),
            (["bench", "--queries", "9223372036854775807"], "--queries must be 1 to 100000"),
            (["bench", "--passages", "100,9223372036854775807"], "--passages takes sizes of 100 to 10000000, comma-separated: got 9223372036854775807"),
        ] {
            let r = try LoreProcess.run(arguments, timeout: 60)
            XCTAssertEqual(r.status, 2, "\(arguments): \(r.stderr)")
            XCTAssertEqual(r.stderr, "lore: \(message)\n")
            XCTAssertEqual(r.stdout, "")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: s.path + "/index"), "nothing is built for a bad option")
        let r = try LoreProcess.run(["ask", "coffee", "-k", "10000"] + args)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("The coffee ledger."), r.stdout)
    }

    // MARK: Ignore files

    func testIgnoreFilesAndBuildFoldersAreHonoured() throws {
        let s = Scratch()
        s.write("notes/.gitignore", "# generated\nbuild/\n*.tmp.md\n/top.md\n!keep.tmp.md\n")
        s.write("notes/.loreignore", "private\ndocs/**/draft.md\n")
        s.write("notes/sub/.gitignore", "local.md\n")
        let all = ["a.md", "top.md", "sub/top.md", "build/out.md", "sub/build/x.md", "scratch.tmp.md", "keep.tmp.md",
                   "private/p.md", "docs/draft.md", "docs/a/b/draft.md", "docs/final.md", "sub/local.md",
                   "node_modules/pkg/README.md", "__pycache__/x.md"]
        for path in all { s.write("notes/" + path, "# Note\n\nThe walrus of \(path).\n") }
        let kept = ["a.md", "docs/final.md", "keep.tmp.md", "sub/top.md"]
        assertIndexed(try index(s), added: kept.count, passages: kept.count, stderr: "")
        XCTAssertEqual(try hits("walrus", s).map(\.source).sorted(), kept)

        let r = try index(s, ["--no-ignore"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("0 changed, \(all.count - kept.count) added, 0 removed"), r.stdout)
        XCTAssertEqual(try hits("walrus", s, ["--no-ignore"]).map(\.source).sorted(), all.sorted())
    }
}
