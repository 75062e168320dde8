import Foundation
import XCTest

/// A small folder (19 notes, about 300 passages) with one planted word: the passage that holds
/// the question's rarest word is never ranked under passages that share no word with the question.
final class SmallFolderTests: XCTestCase {
    private static let vocabulary = """
        budget meeting garden kitchen travel invoice project deadline family dinner weekend morning \
        report review planning customer support release server backup laptop phone schedule coffee \
        recipe train ticket hotel museum concert doctor appointment insurance payment contract office \
        team hiring interview design sketch painting bicycle running marathon holiday summer winter
        """.split(separator: " ").map(String.init)

    private func writeFolder(_ s: Scratch) {
        var state: UInt64 = 7
        func next() -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) }
        for n in 0..<19 {
            var note = "# Note \(n)\n\n"
            for section in 0..<16 {
                note += "## Part \(section)\n\n"
                note += (0..<(12 + next() % 30)).map { _ in Self.vocabulary[next() % Self.vocabulary.count] }.joined(separator: " ")
                if n == 11 && section == 9 { note += " the database migration finished on Tuesday" }
                note += ".\n\n"
            }
            s.write("notes/note-\(n).md", Data(note.utf8))
        }
    }

    private func ask(_ question: String, _ s: Scratch) throws -> [(source: String, title: String, text: String)] {
        let r = try LoreProcess.run(["ask", question, "-k", "10", "--json", "--corpus", s.path + "/notes", "--index", s.path + "/index"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        return (object["results"] as! [[String: Any]]).map { ($0["source"] as! String, $0["title"] as! String, $0["text"] as! String) }
    }

    func testPassageWithTheRarestWordIsNotBuriedByUnrelatedOnes() throws {
        let s = Scratch()
        writeFolder(s)
        let alone = try ask("migration", s)
        XCTAssertEqual(alone.count, 1, "only one passage holds the word: \(alone.map(\.title))")
        XCTAssertEqual(alone.first?.title, "Note 11 › Part 9")
        // With common words beside it, every passage above the planted one shares a word with the question.
        let question = ["when", "did", "the", "migration", "finish", "before", "the", "budget", "review"]
        let mixed = try ask(question.joined(separator: " "), s)
        let planted = try XCTUnwrap(mixed.firstIndex { $0.title == "Note 11 › Part 9" }, "\(mixed.map(\.title))")
        for above in mixed[..<planted] {
            XCTAssertTrue(["budget", "review"].contains { above.text.contains($0) }, "\(above.title) shares no word with the question")
        }
        XCTAssertLessThan(planted, 3)
    }

    /// Scores are relative with the latent layer on, even in a folder too small to fit it (one
    /// note): the best match counts 1, so a --min-score means the same in every folder.
    func testScoresAreRelativeInAFolderTooSmallForTheLatentLayer() throws {
        let s = Scratch()
        s.write("notes/a.md", "# Walrus\n\nThe walrus lives on the ice.\n")
        let args = ["--corpus", s.path + "/notes", "--index", s.path + "/index"]
        var r = try LoreProcess.run(["ask", "walrus", "-k", "1"] + args)
        XCTAssertTrue(r.stdout.hasPrefix("1. Walrus  1.000\n"), r.stdout)
        r = try LoreProcess.run(["ask", "walrus", "-k", "1", "--latent-weight", "0"] + args)
        XCTAssertFalse(r.stdout.hasPrefix("1. Walrus  1.000\n"), "BM25's own score with the layer off: \(r.stdout)")
    }

    /// A one-letter question no note holds finds nothing: WordNet's senses of a letter ("x": the
    /// letter, ten, a drug) are not what it asks.
    func testALetterNoNoteHoldsFindsNothing() throws {
        let s = Scratch()
        s.write("notes/a.md", "# Tickets\n\nWe bought ten tickets for the 10 o'clock show.\n")
        let r = try LoreProcess.run(["ask", "x", "--corpus", s.path + "/notes", "--index", s.path + "/index"])
        XCTAssertEqual([r.status], [1], r.stderr)
        XCTAssertEqual(r.stdout, "No passage matches this question.\n")
    }
}

/// A question's request phrases ("I am interested in") say that it asks, not what about: a note
/// that happens to use them does not answer it.
final class RequestPhrasesEndToEndTests: XCTestCase {
    func testTheAskingDoesNotMatchNotes() throws {
        let s = Scratch()
        s.write("notes/club.md", Data("# Chess club\n\nTom said he is interested in joining the club.\n".utf8))
        s.write("notes/build.md", Data("# Compilers\n\nThe compilers course starts in March.\n".utf8))
        let args = ["-k", "3", "--json", "--corpus", s.path + "/notes", "--index", s.path + "/index"]
        func sources(_ extra: [String]) throws -> [String] {
            let r = try LoreProcess.run(["ask", "I am interested in compilers"] + extra + args)
            XCTAssertEqual(r.status, 0, r.stderr)
            let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
            return (object["results"] as! [[String: Any]]).map { ($0["source"] as! String).components(separatedBy: "/").last! }
        }
        XCTAssertEqual(try sources([]), ["build.md"])
        XCTAssertEqual(Set(try sources(["--drop-request-phrases", "false"])), ["build.md", "club.md"])
    }
}

/// A user's own synonyms (`.lore-synonyms` in the notes folder) bring a note's words to a question
/// asked in others, and the file itself is not indexed as a note.
final class SynonymsFileTests: XCTestCase {
    func testSynonymsFileBridgesWordsTheNotesDoNotUse() throws {
        let s = Scratch()
        s.write("notes/home.md", Data("# Living room\n\nThe new sofa arrives on Saturday morning.\n".utf8))
        s.write("notes/work.md", Data("# Standup\n\nThe release slipped to Thursday.\n".utf8))
        let args = ["-k", "3", "--json", "--related-weight", "0", "--corpus", s.path + "/notes", "--index", s.path + "/index"]
        func sources(_ question: String) throws -> [String] {
            let r = try LoreProcess.run(["ask", question] + args)
            XCTAssertEqual(r.status, r.stdout.contains("\"rank\"") ? 0 : 1, r.stderr)
            let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
            return (object["results"] as! [[String: Any]]).map { ($0["source"] as! String).components(separatedBy: "/").last! }
        }
        XCTAssertEqual(try sources("when does the couch come"), [])
        s.write("notes/.lore-synonyms", Data("# my words\ncouch, sofa, settee\nslip, delay\n".utf8))
        XCTAssertEqual(try sources("when does the couch come"), ["home.md"])
        XCTAssertEqual(try sources("delay"), ["work.md"])
        let status = try LoreProcess.run(["index", "--corpus", s.path + "/notes", "--index", s.path + "/index"])
        XCTAssertEqual(status.stdout, "index is up to date: 2 passages from 2 notes\n", "the synonyms file is not a note")
    }
}

/// A word typed with a typo finds the notes that hold the word meant (WordNet tells a typo from
/// a word; the notes choose among the words one edit away, dictionary words first).
final class TypoTests: XCTestCase {
    func testATypoFindsTheWordTheNotesHold() throws {
        guard FileManager.default.fileExists(atPath: "/usr/share/wordnet/index.noun") else {
            throw XCTSkip("WordNet (Debian's wordnet-base) is not installed")
        }
        let s = Scratch()
        s.write("notes/invoice.md", Data("# Invoice\n\nThe payment was received on Monday.\n".utf8))
        s.write("notes/team.md", Data("# Team\n\nNew management for the design group.\n".utf8))
        s.write("notes/garden.md", Data("# Garden\n\nThe roses need water in summer.\n".utf8))
        s.write("notes/offer.md", Data("# Offer\n\nNorthwind offered a senior role.\n".utf8))
        func sources(_ question: String, _ extra: [String] = []) throws -> [String] {
            let r = try LoreProcess.run(["ask", question, "-k", "3", "--json", "--feedback-docs", "0", "--latent-weight", "0",
                                         "--corpus", s.path + "/notes", "--index", s.path + "/index"] + extra)
            XCTAssertEqual(r.status, r.stdout.contains("\"rank\"") ? 0 : 1, r.stderr)
            let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
            return (object["results"] as! [[String: Any]]).map { ($0["source"] as! String).components(separatedBy: "/").last! }
        }
        // "recieved" is one edit from "received" and "relieved": the notes hold the first.
        XCTAssertEqual(try sources("recieved"), ["invoice.md"])
        XCTAssertEqual(try sources("when was it recieved"), ["invoice.md"])
        XCTAssertEqual(try sources("managment"), ["team.md"])
        // A name WordNet does not know: the notes' own word one edit away.
        XCTAssertEqual(try sources("what did Nortwind offer"), ["offer.md"])
        // Without WordNet's relatives (and so its corrections) the typo finds nothing.
        XCTAssertEqual(try sources("recieved", ["--related-weight", "0"]), [])
    }
}

/// Exit codes as ripgrep's, the version, and JSON that scripts can compare.
final class ConventionsTests: XCTestCase {
    func testExitCodesVersionAndStableJSON() throws {
        let s = Scratch()
        s.write("notes/a.md", Data("# Alpha\n\nThe zebra crossing project.\n".utf8))
        let args = ["--corpus", s.path + "/notes", "--index", s.path + "/index"]
        var r = try LoreProcess.run(["ask", "zebra", "--json"] + args)
        XCTAssertEqual(r.status, 0, r.stderr)
        let first = r.stdout.replacingOccurrences(of: #""took_ms":[0-9.e-]+"#, with: "", options: .regularExpression)
        r = try LoreProcess.run(["ask", "zebra", "--json"] + args)
        XCTAssertEqual(r.stdout.replacingOccurrences(of: #""took_ms":[0-9.e-]+"#, with: "", options: .regularExpression), first,
                       "the same answer is the same bytes, keys in one order")
        XCTAssertTrue(first.hasPrefix("{\"query\":\"zebra\",\"results\":[{\"lines\":[3,3],\"rank\":1,"), first)
        r = try LoreProcess.run(["ask", "okapi"] + args)
        XCTAssertEqual(r.status, 1, "nothing answers: exit 1")
        XCTAssertEqual(r.stdout, "No passage matches this question.\n")
        r = try LoreProcess.run(["ask", "zebra", "--corpus", s.path + "/notez", "--index", s.path + "/index"])
        XCTAssertEqual(r.status, 0, "a mistyped notes folder still answers from the index...")
        XCTAssertEqual(r.stderr, "lore: notes folder \(s.path)/notez not found: answering from the index in \(s.path)/index as it was built\n",
                       "...and says so")
        r = try LoreProcess.run(["ask", "zebra", "--corpus", s.path + "/missing", "--index", s.path + "/other"])
        XCTAssertEqual(r.status, 2, "an error: exit 2")
        XCTAssertEqual(r.stderr, "lore: notes folder not found: \(s.path)/missing (and no index in \(s.path)/other)\n")
        // The question unquoted, or from standard input.
        r = try LoreProcess.run(["ask", "the", "zebra", "crossing", "-k", "1"] + args)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("1. Alpha  "), r.stdout)
        XCTAssertEqual(try LoreProcess.run(["ask", "-", "-k", "1"] + args, input: "the zebra crossing\n").stdout, r.stdout)
        // Colour: off when piped (auto), on with --color always, off with never.
        XCTAssertFalse(r.stdout.contains("\u{1B}["))
        r = try LoreProcess.run(["ask", "zebra", "--color", "always"] + args)
        XCTAssertTrue(r.stdout.contains("\u{1B}[1m"), r.stdout)
        r = try LoreProcess.run(["ask", "zebra", "--color", "never"] + args)
        XCTAssertFalse(r.stdout.contains("\u{1B}["))
        r = try LoreProcess.run(["ask", "zebra", "--color", "sometimes"] + args)
        XCTAssertEqual(r.status, 2)
        r = try LoreProcess.run(["--version"])
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(r.stdout, "0.3.0\n")
    }

    func testFilesJSONLinesMinScoreAndGet() throws {
        let s = Scratch()
        s.write("notes/a.md", Data("# Alpha\n\n## One\n\nThe zebra crossing project.\n\n## Two\n\nA zebra again, and a lion.\n".utf8))
        s.write("notes/b/c.md", Data("# Gamma\r\n\r\nA zebra, a lion and an okapi.\r\n".utf8))
        let args = ["--corpus", s.path + "/notes", "--index", s.path + "/index"]
        var r = try LoreProcess.run(["ask", "zebra", "--files"] + args)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(Set(r.stdout.split(separator: "\n")), [Substring(s.path + "/notes/a.md"), Substring(s.path + "/notes/b/c.md")])
        XCTAssertEqual(r.stdout.split(separator: "\n").count, 2, "each note once")
        r = try LoreProcess.run(["ask", "zebra", "--jsonl"] + args)
        let lines = r.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 3)
        let ranks = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }.map { $0["rank"] as! Int }
        XCTAssertEqual(ranks, [1, 2, 3])
        r = try LoreProcess.run(["ask", "zebra", "--jsonl", "--group"] + args)
        let grouped = try r.stdout.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        XCTAssertEqual(grouped.map { $0["rank"] as! Int }, [1, 2], "one passage per note")
        XCTAssertEqual(Set(grouped.map { ($0["source"] as! String).components(separatedBy: "/").last! }), ["a.md", "c.md"])
        r = try LoreProcess.run(["ask", "zebra", "--min-score", "1000"] + args)
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stdout, "No passage matches this question.\n")
        r = try LoreProcess.run(["ask", "zebra", "--json", "--files"] + args)
        XCTAssertEqual(r.status, 2)
        // Text shows the lines around the question's words; --full the whole passage.
        s.write("notes/long.md", Data(("# Long\n\n" + (1...8).map { $0 == 6 ? "Line \($0) has the giraffe." : "Line \($0) is filler." }
            .joined(separator: "\n") + "\n").utf8))
        r = try LoreProcess.run(["ask", "giraffe", "-k", "1"] + args)
        XCTAssertEqual(r.stdout, "1. Long  1.000\n   \(s.path)/notes/long.md:3-10\n   …\n   Line 6 has the giraffe.\n   Line 7 is filler.\n   …\n\n")
        r = try LoreProcess.run(["ask", "giraffe", "-k", "1", "--full"] + args)
        XCTAssertEqual(r.stdout.components(separatedBy: "\n").filter { $0.hasPrefix("   Line") }.count, 8)
        // lore get: a note, a line, a range; nothing outside the notes folder.
        r = try LoreProcess.run(["get", "b/c.md"] + args)
        XCTAssertEqual(r.stdout, "# Gamma\n\nA zebra, a lion and an okapi.\n")
        r = try LoreProcess.run(["get", s.path + "/notes/a.md:5"] + args)
        XCTAssertEqual(r.stdout, "The zebra crossing project.\n")
        r = try LoreProcess.run(["get", "a.md:7-9"] + args)
        XCTAssertEqual(r.stdout, "## Two\n\nA zebra again, and a lion.\n")
        s.write("secret.md", Data("not a note\n".utf8))
        r = try LoreProcess.run(["get", "../secret.md"] + args)
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stderr, "lore: ../secret.md is outside the notes folder \(s.path)/notes\n")
        r = try LoreProcess.run(["get", "a.md:40"] + args)
        XCTAssertEqual(r.stderr, "lore: a.md has 9 lines: line 40 is not one of them\n")
        s.write("notes/empty.md", Data())
        r = try LoreProcess.run(["get", "empty.md"] + args)
        XCTAssertEqual([r.stdout, r.stderr], ["", ""])
        XCTAssertEqual(r.status, 0)
        // Nor a file a search never shows: hidden, ignored, or not a note's type.
        s.write("notes/.git/config", Data("url = https://user:TOKEN@example.com\n".utf8))
        s.write("notes/.env", Data("API_KEY=x\n".utf8))
        s.write("notes/.loreignore", Data("private.md\n".utf8))
        s.write("notes/private.md", Data("# Private\n".utf8))
        s.write("notes/other.rst", Data("Other\n".utf8))
        for path in [".git/config", ".env", "private.md", "other.rst"] {
            r = try LoreProcess.run(["get", path] + args)
            XCTAssertEqual(r.status, 2, path)
            XCTAssertEqual(r.stdout, "", path)
            XCTAssertEqual(r.stderr, "lore: \(path) is not one of the notes Lore searches (hidden, ignored by .gitignore or .loreignore, or not .md, .markdown or .txt)\n")
        }
        // A note that links to a file elsewhere is searched, so get reads it by the path shown.
        s.write("elsewhere.md", Data("# Elsewhere\n\nThe kestrel nests.\n".utf8))
        XCTAssertEqual(symlink(s.path + "/elsewhere.md", s.path + "/notes/linked.md"), 0)
        r = try LoreProcess.run(["ask", "kestrel", "--files"] + args)
        XCTAssertEqual(r.stdout, s.path + "/notes/linked.md\n")
        r = try LoreProcess.run(["get", s.path + "/notes/linked.md:3"] + args)
        XCTAssertEqual(r.stdout, "The kestrel nests.\n", r.stderr)
    }
}
