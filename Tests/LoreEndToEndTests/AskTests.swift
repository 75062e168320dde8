import Foundation
import XCTest

/// `lore ask` and `lore index` on the bundled corpus and on folders written by the tests.
final class AskTests: XCTestCase {
    private var corpus: String { LoreProcess.packageRoot.appendingPathComponent("corpus").path }

    /// Questions phrased in other words than the notes use; the expected note must be in the top 3.
    func testBundledQuestionsFindTheirNotes() throws {
        let scratch = Scratch()
        let index = scratch.path + "/index"
        let built = try LoreProcess.run(["index", "--corpus", corpus, "--index", index])
        XCTAssertEqual(built.status, 0, built.stderr)
        let tsv = try String(contentsOf: LoreProcess.packageRoot.appendingPathComponent("Tests/Fixtures/corpus-questions.tsv"), encoding: .utf8)
        var hits = 0, total = 0
        var misses: [String] = []
        for line in tsv.split(separator: "\n").dropFirst() {
            let parts = line.split(separator: "\t").map(String.init)
            guard parts.count == 2 else { continue }
            let (question, expected) = (parts[0], parts[1])
            let answer = try LoreProcess.run(["ask", question, "-k", "3", "--json", "--corpus", corpus, "--index", index])
            XCTAssertEqual(answer.status, 0, answer.stderr)
            let object = try JSONSerialization.jsonObject(with: Data(answer.stdout.utf8)) as! [String: Any]
            let sources = (object["results"] as! [[String: Any]]).map { $0["source"] as! String }
            total += 1
            if sources.contains(where: { $0.hasSuffix("/" + expected) || $0 == expected }) { hits += 1 } else {
                misses.append("\(question) → expected \(expected), got \(sources)")
            }
        }
        let rate = Double(hits) / Double(max(total, 1))
        print("bundled questions: \(hits)/\(total) expected notes in the top 3 (\(String(format: "%.1f", rate * 100))%)")
        for m in misses { print("  miss: \(m)") }
        XCTAssertGreaterThanOrEqual(total, 25)
        XCTAssertGreaterThanOrEqual(rate, 0.9)
    }

    func testJSONHasTheDocumentedShape() throws {
        let scratch = Scratch()
        let answer = try LoreProcess.run(["ask", "How much did mixing the two OpenAI models save?", "--json", "-k", "2",
                                          "--corpus", "corpus", "--index", scratch.path + "/index"],
                                         in: LoreProcess.packageRoot.path)
        XCTAssertEqual(answer.status, 0, answer.stderr)
        XCTAssertEqual(answer.stdout.split(separator: "\n").count, 1, "one JSON object on one line")
        let object = try JSONSerialization.jsonObject(with: Data(answer.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(Set(object.keys), ["query", "took_ms", "results"])
        XCTAssertEqual(object["query"] as? String, "How much did mixing the two OpenAI models save?")
        XCTAssertNotNil(object["took_ms"] as? Double)
        let results = object["results"] as! [[String: Any]]
        XCTAssertEqual(results.count, 2)
        XCTAssertEqual(Set(results[0].keys), ["rank", "score", "source", "lines", "title", "text"])
        XCTAssertEqual(results.map { $0["rank"] as? Int }, [1, 2])
        XCTAssertEqual(results[0]["source"] as? String, "corpus/stories/hybrid-model-routing.md")
        XCTAssertEqual(results[0]["title"] as? String, "Hybrid model routing cuts LLM spend › Result")
        XCTAssertEqual(results[0]["lines"] as? [Int], [29, 32])
        XCTAssertTrue((results[0]["text"] as! String).contains("$15K monthly"))
        let scores = results.map { $0["score"] as! Double }
        XCTAssertGreaterThanOrEqual(scores[0], scores[1])
        // The build was announced on stderr, not mixed into the JSON.
        XCTAssertTrue(answer.stderr.contains("building it"), answer.stderr)
    }

    func testPipedTextHasNoColorsAndNamesTheSource() throws {
        let scratch = Scratch()
        let answer = try LoreProcess.run(["ask", "uptime of the platform", "-k", "1", "--corpus", corpus, "--index", scratch.path + "/i"])
        XCTAssertEqual(answer.status, 0, answer.stderr)
        XCTAssertFalse(answer.stdout.contains("\u{1B}["))
        XCTAssertTrue(answer.stdout.hasPrefix("1. "), answer.stdout)
        XCTAssertTrue(answer.stdout.contains("99.9"), answer.stdout)
    }

    /// The latent sketch's seed is an index setting: stored with the index, a new one rebuilds it,
    /// and the same one again finds it up to date.
    func testLatentSeedIsStoredAndAChangeRebuilds() throws {
        let s = Scratch()
        s.write("notes/a.md", "# Alpha\n\nThe zebra crossing project.\n")
        s.write("notes/b.md", "# Beta\n\nGiraffe budget review.\n")
        s.write("notes/c.md", "# Gamma\n\nOkapi sightings near the zebra crossing.\n")
        let args = ["--corpus", s.path + "/notes", "--index", s.path + "/index"]
        var r = try LoreProcess.run(["index"] + args)
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try LoreProcess.run(["index", "--latent-seed", "7"] + args)
        XCTAssertEqual(r.stdout, "0 changed, 3 added, 0 removed: 3 passages embedded in \(ms(r.stdout)) ms (3 in all)\n")
        r = try LoreProcess.run(["index", "--latent-seed", "7"] + args)
        XCTAssertEqual(r.stdout, "index is up to date: 3 passages from 3 notes\n")
        r = try LoreProcess.run(["index", "--latent-seed", "x"] + args)
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("The value 'x' is invalid for '--latent-seed <latent-seed>'"), r.stderr)
    }

    func testAskRefreshesAfterAnEditAndIndexReportsIt() throws {
        let s = Scratch()
        s.write("notes/a.md", "# Alpha\n\nThe zebra crossing project.\n")
        s.write("notes/b.md", "# Beta\n\nGiraffe budget review.\n")
        let args = ["--corpus", s.path + "/notes", "--index", s.path + "/index"]
        var r = try LoreProcess.run(["index"] + args)
        XCTAssertEqual(r.stdout, "0 changed, 2 added, 0 removed: 2 passages embedded in \(ms(r.stdout)) ms (2 in all)\n")
        r = try LoreProcess.run(["index"] + args)
        XCTAssertEqual(r.stdout, "index is up to date: 2 passages from 2 notes\n")
        s.write("notes/b.md", "# Beta\n\nGiraffe budget review and the okapi plan.\n")
        s.write("notes/c.md", "# Gamma\n\nOkapi sightings.\n")
        r = try LoreProcess.run(["ask", "okapi", "--json"] + args)
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("lore: notes changed since the index was built: refreshing it\n"), r.stderr)
        // Below `exactRefitBelow` passages a refresh fits the latent basis again: a full build.
        XCTAssertTrue(r.stderr.contains("1 changed, 1 added, 0 removed: 3 passages embedded"), r.stderr)
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        // The two notes that mention the okapi come first (the latent layer may add others below).
        XCTAssertEqual((object["results"] as! [[String: Any]]).prefix(2).map { $0["source"] as! String }.sorted(),
                       [s.path + "/notes/b.md", s.path + "/notes/c.md"])
        try FileManager.default.removeItem(atPath: s.path + "/notes/a.md")
        r = try LoreProcess.run(["index"] + args)
        XCTAssertTrue(r.stdout.hasPrefix("0 changed, 0 added, 1 removed: 2 passages embedded"), r.stdout)
        r = try LoreProcess.run(["index", "--rebuild"] + args)
        XCTAssertTrue(r.stdout.hasPrefix("0 changed, 2 added, 0 removed: 2 passages embedded"), r.stdout)
        // Without the latent layer a refresh embeds only what changed: a new segment for the
        // edited note, its old passage and the deleted note's left out of every answer.
        s.write("notes/d.md", "# Delta\n\nLion pride.\n")
        s.write("notes/e.md", "# Epsilon\n\nHippo pool.\n")
        r = try LoreProcess.run(["index", "--latent-dims", "0"] + args)
        XCTAssertTrue(r.stdout.hasPrefix("0 changed, 4 added, 0 removed: 4 passages embedded"), r.stdout)
        s.write("notes/c.md", "# Gamma\n\nOkapi sightings, and a zebra.\n")
        r = try LoreProcess.run(["index"] + args)
        XCTAssertTrue(r.stdout.hasPrefix("1 changed, 0 added, 0 removed: 1 passage embedded"), r.stdout)
        try FileManager.default.removeItem(atPath: s.path + "/notes/b.md")
        r = try LoreProcess.run(["index"] + args)
        XCTAssertTrue(r.stdout.hasPrefix("0 changed, 0 added, 1 removed: 0 passages embedded"), r.stdout)
        for (question, expected) in [("zebra okapi", ["c.md"]), ("giraffe budget", [])] {
            // Without WordNet: "giraffe" would find the okapi of c.md, its relative.
            r = try LoreProcess.run(["ask", question, "--json", "--related-weight", "0"] + args)
            XCTAssertEqual(r.stderr, "")
            let results = (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any])["results"] as! [[String: Any]]
            XCTAssertEqual(results.map { $0["source"] as! String }, expected.map { s.path + "/notes/" + $0 }, question)
        }
    }

    private func ms(_ line: String) -> String {
        line.components(separatedBy: " embedded in ").last!.components(separatedBy: " ms").first!
    }
}
