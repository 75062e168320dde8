import Foundation

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
/// let results = searcher.search("How much did mixing the two OpenAI models save?", k: 5)
/// ```
public final class Searcher {
    public let index: CorpusIndex
    private let embedder: HashedEmbedder
    private var scores: [Float]

    public init(index: CorpusIndex) {
        self.index = index
        embedder = HashedEmbedder(config: index.config)
        scores = [Float](repeating: 0, count: index.passages.count)
    }

    /// The analyzer queries go through (for highlighting matched words).
    public var analyzer: Analyzer { embedder.textAnalyzer }

    /// The best `k` passages for `question`, best first; passages scoring 0 or less are left out.
    public func search(_ question: String, k: Int) -> [SearchResult] {
        hits(for: question, k: k).enumerated().map { rank, hit in
            SearchResult(rank: rank + 1, score: hit.score, passage: index.passages[hit.passage], passageIndex: hit.passage)
        }
    }

    /// The exact top `k` hits for `question`.
    public func hits(for question: String, k: Int) -> [Hit] {
        let query = index.lexical.queryVector(embedder.counts(query: question))
        guard !query.isEmpty else { return [] }
        score(query)
        let feedback = index.config.feedback
        if feedback.documents > 0 {
            let top = TopK.select(scores, k: feedback.documents, above: 0)
            if !top.isEmpty {
                score(expand(query, with: top.map(\.passage), beta: feedback.beta))
            }
        }
        return TopK.select(scores, k: k, above: 0)
    }

    /// Fills `scores` with every passage's fused score for a unit-length weighted query.
    private func score(_ query: SparseVector) {
        let latentWeight: Float = index.latent == nil ? 0 : index.config.latent.weight
        for i in scores.indices { scores[i] = 0 }
        index.lexical.accumulate(query, scale: 1 - latentWeight, into: &scores)
        if let latent = index.latent, latentWeight > 0 {
            latent.accumulate(latent.project(query), scale: latentWeight, into: &scores)
        }
    }

    /// Rocchio: q' = q + β · mean of the feedback passages' vectors, back to unit length.
    func expand(_ query: SparseVector, with passages: [Int], beta: Float) -> SparseVector {
        var sum: [UInt32: Float] = [:]
        for (f, v) in zip(query.indices, query.values) { sum[f, default: 0] += v }
        let rows = index.lexical.rows
        let share = beta / Float(passages.count)
        for p in passages {
            for j in rows.offsets[p]..<rows.offsets[p + 1] { sum[rows.indices[j], default: 0] += share * rows.values[j] }
        }
        let keys = sum.keys.sorted()
        var values = keys.map { sum[$0]! }
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        if norm > 0 { for i in values.indices { values[i] /= norm } }
        return SparseVector(indices: keys, values: values)
    }
}
