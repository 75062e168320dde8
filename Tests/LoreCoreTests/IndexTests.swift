import CBLAS
import XCTest
@testable import LoreCore

final class TopKTests: XCTestCase {
    func testEqualsFullSortOnRandomDataWithTies() {
        var rng = SplitMix64(seed: 7)
        for trial in 0..<200 {
            let n = Int(rng.next() % 500) + 1
            // Few distinct values, so many ties.
            let scores = (0..<n).map { _ in Float(Int(rng.next() % 20)) / 4 - 1 }
            let k = Int(rng.next() % 40) + 1
            let expected = scores.enumerated().filter { $0.element > 0 }
                .sorted { $0.element != $1.element ? $0.element > $1.element : $0.offset < $1.offset }
                .prefix(k).map { Hit(passage: $0.offset, score: $0.element) }
            XCTAssertEqual(TopK.select(scores, k: k, above: 0), Array(expected), "trial \(trial)")
        }
    }
}

final class BLASThreadsTests: XCTestCase {
    /// Every BLAS call takes one thread, in Lore's workers and outside them, once any parallel
    /// region has run (with the reference BLAS the count is always 1).
    func testOneThreadInAndOutOfWorkers() {
        _ = concurrentMap(2) { $0 }
        XCTAssertEqual(BLASThreads.current, 1)
        XCTAssertEqual(concurrentMap(4) { _ in BLASThreads.current }, [1, 1, 1, 1])
        XCTAssertEqual(BLASThreads.current, 1)
    }
}

final class ColumnTests: XCTestCase {
    func testAColumnFilledInPlaceHoldsWhatWasWritten() {
        let column = Column<Int16>(repeating: 7, count: 4) { buffer in
            buffer[1] = 9
            buffer[3] = -2
        }
        XCTAssertEqual(column.array, [7, 9, 7, -2])
        XCTAssertEqual(Column<Float>(repeating: 0, count: 0) { XCTAssertEqual($0.count, 0) }.count, 0)
    }
}

final class RowBlocksTests: XCTestCase {
    /// The blocked products against plain loops: Gram matrix (either triangle), triangular
    /// solve, matrix and matrix-vector products, on matrices of more rows than one block, with
    /// small integers so that every sum is exact whatever its order.
    func testBlockedProductsEqualPlainLoops() {
        var rng = SplitMix64(seed: 11)
        let rows = 2 * RowBlocks.minimumVectorRows + 5, columns = 6
        let m = (0..<(rows * columns)).map { _ in Float(Int(rng.next() % 7) - 3) }
        func at(_ i: Int, _ j: Int) -> Float { m[i * columns + j] }
        for uplo in [CblasUpper, CblasLower] {
            let g = RowBlocks.gram(m, rows: rows, columns: columns, uplo: uplo)
            for i in 0..<columns {
                for j in 0..<columns where uplo == CblasUpper ? j >= i : j <= i {
                    XCTAssertEqual(g[i * columns + j], (0..<rows).reduce(0) { $0 + at($1, i) * at($1, j) }, "\(i) \(j)")
                }
            }
        }
        // R upper triangular with powers of two on its diagonal: M·R is exact, and solving
        // gives M back.
        var r = [Float](repeating: 0, count: columns * columns)
        for i in 0..<columns { for j in i..<columns { r[i * columns + j] = i == j ? Float(1 << (i % 3)) : Float((i + j) % 3) } }
        var product = RowBlocks.multiply(m, rows: rows, inner: columns, r, columns: columns)
        for i in [0, 1, rows / 2, rows - 1] {
            for j in 0..<columns {
                XCTAssertEqual(product[i * columns + j], (0..<columns).reduce(0) { $0 + at(i, $1) * r[$1 * columns + j] })
            }
        }
        RowBlocks.solveUpper(&product, rows: rows, columns: columns, r: r)
        XCTAssertEqual(product, m)
        let x = (0..<columns).map { Float($0 - 2) }
        XCTAssertEqual(RowBlocks.multiply(m, rows: rows, columns: columns, vector: x),
                       (0..<rows).map { i in (0..<columns).reduce(0) { $0 + at(i, $1) * x[$1] } })
    }
}

final class SparseProductTests: XCTestCase {
    /// The latent fit's kernels: the column form of sparse rows (built by runs of rows, one per
    /// core), A·M in blocks of passages, and Aᵀ·M, against plain loops over the rows. Enough
    /// nonzeros that the transposition runs in more than one part, and values that are small
    /// integers so that every sum is exact whatever its order.
    func testColumnsAndProductsEqualPlainLoops() {
        var rng = SplitMix64(seed: 5)
        let n = 3000, used = 900, width = 7
        var rows = SparseRows()
        var dense = [Float](repeating: 0, count: n * used)
        for i in 0..<n {
            let features = Set((0..<(20 + Int(rng.next() % 120))).map { _ in UInt32(rng.next() % UInt64(used + 100)) }).sorted()
            let values = features.map { _ in Float(Int(rng.next() % 7) - 3) }
            rows.append(SparseVector(indices: features, values: values))
            for (f, v) in zip(features, values) where Int(f) < used { dense[i * used + Int(f)] = v }
        }
        XCTAssertGreaterThan(rows.nonzeros, 2 << 16, "the transposition should run in parts")
        // Features 0..<used are columns 0..<used; the 100 above are left out.
        let featureRow = FeatureIndex((0..<UInt32(used)).map { $0 })
        let columns = LatentModel.columns(of: rows, featureRow)
        XCTAssertEqual(columns, rows.indices.map { Int($0) < used ? Int($0) : -1 })
        let a = FeatureColumns(rows, columns: columns, count: used)
        // Column f: the rows holding feature f, in row order, with their values.
        var byColumn = [[(row: Int32, value: Float)]](repeating: [], count: used)
        for i in 0..<n {
            for j in rows.offsets[i]..<rows.offsets[i + 1] where Int(rows.indices[j]) < used {
                byColumn[Int(rows.indices[j])].append((Int32(i), rows.values[j]))
            }
        }
        XCTAssertEqual(a.starts, [0] + byColumn.map(\.count).reduce(into: []) { $0.append(($0.last ?? 0) + $1) })
        XCTAssertEqual(a.rows, byColumn.flatMap { $0.map(\.row) })
        XCTAssertEqual(a.values, byColumn.flatMap { $0.map(\.value) })

        let m = (0..<(used * width)).map { _ in Float(Int(rng.next() % 5) - 2) }
        var product = [Float](repeating: 0, count: n * width)
        for i in 0..<n {
            for f in 0..<used where dense[i * used + f] != 0 {
                for c in 0..<width { product[i * width + c] += dense[i * used + f] * m[f * width + c] }
            }
        }
        XCTAssertEqual(LatentModel.multiply(a, rows: n, m, width: width), product)

        let mt = (0..<(n * width)).map { _ in Float(Int(rng.next() % 5) - 2) }
        var transposed = [Float](repeating: 0, count: used * width)
        for i in 0..<n {
            for f in 0..<used where dense[i * used + f] != 0 {
                for c in 0..<width { transposed[f * width + c] += dense[i * used + f] * mt[i * width + c] }
            }
        }
        XCTAssertEqual(LatentModel.multiplyTransposed(a, mt, width: width), transposed)
    }
}

final class DenseScanTests: XCTestCase {
    /// The bench's dense path (`lore_dense`): one sgemv per query, or blocks of sgemm with running
    /// top k for a batch. Both must give the brute-force top k, ties by passage order, across blocks.
    func testBatchAndSingleEqualBruteForce() {
        var rng = SplitMix64(seed: 11)
        let rank = 8, count = 20_000
        // Few distinct values, so that ties cross block boundaries.
        let vectors = (0..<(count * rank)).map { _ in Float(Int(rng.next() % 5)) - 2 }
        let scan = DenseScan(vectors: vectors, rank: rank)
        let queries = (0..<64).map { _ in (0..<rank).map { _ in Float(Int(rng.next() % 3)) - 1 } }
        let batches = [1, 10, 100].map { scan.search(queries, k: $0) }  // 3 blocks of 8192 passages
        for (b, q) in queries.enumerated() {
            var scores = [Float](repeating: 0, count: count)
            for p in 0..<count { for j in 0..<rank { scores[p] += vectors[p * rank + j] * q[j] } }
            let order = scores.enumerated()
                .sorted { $0.element != $1.element ? $0.element > $1.element : $0.offset < $1.offset }
            for (t, k) in [1, 10, 100].enumerated() {
                let expected = order.prefix(k).map { Hit(passage: $0.offset, score: $0.element) }
                XCTAssertEqual(batches[t][b], Array(expected), "batch, query \(b), k \(k)")
                XCTAssertEqual(scan.search(q, k: k), Array(expected), "single, query \(b), k \(k)")
            }
        }
    }
}

/// An index of one segment built from hashed counts, with placeholder passages.
func lexicalIndex(_ rows: SparseRows, config: IndexConfig) throws -> CorpusIndex {
    var config = config
    config.latent.dimensions = 0
    let passages = PassageStore((0..<rows.count).map { Passage(source: "\($0)", firstLine: 1, lastLine: 1, title: "", text: "") })
    return try IndexBuilder.assemble(config: config, files: [], passages: passages, counts: rows)
}

final class LexicalModelTests: XCTestCase {
    private struct Model {
        let m: LexicalModel
        let counts: SparseRows
        var passages: Int { counts.count }
        func row(_ i: Int) -> SparseVector { m.weightedRow(counts.row(i), slot: i) }
    }

    private func model(_ texts: [String], config: IndexConfig = IndexConfig()) throws -> (CorpusIndex, Model) {
        let embedder = HashedEmbedder(config: config)
        var rows = SparseRows()
        for t in texts { rows.append(embedder.counts(title: "", body: t)) }
        let index = try lexicalIndex(rows, config: config)
        return (index, Model(m: index.lexical, counts: rows))
    }

    /// Scores equal Okapi BM25 computed here from the hashed counts by its textbook formula
    /// (idf = ln(1 + (N - df + 0.5)/(df + 0.5)), tf saturated with k1 and b against the mean length).
    func testScoresAreBM25AgainstTheFormula() throws {
        let texts = ["the platform team shipped the vector database", "vector search latency vector",
                     "offshore team mentoring", "a long passage about the team and the team again and vector databases"]
        let config = IndexConfig()
        let (m, counts) = try model(texts, config: config)
        let embedder = HashedEmbedder(config: config)
        let qcounts = embedder.counts(query: "vector team")
        let q = m.lexical.queryVector(qcounts)
        var scores = [Float](repeating: 0, count: texts.count)
        try LexicalScorer(m).score(q, into: &scores)
        let rows = (0..<texts.count).map { counts.counts.row($0) }
        let lengths = rows.map { $0.values.reduce(0) { $0 + abs($1) } }
        let avg = lengths.reduce(0, +) / Float(rows.count)
        let (k1, b) = (Double(config.weighting.k1), Double(config.weighting.b))
        for i in 0..<texts.count {
            var expected = 0.0
            for (f, qc) in zip(qcounts.indices, qcounts.values) {
                let df = rows.filter { $0.indices.contains(f) }.count
                let idf = log(1 + (Double(rows.count) - Double(df) + 0.5) / (Double(df) + 0.5))
                guard let j = rows[i].indices.firstIndex(of: f) else { continue }
                let tf = Double(abs(rows[i].values[j]))
                let sign: Double = (rows[i].values[j] < 0) == (qc < 0) ? 1 : -1
                expected += sign * Double(abs(qc)) * idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * Double(lengths[i] / avg)))
            }
            XCTAssertEqual(Double(scores[i]), expected, accuracy: 1e-4, texts[i])
        }
        XCTAssertEqual(scores[2] > 0, true)
        XCTAssertGreaterThan(scores[0], scores[2])
    }

    /// With headings, scores equal BM25F computed here by its formula: each field's counts
    /// divided by that field's length normalization against its own mean, the heading's weighted
    /// by the title boost, and their sum saturated once.
    func testScoresAreBM25FAgainstTheFormula() throws {
        let fields = [("Vector search", "the platform team shipped the vector database"),
                      ("Team", "vector search latency vector"),
                      ("Offshore team mentoring and vector search", "mentoring"),
                      ("", "a long passage about the team and the team again and vector databases")]
        let config = IndexConfig()
        let embedder = HashedEmbedder(config: config)
        var rows = SparseRows()
        for (title, body) in fields { rows.append(embedder.counts(title: title, body: body)) }
        let index = try lexicalIndex(rows, config: config)
        let qcounts = embedder.counts(query: "vector team mentoring")
        var scores = [Float](repeating: 0, count: fields.count)
        try LexicalScorer(index).score(index.lexical.queryVector(qcounts), into: &scores)
        // Each field counted apart, as plain text.
        let contexts = fields.map { embedder.counts(query: $0.0) }, bodies = fields.map { embedder.counts(query: $0.1) }
        func count(_ v: SparseVector, _ f: UInt32) -> Double { v.indices.firstIndex(of: f).map { Double(v.values[$0]) } ?? 0 }
        func length(_ v: SparseVector) -> Double { Double(v.values.reduce(0) { $0 + abs($1) }) }
        let (k1, b, w) = (Double(config.weighting.k1), Double(config.weighting.b), Double(config.titleBoost))
        let n = Double(fields.count)
        let avgContext = contexts.map(length).reduce(0, +) / n, avgBody = bodies.map(length).reduce(0, +) / n
        for i in fields.indices {
            var expected = 0.0
            for (f, qc) in zip(qcounts.indices, qcounts.values) {
                let df = Double(fields.indices.filter { count(contexts[$0], f) != 0 || count(bodies[$0], f) != 0 }.count)
                let idf = log(1 + (n - df + 0.5) / (df + 0.5))
                let t = count(bodies[i], f) / (1 - b + b * length(bodies[i]) / avgBody)
                    + w * count(contexts[i], f) / (1 - b + b * length(contexts[i]) / avgContext)
                expected += Double(qc) * idf * (k1 + 1) * t / (abs(t) + k1)
            }
            XCTAssertEqual(Double(scores[i]), expected, accuracy: 1e-4, "\(fields[i])")
        }
    }

    /// A section whose own text holds a question's word outranks a shorter section of the same
    /// note that only shares the note's title, which BM25 over title and text together ranked
    /// first (the short section's length normalization favoured its title words).
    func testASectionsOwnWordsOutweighItsNotesTitle() throws {
        let config = IndexConfig()
        let embedder = HashedEmbedder(config: config)
        let title = "Compliance catalog review"
        let sections = ["The team was worried about audits.",
                        "We met the reviewers every week, masked personal data before embedding it, logged every "
                            + "access, documented lineage, ran penetration tests and kept the catalog of datasets "
                            + "under role-based access control for the whole programme.",
                        "Unrelated notes on lunch and the weather."]
        var rows = SparseRows(), concatenated = SparseRows()
        for s in sections {
            rows.append(embedder.counts(title: title, body: s))
            concatenated.append(embedder.counts(title: "", body: title + " " + title + " " + s))
        }
        for r in (0..<concatenated.count).map(concatenated.row) {
            XCTAssertTrue(r.values.allSatisfy { FieldCount.split($0).context == 0 })
        }
        let q = embedder.counts(query: "catalog compliance")
        func ranking(_ rows: SparseRows) throws -> [Int] {
            let index = try lexicalIndex(rows, config: config)
            return try LexicalScorer(index).topK(index.lexical.queryVector(q), k: 3).map(\.passage)
        }
        XCTAssertEqual(try ranking(concatenated).first, 0)
        XCTAssertEqual(try ranking(rows).first, 1)
    }

    /// A packed count reads back as the body and context counts it was made of, signs included,
    /// each clamped to its range.
    func testFieldCountsRoundTrip() {
        for body in stride(from: -1023, through: 1023, by: 7) {
            for context in -15...15 {
                let packed = FieldCount.pack(body: Float(body), context: Float(context))
                XCTAssertEqual(Float(Int16(packed)), packed)
                let (b, c) = FieldCount.split(Int32(Int16(packed)))
                XCTAssertEqual(b, Float(body))
                XCTAssertEqual(c, Float(context))
            }
        }
        XCTAssertTrue(FieldCount.split(FieldCount.pack(body: 5000, context: -40)) == (1023, -15))
    }
}

/// MaxScore's top k, and the top k summed into a reused accumulator, equal scoring every passage
/// and sorting, on random data with signed weights, skewed term frequencies and ties, spread over
/// several segments with dead slots.
final class MaxScoreTests: XCTestCase {
    /// The search MaxScore moves its cursors with: the first position from `from` holding a value
    /// at least `doc`, as a plain scan finds it, over lists with repeats and at both ends.
    func testGallopEqualsAScan() {
        var rng = SplitMix64(seed: 3)
        for _ in 0..<2000 {
            let ids = (0..<(1 + Int(rng.next() % 70))).map { _ in UInt32(rng.next() % 100) }.sorted()
            let from = Int(rng.next() % UInt64(ids.count + 1)), doc = UInt32(rng.next() % 110)
            let expected = (from..<ids.count).first { ids[$0] >= doc }
            let found = ids.withUnsafeBufferPointer { LexicalScorer.gallop($0.baseAddress!, from: from, to: ids.count, to: doc) }
            XCTAssertEqual(found, expected, "\(ids) from \(from) to \(doc)")
        }
    }

    func testTopKEqualsExhaustiveScoring() throws {
        var rng = SplitMix64(seed: 11)
        var config = IndexConfig()
        config.dimensionBits = 10  // collisions and negative (signed) counts
        for trial in 0..<20 {
            let n = 200 + Int(rng.next() % 800)
            var rows = SparseRows()
            for _ in 0..<n {
                var counts: [UInt32: Float] = [:]
                for _ in 0..<(3 + Int(rng.next() % 40)) {
                    // Skewed: low dimensions are common, like frequent words.
                    let f = UInt32(min(rng.next() % 1024, rng.next() % 1024, rng.next() % 1024))
                    counts[f, default: 0] += rng.next() % 4 == 0 ? -1 : 1
                }
                let keys = counts.keys.filter { counts[$0] != 0 }.sorted()
                rows.append(SparseVector(indices: keys, values: keys.map { counts[$0]! }))
            }
            // Up to three segments; one slot in ten dead (an edited or deleted note).
            let cuts = [0, Int(rng.next() % UInt64(n)), n].sorted()
            let segments = zip(cuts, cuts.dropFirst()).map { lo, hi -> Segment in
                var part = SparseRows()
                part.append(rowsOf: rows, lo..<hi)
                let passages = PassageStore((lo..<hi).map { Passage(source: "\($0)", firstLine: 1, lastLine: 1, title: "", text: "") })
                return Segment(name: "", passages: passages, counts: part)
            }
            let alive = (0..<n).map { _ in rng.next() % 10 != 0 }
            let model = try LexicalModel(segments: segments, alive: alive, config: config)
            let scorer = LexicalScorer(statistics: model, segments: segments)
            var accumulator = ScoreAccumulator()  // reused from question to question, as a searcher does
            for _ in 0..<30 {
                var q: [UInt32: Float] = [:]
                for _ in 0..<(1 + Int(rng.next() % 12)) { q[UInt32(min(rng.next() % 1024, rng.next() % 1024)), default: 0] += 1 }
                let keys = q.keys.sorted()
                let query = model.queryVector(SparseVector(indices: keys, values: keys.map { q[$0]! }))
                let k = 1 + Int(rng.next() % 20)
                var scores = [Float](repeating: 0, count: n)
                try scorer.score(query, into: &scores)
                let top = try scorer.topK(query, k: k)
                XCTAssertEqual(top, TopK.select(scores, k: k, above: 0), "trial \(trial)")
                XCTAssertEqual(try scorer.top(query, k: k, accumulator: &accumulator), top, "trial \(trial): accumulated")
                XCTAssertTrue(top.allSatisfy { alive[$0.passage] })
            }
        }
    }
}
