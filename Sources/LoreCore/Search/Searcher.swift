import Foundation

/// Nanoseconds spent in each step of answering, summed over `queries` questions.
public final class SearchProfile {
    public var queries = 0
    /// Tokenizing, stemming, hashing and weighting the question.
    public var tokenize: UInt64 = 0
    /// Scoring the postings of the question's terms (both passes).
    public var lexical: UInt64 = 0
    /// Projecting the question and scoring the latent layer (both passes).
    public var latent: UInt64 = 0
    /// Choosing the feedback passages and expanding the question.
    public var feedback: UInt64 = 0
    /// Selecting the top k.
    public var topK: UInt64 = 0
    public init() {}
}

/// One answer to a question: a passage, its rank and score.
public struct SearchResult: Sendable {
    public var rank: Int
    public var score: Float
    public var passage: Passage
    public var passageIndex: Int
}

/// Answers questions over a built index: the question is embedded like the passages, scored by
/// each layer (hashed TF-IDF cosine; latent cosine fused with weight w), optionally expanded by
/// Rocchio feedback from its first results and scored again, and cut to the exact top k.
///
/// ```
/// let searcher = Searcher(index: try IndexFile.read(from: "index"))
/// let results = try searcher.search("How much did mixing the two OpenAI models save?", k: 5)
/// ```
public final class Searcher {
    public let index: CorpusIndex
    private let embedder: HashedEmbedder

    public init(index: CorpusIndex) {
        self.index = index
        embedder = HashedEmbedder(config: index.config)
    }

    /// The analyzer queries go through (for highlighting matched words).
    public var analyzer: Analyzer { embedder.textAnalyzer }

    /// The best `k` passages for `question`, best first; passages scoring 0 or less are left out.
    /// Throws when the index data read turns out damaged.
    public func search(_ question: String, k: Int) throws -> [SearchResult] {
        try hits(for: question, k: k).enumerated().map { rank, hit in
            SearchResult(rank: rank + 1, score: hit.score, passage: try index.passage(hit.passage), passageIndex: hit.passage)
        }
    }

    /// The exact top `k` hits for `question`.
    public func hits(for question: String, k: Int) throws -> [Hit] {
        try hits(for: [question], k: k)[0]
    }

    /// The exact top `k` hits of each question, scored as one batch. When the latent layer scans
    /// every passage, its products become one `cblas_sgemm` instead of a `cblas_sgemv` per
    /// question; when nothing dense is shared (MaxScore alone, or latent rescoring of each
    /// question's own candidates), the questions are spread over the cores. Same hits as one by one.
    public func hits(for questions: [String], k: Int) throws -> [[Hit]] {
        guard questions.count > 1, isLexicalOnly || rescoresCandidates else { return try batch(questions, k: k) }
        // One embedder per worker: the first worker uses this searcher's.
        let results = concurrentMap(questions.count, state: { w in w == 0 ? self : Searcher(index: self.index) }) { b, searcher in
            Result { try searcher.batch([questions[b]], k: k)[0] }
        }
        return try results.map { try $0.get() }
    }

    /// True when the latent layer rescores each question's lexical candidates instead of
    /// scanning every passage (large indexes).
    private var rescoresCandidates: Bool {
        index.latent != nil && index.config.latent.weight > 0 && index.config.latent.candidates > 0
            && index.slots > 10 * index.config.latent.candidates
    }

    private func batch(_ questions: [String], k: Int) throws -> [[Hit]] {
        var clock = profile.map { _ in DispatchTime.now().uptimeNanoseconds }
        var queries = questions.map { index.lexical.queryVector(embedder.counts(query: $0)) }
        lap(&clock, \.tokenize)
        if isLexicalOnly {
            // One layer, no second pass: MaxScore finds the same top k without scoring every passage.
            let result = try queries.map { try index.lexical.topK($0, k: k) }
            lap(&clock, \.lexical)
            profile?.queries += questions.count
            return result
        }
        let n = index.slots
        var matrix = [Float](repeating: 0, count: n * queries.count)
        try score(queries, into: &matrix, clock: &clock)
        let feedback = index.config.feedback
        if feedback.documents > 0 {
            for (b, q) in queries.enumerated() where !q.isEmpty {
                let top = matrix.withUnsafeBufferPointer {
                    TopK.select(UnsafeBufferPointer(rebasing: $0[(b * n)..<((b + 1) * n)]), k: feedback.documents, above: 0)
                }
                if !top.isEmpty { queries[b] = try expand(q, with: top.map(\.passage), beta: feedback.beta, terms: feedback.terms) }
            }
            lap(&clock, \.feedback)
            try score(queries, into: &matrix, clock: &clock)
        }
        let result = queries.indices.map { b -> [Hit] in
            guard !queries[b].isEmpty else { return [] }
            return matrix.withUnsafeBufferPointer {
                TopK.select(UnsafeBufferPointer(rebasing: $0[(b * n)..<((b + 1) * n)]), k: k, above: 0)
            }
        }
        lap(&clock, \.topK)
        profile?.queries += questions.count
        return result
    }

    /// True when only the lexical layer scores (no latent layer, no feedback).
    private var isLexicalOnly: Bool {
        (index.latent == nil || index.config.latent.weight == 0) && index.config.feedback.documents == 0
    }

    /// Where time goes, summed over the questions answered while it is set (for `lore bench`).
    public var profile: SearchProfile?

    private func lap(_ clock: inout UInt64?, _ stage: ReferenceWritableKeyPath<SearchProfile, UInt64>) {
        guard let start = clock, let profile else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        profile[keyPath: stage] += now - start
        clock = now
    }

    /// Fills row b of `matrix` (queries × passages) with every passage's fused score for query b.
    private func score(_ queries: [SparseVector], into matrix: inout [Float], clock: inout UInt64?) throws {
        let n = index.slots
        let latentWeight: Float = index.latent == nil ? 0 : index.config.latent.weight
        try matrix.withUnsafeMutableBufferPointer { m in
            for (b, q) in queries.enumerated() {
                try index.lexical.score(q, scale: 1 - latentWeight, into: UnsafeMutableBufferPointer(rebasing: m[(b * n)..<((b + 1) * n)]))
            }
        }
        lap(&clock, \.lexical)
        defer { lap(&clock, \.latent) }
        guard let latent = index.latent, latentWeight > 0 else { return }
        let projected = queries.map(latent.project)
        let candidates = index.config.latent.candidates
        guard rescoresCandidates else {
            try latent.accumulate(projected, scale: latentWeight, over: index.lexical, into: &matrix)
            return
        }
        // Rescore the lexical candidates only: one dot product of `rank` floats each.
        try matrix.withUnsafeMutableBufferPointer { m in
            for b in queries.indices {
                let row = UnsafeMutableBufferPointer(rebasing: m[(b * n)..<((b + 1) * n)])
                let best = TopK.select(UnsafeBufferPointer(row), k: candidates, above: -.infinity)
                try latent.rescore(best.map(\.passage), query: projected[b], scale: latentWeight, over: index.lexical, into: row)
            }
        }
    }

    /// Rocchio: q' = q + β · mean of the feedback passages' vectors, keeping q's terms and the
    /// `terms` heaviest added ones (all when 0), back to unit length.
    func expand(_ query: SparseVector, with passages: [Int], beta: Float, terms: Int) throws -> SparseVector {
        var sum: [UInt32: Float] = [:]
        let share = beta / Float(passages.count)
        for p in passages {
            let input = try index.embeddingInput(p)
            let row = index.lexical.weightedRow(embedder.counts(title: input.title, body: input.body), slot: p)
            for (f, v) in zip(row.indices, row.values) { sum[f, default: 0] += share * v }
        }
        var added = sum
        for f in query.indices { added[f] = nil }
        var keep = Set(query.indices)
        if terms > 0 && added.count > terms {
            let heaviest = added.sorted { abs($0.value) != abs($1.value) ? abs($0.value) > abs($1.value) : $0.key < $1.key }
            keep.formUnion(heaviest.prefix(terms).map(\.key))
        } else {
            keep.formUnion(added.keys)
        }
        for (f, v) in zip(query.indices, query.values) { sum[f, default: 0] += v }
        let keys = keep.sorted()
        var values = keys.map { sum[$0]! }
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        if norm > 0 { for i in values.indices { values[i] /= norm } }
        return SparseVector(indices: keys, values: values)
    }
}
