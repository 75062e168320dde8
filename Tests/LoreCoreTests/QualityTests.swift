import Foundation
import XCTest
@testable import LoreCore

/// Retrieval quality with the default settings on the four collections of ../shared/eval (not
/// part of this repository: the tests skip, saying so, when it is absent). Each floor is the
/// higher of the ranking issue's floor (the best simple reference's nDCG@10, BM25's MAP@100) and
/// 0.004 under the value measured for the defaults (benchmarks/quality.md); the latent fit's
/// random sketch alone moves nDCG@10 by a few thousandths.
final class QualityTests: XCTestCase {
    static let suite = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("../shared/eval").standardizedFileURL.path
    static let cranfield = suite + "/cranfield"

    /// The collection in `folder`, or a skip that says why it is missing.
    static func collection(_ folder: String) throws -> BEIRCollection {
        guard FileManager.default.fileExists(atPath: folder + "/corpus.jsonl") else {
            throw XCTSkip("\(folder) is absent: the quality tests need ../shared/eval beside the repository")
        }
        return try BEIRCollection(folder: folder)
    }

    /// (collection, queries, nDCG@10 floor, MAP@100 floor).
    static let floors: [(String, Int, Double, Double)] = [
        ("cacm", 52, 0.524, 0.389),
        ("cranfield", 225, 0.428, 0.363),
        ("med", 30, 0.751, 0.637),
        ("scifact", 300, 0.684, 0.641),
    ]

    func testDefaultsStayAboveTheFloorsOnEveryCollection() throws {
        var means = (0.0, 0.0)
        for (name, queries, ndcg, map) in Self.floors {
            let collection = try Self.collection(Self.suite + "/" + name)
            let s = try Evaluation(collection: collection, config: IndexConfig()).run()[0].summary
            print(String(format: "%@ defaults: nDCG@10 %.4f MAP@100 %.4f R@100 %.4f MRR@10 %.4f (%d queries)",
                         name, s.ndcg10, s.map100, s.recall100, s.mrr10, s.queries))
            XCTAssertEqual(s.queries, queries, name)
            XCTAssertGreaterThanOrEqual(s.ndcg10, ndcg, name)
            XCTAssertGreaterThanOrEqual(s.map100, map, name)
            means.0 += s.ndcg10 / Double(Self.floors.count)
            means.1 += s.map100 / Double(Self.floors.count)
        }
        XCTAssertGreaterThanOrEqual(means.0, Self.floors.map(\.2).reduce(0, +) / Double(Self.floors.count) + 0.002)
    }

    /// The randomized SVD is seeded: two builds of the same collection are identical, bit for bit.
    func testTwoBuildsAreIdentical() throws {
        let collection = try Self.collection(Self.cranfield)
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

    /// A batch gives the same hits as the same questions one at a time, on every path: latent
    /// rescoring with feedback, rescoring of few candidates, and the lexical layer alone (MaxScore).
    func testBatchEqualsSingleQueries() throws {
        let collection = try Self.collection(Self.cranfield)
        let index = try Evaluation(collection: collection, config: IndexConfig()).build()
        var few = QueryOptions()
        few.candidates = 20
        var lexical = QueryOptions()
        lexical.latentWeight = 0
        lexical.feedback.documents = 0
        for options in [QueryOptions(), few, lexical] {
            let searcher = Searcher(index: index, options: options)
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

    /// The searcher's ranking equals a brute-force reference written from its definition: every
    /// passage scored lexically and sorted, the best `candidates` fused with their latent cosine
    /// (read from the stored vectors) at weight w·r², r the correlation of the two layers over the
    /// best 30, the best 20 rescored by term proximity, then feedback (its passages weighted by
    /// their scores) with weight β·r², and the same again.
    func testRankingEqualsBruteForce() throws {
        let collection = try Self.collection(Self.cranfield)
        let index = try Evaluation(collection: collection, config: IndexConfig()).build()
        var options = QueryOptions()
        options.candidates = 50
        let searcher = Searcher(index: index, options: options)
        let embedder = HashedEmbedder(config: index.config)
        let latent = try XCTUnwrap(index.latent)
        // Proximity from its definition: the dimension of each token's first term, pairs of
        // neighbouring question terms, counts in order within 3 tokens and in any order within 8.
        let analyzer = Analyzer()
        func dimensions(_ text: String) -> [UInt32?] {
            analyzer.analyzedTokens(text).map { $0.terms.first.map { embedder.feature($0).index } }
        }
        func proximity(_ question: String, slot: Int) throws -> Double {
            let terms = dimensions(question).compactMap { $0 }.filter { index.lexical.documentFrequency($0) > 0 }
            var pairs: [[UInt32]] = []
            for (a, b) in zip(terms, terms.dropFirst()) where a != b && !pairs.contains([a, b]) { pairs.append([a, b]) }
            let input = try index.embeddingInput(slot)
            let tokens = dimensions(input.title) + [UInt32?](repeating: nil, count: 8) + dimensions(input.bodyAndTags)
            let norm = Double(max(index.lexical.lengthNorms[slot], 0)), k1 = Double(index.config.weighting.k1)
            var total = 0.0
            for pair in pairs {
                let a = tokens.indices.filter { tokens[$0] == pair[0] }, b = tokens.indices.filter { tokens[$0] == pair[1] }
                let ordered = Double(a.filter { p in b.contains { $0 > p && $0 - p <= 3 } }.count)
                let unordered = Double(a.filter { p in b.contains { abs($0 - p) <= 8 } }.count)
                let weight = Double(index.lexical.idf(of: pair[0]) + index.lexical.idf(of: pair[1])) / 2 * (k1 + 1)
                total += weight * (0.1 / 0.85 * ordered / (ordered + norm) + 0.05 / 0.85 * unordered / (unordered + norm))
            }
            return total
        }
        func withProximity(_ hits: [Hit], _ question: String, scale: Double) throws -> [Hit] {
            var head = Array(hits.prefix(options.proximityDepth))
            for j in head.indices { head[j].score += Float(scale * (try proximity(question, slot: head[j].passage))) }
            return head.sorted { $0.ranksBefore($1) } + hits.dropFirst(options.proximityDepth)
        }
        func reference(_ q: SparseVector) throws -> (hits: [Hit], agreement: Float, w: Double, best: Double) {
            var lexical = [Float](repeating: 0, count: index.slots)
            try LexicalScorer(index).score(q, into: &lexical)
            let matches = lexical.enumerated().filter { $0.element > 0 }
                .sorted { $0.element != $1.element ? $0.element > $1.element : $0.offset < $1.offset }
                .prefix(options.candidates(answers: 10))
            let projected = try latent.project(q)
            let cosines = try matches.map { m -> Double in
                let (segment, i) = index.locate(m.offset)
                let v = try segment.vector(i)
                return (0..<latent.rank).reduce(0.0) { $0 + Double(v[$1]) / Double(Segment.vectorScale) * Double(projected[$1]) }
            }
            let x = matches.prefix(30).map { Double($0.element) }, y = Array(cosines.prefix(30))
            let mx = x.reduce(0, +) / Double(x.count), my = y.reduce(0, +) / Double(y.count)
            let sxy = zip(x, y).reduce(0.0) { $0 + ($1.0 - mx) * ($1.1 - my) }
            let r = sxy / (x.reduce(0.0) { $0 + ($1 - mx) * ($1 - mx) } * y.reduce(0.0) { $0 + ($1 - my) * ($1 - my) }).squareRoot()
            let agreement = r > 0 ? r * r : 0
            let w = Double(options.latentWeight) * agreement
            let best = Double(matches.first!.element)
            let fused = zip(matches, cosines).map { m, c in Hit(passage: m.offset, score: Float((1 - w) * Double(m.element) / best + w * c)) }
            return (fused.sorted { $0.ranksBefore($1) }, Float(agreement), w, best)
        }
        for question in collection.queries.prefix(40).map(\.text) {
            // The question's counts with its WordNet relatives (words Cranfield lacks), added here.
            let related = try Searcher.related.map { try searcher.relatedCounts(question, $0) } ?? [:]
            let q = index.lexical.queryVector(Searcher.add(related, to: embedder.counts(query: question)))
            let first = try reference(q)
            let firstRanking = try withProximity(first.hits, question, scale: (1 - first.w) / first.best)
            let expanded = try searcher.expand(q, with: Array(firstRanking.prefix(options.feedback.documents)),
                                               beta: options.feedback.beta * first.agreement, terms: options.feedback.terms)
            let second = try reference(expanded)
            let expected = Array(try withProximity(second.hits, question, scale: (1 - second.w) / first.best).prefix(10))
            let hits = try searcher.hits(for: question, k: 10)
            XCTAssertEqual(hits.count, expected.count, question)
            for (x, y) in zip(hits, expected) { XCTAssertEqual(x.score, y.score, accuracy: 1e-4, question) }
            // Passages must agree wherever scores are not within rounding of a neighbour.
            for r in hits.indices where (r == 0 || expected[r - 1].score - expected[r].score > 1e-3)
                && (r == hits.count - 1 || expected[r].score - expected[r + 1].score > 1e-3) {
                XCTAssertEqual(hits[r].passage, expected[r].passage, "\(question) rank \(r + 1)")
            }
        }
    }
}
