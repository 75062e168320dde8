import Foundation
import XCTest
@testable import LoreCore

final class BEIRCollectionTests: XCTestCase {
    private var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("lore-beir-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    /// Writes the given files (relative path → contents) into a new collection folder `name`.
    private func makeCollection(named name: String = "tiny", _ files: [String: String]) throws -> String {
        let folder = scratch.appendingPathComponent(name, isDirectory: true)
        for (path, contents) in files {
            let url = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(contents.utf8).write(to: url)
        }
        return folder.path
    }

    private let corpus = """
        {"_id": "d1", "title": "First", "text": "alpha beta"}
        {"_id": 2, "text": "gamma", "metadata": {"url": "x"}}
        {"_id": "d3", "title": null, "text": ""}

        """
    private let queries = """
        {"_id": 7, "text": "what is alpha"}
        {"_id": "q2", "text": "gamma?"}
        """
    private let qrels = "query-id\tcorpus-id\tscore\n7\td1\t2\n7\t2\t0\nq2\t2\t1\n"

    /// Asserts that loading throws a LoreError whose message contains every fragment.
    private func assertLoadFails(
        _ folder: String, mentioning fragments: [String], file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertThrowsError(try BEIRCollection(folder: folder), file: file, line: line) { error in
            guard let error = error as? LoreError else {
                return XCTFail("not a LoreError: \(error)", file: file, line: line)
            }
            for fragment in fragments {
                XCTAssertTrue(error.description.contains(fragment),
                              "\"\(error.description)\" lacks \"\(fragment)\"", file: file, line: line)
            }
        }
    }

    func testLoadsSmallCollection() throws {
        let folder = try makeCollection(named: "tiny", ["corpus.jsonl": corpus, "queries.jsonl": queries, "qrels.tsv": qrels])
        let collection = try BEIRCollection(folder: folder + "/")
        XCTAssertEqual(collection.name, "tiny")
        XCTAssertEqual(collection.documents, [
            .init(id: "d1", title: "First", text: "alpha beta"),
            .init(id: "2", title: "", text: "gamma"),
            .init(id: "d3", title: "", text: ""),
        ])
        XCTAssertEqual(collection.queries, [.init(id: "7", text: "what is alpha"), .init(id: "q2", text: "gamma?")])
        XCTAssertEqual(collection.qrels, ["7": ["d1": 2, "2": 0], "q2": ["2": 1]])
    }

    /// A judged query that queries.jsonl lacks is named, and left out of the measures rather
    /// than counted as a query that found nothing.
    func testJudgedQueriesWithoutTextAreLeftOut() throws {
        let folder = try makeCollection(named: "unasked", ["corpus.jsonl": corpus, "queries.jsonl": queries,
                                                           "qrels.tsv": qrels + "q9\td3\t1\nq10\td1\t1\n"])
        let collection = try BEIRCollection(folder: folder)
        XCTAssertEqual(collection.judgedQueriesWithoutText, ["q10", "q9"])
        var config = IndexConfig()
        config.latent.dimensions = 0
        let summary = try Evaluation(collection: collection, config: config).run()[0].summary
        XCTAssertEqual(summary.queries, 2)
        XCTAssertEqual(summary.ndcg10, 1, accuracy: 1e-9)
    }

    func testPrefersQrelsTestSplitAndAcceptsCRLFAndBOM() throws {
        let folder = try makeCollection([
            "corpus.jsonl": "\u{FEFF}" + corpus.replacingOccurrences(of: "\n", with: "\r\n"),
            "queries.jsonl": queries,
            "qrels.tsv": qrels,
            "qrels/test.tsv": "query-id\tcorpus-id\tscore\r\nq2\td3\t3\r\n",
        ])
        let collection = try BEIRCollection(folder: folder)
        XCTAssertEqual(collection.documents.map(\.id), ["d1", "2", "d3"])
        XCTAssertEqual(collection.documents[1].text, "gamma")
        XCTAssertEqual(collection.qrels, ["q2": ["d3": 3]])
    }

    func testQrelsWithoutHeaderKeepEveryLine() throws {
        let folder = try makeCollection(["corpus.jsonl": corpus, "queries.jsonl": queries, "qrels.tsv": "7\td1\t1\n7\td3\t-1\n"])
        XCTAssertEqual(try BEIRCollection(folder: folder).qrels, ["7": ["d1": 1, "d3": -1]])
    }

    func testMissingFolderAndFiles() throws {
        assertLoadFails(scratch.appendingPathComponent("nowhere").path, mentioning: ["not found", "nowhere"])
        var folder = try makeCollection(named: "a", ["queries.jsonl": queries, "qrels.tsv": qrels])
        assertLoadFails(folder, mentioning: ["not found", "a/corpus.jsonl"])
        folder = try makeCollection(named: "b", ["corpus.jsonl": corpus, "qrels.tsv": qrels])
        assertLoadFails(folder, mentioning: ["not found", "b/queries.jsonl"])
        folder = try makeCollection(named: "c", ["corpus.jsonl": corpus, "queries.jsonl": queries])
        assertLoadFails(folder, mentioning: ["missing qrels", "qrels/test.tsv", "qrels.tsv"])
    }

    func testBadJSONLinesNameFileAndLine() throws {
        let bad: [(String, String)] = [
            ("{\"_id\": \"q1\", \"text\": \"ok\"}\n{\"_id\": \"q2\", \"text\": \n", "queries.jsonl:2: not valid JSON"),
            ("{\"_id\": \"q1\", \"text\": \"ok\"}\n\n[1, 2]\n", "queries.jsonl:3: not a JSON object"),
            ("{\"text\": \"no id\"}\n", "queries.jsonl:1: no \"_id\""),
            ("{\"_id\": 1.5, \"text\": \"x\"}\n", "queries.jsonl:1: \"_id\" is neither a string nor an integer"),
            ("{\"_id\": \"q1\"}\n", "queries.jsonl:1: no \"text\""),
            ("{\"_id\": \"q1\", \"text\": 3}\n", "queries.jsonl:1: \"text\" is not a string"),
            ("{\"_id\": \"q1\", \"title\": 3, \"text\": \"x\"}\n", "queries.jsonl:1: \"title\" is not a string"),
        ]
        for (index, (contents, message)) in bad.enumerated() {
            let folder = try makeCollection(named: "json\(index)", ["corpus.jsonl": corpus, "queries.jsonl": contents, "qrels.tsv": qrels])
            assertLoadFails(folder, mentioning: [message])
        }
        let folder = try makeCollection(named: "corpusbad", ["corpus.jsonl": "{\"_id\": \"d1\", \"text\": \"x\"}\nnot json\n",
                                                       "queries.jsonl": queries, "qrels.tsv": qrels])
        assertLoadFails(folder, mentioning: ["corpusbad/corpus.jsonl:2: not valid JSON"])
    }

    func testMalformedQrelsLineNamesFileAndLine() throws {
        let bad: [(String, String)] = [
            ("query-id\tcorpus-id\tscore\n7\td1\t1\n7 d3 1\n", "qrels.tsv:3:"),
            ("query-id\tcorpus-id\tscore\n7\td1\thigh\n", "qrels.tsv:2:"),
            ("query-id\tcorpus-id\tscore\n7\td1\t1\textra\n", "qrels.tsv:2:"),
            ("query-id\tcorpus-id\tscore\n\t\t1\n", "qrels.tsv:2:"),
            ("query-id\tcorpus-id\n7\td1\t1\n", "qrels.tsv:1:"),
        ]
        for (index, (contents, location)) in bad.enumerated() {
            let folder = try makeCollection(named: "qrels\(index)", ["corpus.jsonl": corpus, "queries.jsonl": queries, "qrels.tsv": contents])
            assertLoadFails(folder, mentioning: [location, "expected query-id<TAB>corpus-id<TAB>integer score"])
        }
    }

    /// The real Cranfield collection in BEIR format, shared beside the package at
    /// `../shared/eval/cranfield` (see its README: 1400 documents, 225 queries, 1612 qrels).
    func testLoadsCranfield() throws {
        let cranfield = try QualityTests.collection(QualityTests.cranfield)
        XCTAssertEqual(cranfield.name, "cranfield")
        XCTAssertEqual(cranfield.documents.count, 1400)
        XCTAssertEqual(cranfield.queries.count, 225)
        XCTAssertEqual(cranfield.qrels.count, 225)
        XCTAssertEqual(cranfield.qrels.values.reduce(0) { $0 + $1.count }, 1612)
        XCTAssertEqual(cranfield.documents.first?.id, "1")
        XCTAssertEqual(cranfield.documents.first?.title,
                       "experimental investigation of the aerodynamics of a wing in a slipstream .")
        XCTAssertEqual(cranfield.documents.last?.id, "1400")
        XCTAssertEqual(cranfield.queries.first, .init(
            id: "1", text: "what similarity laws must be obeyed when constructing aeroelastic models of heated high speed aircraft ."))
        // First rows of qrels.tsv: `1 12 2`, `1 13 1`; last row: `225 1381 2`.
        XCTAssertEqual(cranfield.qrels["1"]?["12"], 2)
        XCTAssertEqual(cranfield.qrels["1"]?["13"], 1)
        XCTAssertEqual(cranfield.qrels["225"]?["1381"], 2)
        XCTAssertNil(cranfield.qrels["1"]?["1"])
        // Docs 471 and 995 have empty text but are kept.
        XCTAssertEqual(cranfield.documents.first { $0.id == "471" }?.text, "")
    }
}
