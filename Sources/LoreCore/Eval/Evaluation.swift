import Foundation

/// Runs a test collection through Lore: indexes its documents (title + text) with a
/// configuration, answers every query as one batch, and scores the rankings with trec_eval's
/// measures.
public struct Evaluation {
    public var collection: BEIRCollection
    public var config: IndexConfig

    public init(collection: BEIRCollection, config: IndexConfig) {
        self.collection = collection
        self.config = config
    }

    /// The result of a run.
    public struct Outcome {
        public var summary: EvaluationSummary
        /// Time to answer all queries (not to build the index).
        public var milliseconds: Double
        public var buildMilliseconds: Double
    }

    public func run(depth: Int = 100) throws -> Outcome {
        let buildStart = DispatchTime.now()
        let documents = collection.documents
        var passages = PassageStore()
        for d in documents { passages.append(Passage(source: d.id, firstLine: 1, lastLine: 1, title: d.title, text: d.text)) }
        let counts = IndexBuilder.embed(passages, config: config)
        let index = try IndexBuilder.assemble(config: config, files: [], passages: passages, counts: counts)
        let searcher = Searcher(index: index)
        let start = DispatchTime.now()
        let queries = collection.queries.filter { collection.qrels[$0.id] != nil }
        var rankings: [String: [String]] = [:]
        let batch = 64
        for first in stride(from: 0, to: queries.count, by: batch) {
            let slice = Array(queries[first..<min(first + batch, queries.count)])
            let hits = try searcher.hits(for: slice.map(\.text), k: depth)
            for (q, h) in zip(slice, hits) { rankings[q.id] = h.map { documents[$0.passage].id } }
        }
        let end = DispatchTime.now()
        return Outcome(summary: EvaluationSummary(rankings: rankings, qrels: collection.qrels),
                       milliseconds: Double(end.uptimeNanoseconds - start.uptimeNanoseconds) / 1e6,
                       buildMilliseconds: Double(start.uptimeNanoseconds - buildStart.uptimeNanoseconds) / 1e6)
    }
}
