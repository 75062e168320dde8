import Foundation
import XCTest
@testable import LoreCore

final class SyntheticCorpusTests: XCTestCase {
    /// Shared across tests: building a 200k vocabulary takes a moment, and the corpus is immutable.
    private static let standard = SyntheticCorpus()
    private static let small = SyntheticCorpus(seed: 7, vocabularySize: 20_000)

    private var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("lore-synthetic-\(UUID().uuidString)", isDirectory: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    private func words(_ text: String) -> [Substring] {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" })
    }

    // MARK: - Determinism

    func testSameSeedGivesSameCorpus() {
        let a = SyntheticCorpus(seed: 7, vocabularySize: 20_000)
        let b = Self.small
        XCTAssertEqual(a.vocabulary, b.vocabulary)
        for i in [0, 1, 2, 17, 999, 123_456, 9_999_999] {
            XCTAssertEqual(a.passage(i).title, b.passage(i).title, "passage \(i)")
            XCTAssertEqual(a.passage(i).text, b.passage(i).text, "passage \(i)")
            XCTAssertEqual(a.editedPassage(i, revision: 3).text, b.editedPassage(i, revision: 3).text)
        }
        XCTAssertEqual(a.queries(count: 50), b.queries(count: 50))
        // Random access: generating other passages first changes nothing.
        let later = a.passage(42)
        _ = (0..<100).map(a.passage)
        XCTAssertEqual(a.passage(42).text, later.text)
    }

    func testDifferentSeedGivesDifferentCorpus() {
        let a = Self.small
        let b = SyntheticCorpus(seed: 8, vocabularySize: 20_000)
        XCTAssertNotEqual(a.vocabulary, b.vocabulary)
        for i in 0..<20 {
            XCTAssertNotEqual(a.passage(i).text, b.passage(i).text, "passage \(i)")
        }
        XCTAssertNotEqual(a.queries(count: 20), b.queries(count: 20))
        // Neighbouring passages and queries differ too.
        XCTAssertNotEqual(a.passage(0).text, a.passage(1).text)
        let queries = a.queries(count: 200)
        XCTAssertGreaterThan(Set(queries).count, 190)
        XCTAssertEqual(Array(a.queries(count: 300).prefix(200)), queries, "queries(count:) is prefix-stable")
    }

    func testEditedPassage() {
        let corpus = Self.small
        for i in [0, 5, 77, 4_321] {
            let original = corpus.passage(i)
            XCTAssertEqual(corpus.editedPassage(i, revision: 0).text, original.text)
            let edit1 = corpus.editedPassage(i, revision: 1)
            let edit2 = corpus.editedPassage(i, revision: 2)
            XCTAssertNotEqual(edit1.text, original.text)
            XCTAssertNotEqual(edit2.text, edit1.text)
            XCTAssertEqual(edit1.title, original.title)
            XCTAssertEqual(words(edit1.text).count, words(original.text).count, "same length")
            XCTAssertEqual(corpus.editedPassage(i, revision: 1).text, edit1.text, "deterministic")
        }
    }

    // MARK: - Shapes

    func testPassageBounds() {
        let corpus = Self.small
        var lengths: [Int] = []
        var capitalised = 0, lowerStarts = 0, commas = 0, figures = 0
        for i in 0..<3_000 {
            let (title, text) = corpus.passage(i)
            let titleWords = words(title)
            XCTAssert((2...6).contains(titleWords.count), "title \(i): \(title)")
            XCTAssertTrue(title.first!.isUppercase, "title \(i) starts capitalised: \(title)")
            let tokens = words(text)
            XCTAssert((40...300).contains(tokens.count), "passage \(i) has \(tokens.count) words")
            XCTAssertEqual(text.last, ".", "passage \(i) ends a sentence")
            XCTAssertFalse(text.contains("  "))
            lengths.append(tokens.count)
            for (k, token) in tokens.enumerated() {
                if token.hasSuffix(",") { commas += 1 }
                if token.contains(where: \.isNumber) { figures += 1 }
                if k > 0, tokens[k - 1].hasSuffix("."), let first = token.first, first.isLetter {
                    if first.isUppercase { capitalised += 1 } else { lowerStarts += 1 }
                }
            }
        }
        let mean = Double(lengths.reduce(0, +)) / Double(lengths.count)
        XCTAssert((155...185).contains(mean), "mean passage length \(mean)")
        XCTAssertEqual(lengths.min().map { $0 < 60 }, true, "short passages occur")
        XCTAssertEqual(lengths.max().map { $0 > 280 }, true, "long passages occur")
        XCTAssertGreaterThan(capitalised, lowerStarts, "most sentence starts are capitalised")
        XCTAssertGreaterThan(lowerStarts, 0, "some are not")
        let total = Double(lengths.reduce(0, +))
        XCTAssert((0.04...0.12).contains(Double(commas) / total), "comma rate \(Double(commas) / total)")
        XCTAssert((0.01...0.04).contains(Double(figures) / total), "figure rate \(Double(figures) / total)")
    }

    func testQueryBounds() {
        let corpus = Self.small
        let vocabulary = Set(corpus.vocabulary)
        let queries = corpus.queries(count: 1_000)
        XCTAssertEqual(queries.count, 1_000)
        var lengths = Set<Int>()
        for query in queries {
            let terms = words(query)
            XCTAssert((2...12).contains(terms.count), "query: \(query)")
            XCTAssertEqual(Set(terms).count, terms.count, "no repeated word: \(query)")
            for term in terms { XCTAssert(vocabulary.contains(String(term)), "\(term) in vocabulary") }
            lengths.insert(terms.count)
        }
        XCTAssertEqual(lengths, Set(2...12), "every length from 2 to 12 occurs")
        // Half the words are uniform over the vocabulary, so about a quarter rank in its rare half (≥ 10k of 20k).
        let rank = Dictionary(uniqueKeysWithValues: corpus.vocabulary.enumerated().map { ($1, $0) })
        let all = queries.flatMap(words).map { rank[String($0)]! }
        let rare = all.filter { $0 >= 10_000 }.count, common = all.filter { $0 < 100 }.count
        XCTAssert((0.2...0.35).contains(Double(rare) / Double(all.count)), "rare share \(rare)/\(all.count)")
        XCTAssert((0.2...0.4).contains(Double(common) / Double(all.count)), "common share \(common)/\(all.count)")
        XCTAssertTrue(corpus.queries(count: 0).isEmpty)
    }

    func testVocabulary() {
        let start = Date()
        let corpus = SyntheticCorpus(seed: 3)
        print("SyntheticCorpus: vocabulary of 200k words built in \(Self.ms(since: start)) ms")
        let vocabulary = corpus.vocabulary
        XCTAssertEqual(vocabulary.count, 200_000)
        XCTAssertEqual(Set(vocabulary).count, vocabulary.count, "no duplicates")
        for word in vocabulary {
            XCTAssertGreaterThanOrEqual(word.utf8.count, 3, word)
            XCTAssert(word.utf8.allSatisfy { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) }, word)
            XCTAssertFalse(StopWords.english.contains(word), word)
        }
        XCTAssertEqual(SyntheticCorpus(seed: 3, vocabularySize: 1_000).vocabulary.count, 1_000)
        // Frequent words tend to be short.
        let headLength = vocabulary.prefix(1_000).map(\.utf8.count).reduce(0, +)
        let tailLength = vocabulary.suffix(1_000).map(\.utf8.count).reduce(0, +)
        XCTAssertLessThan(headLength * 3, tailLength * 2)
        // Inflections: the Snowball stemmer folds many surface words onto a shared stem.
        let stemmer = Stemmer()
        let stems = Set(vocabulary.map(stemmer.stem))
        let ratio = Double(stems.count) / Double(vocabulary.count)
        print("SyntheticCorpus: 200k words have \(stems.count) distinct Snowball stems (\(ratio))")
        XCTAssertLessThan(ratio, 0.75)
        XCTAssertGreaterThan(ratio, 0.3)
        let suffixed = vocabulary.filter { $0.hasSuffix("ing") || $0.hasSuffix("ness") || $0.hasSuffix("ment") }
        XCTAssertGreaterThan(suffixed.count, 10_000)
    }

    func testZipfShape() {
        let corpus = Self.standard
        let targets = [0, 99, 999].map { Array(corpus.vocabulary[$0].utf8) }
        var counts = [0, 0, 0]
        var tokens = 0
        for i in 0..<20_000 {
            let text = Array(corpus.passage(i).text.utf8)
            var start = 0
            while start < text.count {
                var end = start
                while end < text.count && text[end] != UInt8(ascii: " ") { end += 1 }
                var stop = end
                if stop > start, text[stop - 1] == UInt8(ascii: ".") || text[stop - 1] == UInt8(ascii: ",") { stop -= 1 }
                tokens += 1
                let length = stop - start
                for (t, target) in targets.enumerated() where target.count == length {
                    var same = true
                    for k in 0..<length where text[start + k] | 0x20 != target[k] { same = false; break }
                    if same { counts[t] += 1 }
                }
                start = end + 1
            }
        }
        let expected = pow(100, SyntheticCorpus.zipfExponent)  // ≈ 138
        let ratio = Double(counts[0]) / Double(max(1, counts[1]))
        print("SyntheticCorpus: \(tokens) words; rank 1/100/1000 counts \(counts); ratio 1:100 = \(ratio) (Zipf \(expected))")
        XCTAssert((expected / 2...expected * 2).contains(ratio), "rank 1 vs rank 100 ratio \(ratio)")
        XCTAssertGreaterThan(Double(counts[0]) / Double(tokens), 0.05, "the top word is about 11% of words")
        XCTAssertGreaterThan(counts[0], 500 * counts[2], "rank 1 far outnumbers rank 1000")
        XCTAssertGreaterThan(counts[2], 0)
    }

    // MARK: - Writers

    func testWriteMarkdown() throws {
        let corpus = Self.small
        let folder = scratch.appendingPathComponent("notes", isDirectory: true)
        let paths = try corpus.writeMarkdown(passages: 2_501, passagesPerFile: 2, to: folder.path)
        XCTAssertEqual(paths.count, 1_251)
        XCTAssertEqual(paths[0], "0000/000000.md")
        XCTAssertEqual(paths[123], "0000/000123.md")
        XCTAssertEqual(paths[1_000], "0001/001000.md")
        XCTAssertEqual(paths.last, "0001/001250.md")

        let fm = FileManager.default
        XCTAssertEqual(try fm.contentsOfDirectory(atPath: folder.path).sorted(), ["0000", "0001"])
        XCTAssertEqual(try fm.contentsOfDirectory(atPath: folder.appendingPathComponent("0000").path).count, 1_000)
        XCTAssertEqual(try fm.contentsOfDirectory(atPath: folder.appendingPathComponent("0001").path).count, 251)

        var sections = 0
        for (f, path) in paths.enumerated() {
            let contents = try String(contentsOf: folder.appendingPathComponent(path), encoding: .utf8)
            XCTAssertTrue(contents.hasPrefix("# Note \(f)\n"), path)
            let headings = contents.split(separator: "\n").filter { $0.hasPrefix("## ") }
            XCTAssertEqual(headings.count, f == 1_250 ? 1 : 2, path)
            sections += headings.count
        }
        XCTAssertEqual(sections, 2_501)

        let first = try String(contentsOf: folder.appendingPathComponent(paths[0]), encoding: .utf8)
        let p0 = corpus.passage(0), p1 = corpus.passage(1)
        XCTAssertEqual(first, "# Note 0\n\n## \(p0.title)\n\n\(p0.text)\n\n## \(p1.title)\n\n\(p1.text)\n")

        // One passage a file, fewer than a folder's worth.
        let single = try corpus.writeMarkdown(passages: 3, passagesPerFile: 5, to: scratch.appendingPathComponent("one").path)
        XCTAssertEqual(single, ["0000/000000.md"])
        XCTAssertEqual(try corpus.writeMarkdown(passages: 0, passagesPerFile: 5, to: scratch.appendingPathComponent("none").path), [])
    }

    func testWriteJSONL() throws {
        let corpus = Self.small
        let folder = scratch.appendingPathComponent("beir", isDirectory: true)
        let tricky = "say \"hi\" \\ back\nslash\ttab \u{01} café ☃"
        let queries = corpus.queries(count: 20) + [tricky]
        try corpus.writeJSONL(passages: 20_000, queries: queries, to: folder.path)

        let corpusLines = try String(contentsOf: folder.appendingPathComponent("corpus.jsonl"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(corpusLines.count, 20_001, "20k lines and a final newline")
        XCTAssertEqual(corpusLines.last, "")
        for i in [0, 1, 2, 16_383, 16_384, 19_999] {  // across the 16k-passage batch boundary
            let object = try XCTUnwrap(
                JSONSerialization.jsonObject(with: Data(corpusLines[i].utf8)) as? [String: String], "line \(i)")
            XCTAssertEqual(Set(object.keys), ["_id", "title", "text"])
            XCTAssertEqual(object["_id"], "\(i)")
            XCTAssertEqual(object["title"], corpus.passage(i).title)
            XCTAssertEqual(object["text"], corpus.passage(i).text)
        }
        for line in corpusLines.dropLast() {
            XCTAssertNotNil(try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        }

        let queryLines = try String(contentsOf: folder.appendingPathComponent("queries.jsonl"), encoding: .utf8)
            .split(separator: "\n")
        XCTAssertEqual(queryLines.count, 21)
        for (j, line) in queryLines.enumerated() {
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
            XCTAssertEqual(Set(object.keys), ["_id", "text"])
            XCTAssertEqual(object["_id"], "q\(j)")
            XCTAssertEqual(object["text"], queries[j])
        }
        XCTAssertEqual(SyntheticCorpus.jsonString("a\"b\\c\u{1F}"), "\"a\\\"b\\\\c\\u001f\"")
    }

    // MARK: - Timing

    func testGenerationTime() {
        let corpus = Self.standard
        let start = Date()
        var bytes = 0
        for i in 0..<100_000 {
            let (title, text) = corpus.passage(i)
            bytes += title.utf8.count + text.utf8.count
        }
        let elapsed = Self.ms(since: start)
        print("SyntheticCorpus: 100k passages (\(bytes / 1_000_000) MB) generated in \(elapsed) ms on one core")
        XCTAssertGreaterThan(bytes, 100_000 * 150 * 4)
    }

    private static func ms(since start: Date) -> Int { Int(Date().timeIntervalSince(start) * 1000) }
}
