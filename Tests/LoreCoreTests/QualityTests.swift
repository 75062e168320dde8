import Foundation
import XCTest
@testable import LoreCore

/// Retrieval quality on Cranfield (read from ../shared/eval/cranfield) with the default settings.
/// Floors sit 0.004 under the defaults' measured values (nDCG@10 0.4274, MAP@100 0.3656 with the
/// sparse sign sketch; the latent fit's seed alone moves nDCG@10 by up to 0.01: benchmarks/quality.md).
final class QualityTests: XCTestCase {
    static let cranfield = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("../shared/eval/cranfield").standardizedFileURL.path

    func testCranfieldDefaultsStayAboveTheFloors() throws {
        let collection = try BEIRCollection(folder: Self.cranfield)
        let outcome = try Evaluation(collection: collection, config: IndexConfig()).run()
        let s = outcome.summary
        print(String(format: "cranfield defaults: nDCG@10 %.4f MAP@100 %.4f R@100 %.4f MRR@10 %.4f (%d queries)",
                     s.ndcg10, s.map100, s.recall100, s.mrr10, s.queries))
        XCTAssertEqual(s.queries, 225)
        XCTAssertGreaterThanOrEqual(s.ndcg10, 0.423)
        XCTAssertGreaterThanOrEqual(s.map100, 0.361)
    }

    /// The randomized SVD is seeded: two builds of the same collection are identical, bit for bit.
    func testTwoBuildsAreIdentical() throws {
        let collection = try BEIRCollection(folder: Self.cranfield)
        let config = IndexConfig()
        let folders = [NSTemporaryDirectory() + "lore-a-" + UUID().uuidString, NSTemporaryDirectory() + "lore-b-" + UUID().uuidString]
        defer { for f in folders { try? FileManager.default.removeItem(atPath: f) } }
        for folder in folders {
            let embedder = HashedEmbedder(config: config)
            var counts = SparseRows()
            for d in collection.documents.prefix(600) { counts.append(embedder.counts(title: d.title, body: d.text)) }
            let passages = collection.documents.prefix(600).map { Passage(source: $0.id, firstLine: 0, lastLine: 0, title: $0.title, text: "") }
            let index = try IndexBuilder.assemble(config: config, files: [], passages: PassageStore(passages), counts: counts)
            XCTAssertNotNil(index.latent)
            try IndexFile.write(index, to: folder)
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: folders[0]).sorted()
        XCTAssertEqual(names, try FileManager.default.contentsOfDirectory(atPath: folders[1]).sorted())
        XCTAssertEqual(names.count, 3)
        for name in names {
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: folders[0] + "/" + name)),
                           try Data(contentsOf: URL(fileURLWithPath: folders[1] + "/" + name)), name)
        }
    }

    /// A batch gives the same hits as the same questions one at a time, on every path: the latent
    /// scan (one sgemm against one sgemv per question), latent rescoring of candidates (questions
    /// spread over the cores), and the lexical layer alone (MaxScore, spread over the cores).
    func testBatchEqualsSingleQueries() throws {
        let collection = try BEIRCollection(folder: Self.cranfield)
        var candidates = IndexConfig()
        candidates.latent.candidates = 20  // 1400 > 10 × 20: rescoring
        var lexical = IndexConfig()
        lexical.latent.dimensions = 0
        lexical.feedback.documents = 0
        for config in [IndexConfig(), candidates, lexical] {
            let embedder = HashedEmbedder(config: config)
            var counts = SparseRows()
            for d in collection.documents { counts.append(embedder.counts(title: d.title, body: d.text)) }
            let passages = collection.documents.map { Passage(source: $0.id, firstLine: 0, lastLine: 0, title: $0.title, text: "") }
            let searcher = Searcher(index: try IndexBuilder.assemble(config: config, files: [], passages: PassageStore(passages),
                                                                     counts: counts))
            let questions = collection.queries.prefix(40).map(\.text)
            let batch = try searcher.hits(for: questions, k: 10)
            for (q, hits) in zip(questions, batch) {
                let single = try searcher.hits(for: q, k: 10)
                XCTAssertEqual(single.map(\.passage), hits.map(\.passage), q)
                for (x, y) in zip(single, hits) { XCTAssertEqual(x.score, y.score, accuracy: 1e-5) }
                XCTAssertEqual(single.count, 10)
            }
        }
    }

    /// Latent rescoring of candidates gives the top k of a brute-force reference: every passage
    /// scored lexically, the best `candidates` matches get the latent cosine (here every question
    /// matches more than `candidates` passages), feedback from the top 5, and the same again.
    func testRescoringEqualsBruteForce() throws {
        let collection = try BEIRCollection(folder: Self.cranfield)
        var config = IndexConfig()
        config.latent.candidates = 20  // 1400 > 10 × 20: rescoring
        let embedder = HashedEmbedder(config: config)
        var counts = SparseRows()
        for d in collection.documents { counts.append(embedder.counts(title: d.title, body: d.text)) }
        let passages = collection.documents.map { Passage(source: $0.id, firstLine: 0, lastLine: 0, title: $0.title, text: $0.text) }
        let index = try IndexBuilder.assemble(config: config, files: [], passages: PassageStore(passages), counts: counts)
        let searcher = Searcher(index: index)
        let latent = try XCTUnwrap(index.latent), w = config.latent.weight
        func reference(_ q: SparseVector, _ k: Int) throws -> [Hit] {
            var lexical = [Float](repeating: 0, count: index.slots)
            try index.lexical.score(q, into: &lexical)
            let matches = lexical.enumerated().filter { $0.element > 0 }
                .sorted { $0.element != $1.element ? $0.element > $1.element : $0.offset < $1.offset }
            let projected = latent.project(q)
            var fused: [Hit] = []
            for (r, m) in matches.enumerated() {
                var score = (1 - w) * m.element
                if r < config.latent.candidates {
                    let (segment, i) = index.locate(m.offset)
                    let v = try segment.vector(i)
                    var dot: Float = 0
                    for j in 0..<latent.rank { dot += Float(v[j]) / Segment.vectorScale * projected[j] }
                    score += w * dot
                }
                if score > 0 { fused.append(Hit(passage: m.offset, score: score)) }
            }
            return Array(fused.sorted { $0.ranksBefore($1) }.prefix(k))
        }
        for question in collection.queries.prefix(40).map(\.text) {
            var q = index.lexical.queryVector(embedder.counts(query: question))
            let top = try reference(q, config.feedback.documents)
            q = try searcher.expand(q, with: top.map(\.passage), beta: config.feedback.beta, terms: config.feedback.terms)
            let expected = try reference(q, 10), hits = try searcher.hits(for: question, k: 10)
            XCTAssertEqual(hits.count, expected.count, question)
            for (x, y) in zip(hits, expected) { XCTAssertEqual(x.score, y.score, accuracy: 1e-5, question) }
            // Passages must agree wherever scores are not within rounding of a neighbour.
            for r in hits.indices where (r == 0 || expected[r - 1].score - expected[r].score > 1e-4)
                && (r == hits.count - 1 || expected[r].score - expected[r + 1].score > 1e-4) {
                XCTAssertEqual(hits[r].passage, expected[r].passage, "\(question) rank \(r + 1)")
            }
        }
    }
}
