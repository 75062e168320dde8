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

    /// The collection's index, built in memory.
    public func build() throws -> CorpusIndex {
        let documents = collection.documents
        var passages = PassageStore()
        for d in documents { passages.append(Passage(source: d.id, firstLine: 1, lastLine: 1, title: d.title, text: d.text)) }
        let counts = IndexBuilder.embed(passages, config: config)
        return try IndexBuilder.assemble(config: config, files: [], passages: passages, counts: counts)
    }

    /// The result of a run.
    public struct Outcome {
        public var summary: EvaluationSummary
        /// Time to answer all queries (not to build the index).
        public var milliseconds: Double
        public var buildMilliseconds: Double
    }

    /// Builds the index and answers every judged query with each of `options`, one outcome each.
    public func run(_ options: [QueryOptions] = [QueryOptions()], depth: Int = 100) throws -> [Outcome] {
        let buildStart = DispatchTime.now()
        let index = try build()
        let built = DispatchTime.now()
        return try options.map { o in
            var outcome = try run(index, options: o, depth: depth)
            outcome.buildMilliseconds = Double(built.uptimeNanoseconds - buildStart.uptimeNanoseconds) / 1e6
            return outcome
        }
    }

    /// Answers every judged query over `index` (built from this collection); judged queries that
    /// `queries.jsonl` lacks are left out of the measures (`BEIRCollection.judgedQueriesWithoutText`).
    public func run(_ index: CorpusIndex, options: QueryOptions, depth: Int = 100) throws -> Outcome {
        let documents = collection.documents
        let searcher = Searcher(index: index, options: options)
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
        // Judged queries with no text were never asked: left out rather than counted as zeros.
        let asked = collection.qrels.filter { rankings[$0.key] != nil }
        return Outcome(summary: EvaluationSummary(rankings: rankings, qrels: asked),
                       milliseconds: Double(end.uptimeNanoseconds - start.uptimeNanoseconds) / 1e6,
                       buildMilliseconds: 0)
    }
}

/// A folder of test collections.
public enum EvaluationSuite {
    /// `folder` itself when it is a collection (it holds corpus.jsonl), else its subfolders that
    /// are, sorted by name. Throws when there is none.
    public static func collections(in folder: String) throws -> [String] {
        let fm = FileManager.default
        if fm.fileExists(atPath: folder + "/corpus.jsonl") { return [folder] }
        let names = (try? fm.contentsOfDirectory(atPath: folder)) ?? []
        let found = names.sorted().map { folder + "/" + $0 }.filter { fm.fileExists(atPath: $0 + "/corpus.jsonl") }
        guard !found.isEmpty else { throw LoreError.noTestCollection(folder: folder) }
        return found
    }
}
