import CBLAS
import Foundation

/// Figures of one `lore bench` run at one corpus size. Key names are part of the CLI's JSON.
public struct BenchmarkResult: Codable, Sendable {
    public var passages = 0
    public var queries = 0
    public var build_ms = 0.0
    public var build_passages_per_s = 0.0
    /// Deriving statistics and postings and fitting the latent layer, after embedding.
    public var derive_ms = 0.0
    public var index_bytes = 0
    /// Peak resident memory of generating and building (the index written, not yet reopened).
    public var peak_rss_bytes = 0
    /// Peak of the whole run before the bandwidth probe: adds the reopened index's mapped pages
    /// that questions touched and the dense benchmark's copy of the vectors.
    public var run_peak_rss_bytes = 0
    public var open_ms = 0.0
    /// Single queries, top 10, defaults (every layer on).
    public var p50_ms = 0.0
    public var p95_ms = 0.0
    public var p99_ms = 0.0
    /// Lexical layer alone (hashed TF-IDF postings, top 10).
    public var lexical_p50_ms = 0.0
    public var lexical_p99_ms = 0.0
    /// Dense layer alone: `cblas_sgemv` over every latent passage vector, then top 10.
    public var dense_p50_ms = 0.0
    public var dense_p99_ms = 0.0
    public var dense_dims = 0
    /// Defaults, one question at a time and in batches of 64.
    public var single_qps = 0.0
    public var batch64_qps = 0.0
    /// Dense batches of 64 through `cblas_sgemm`, against the same queries one `cblas_sgemv` each.
    public var dense_single_qps = 0.0
    public var dense_batch64_qps = 0.0
    /// Streaming read bandwidth of this machine, measured in the same run, and the dense scan's.
    public var bandwidth_gbps = 0.0
    public var scan_gbps = 0.0
    /// Share of up to 1000 planted rare terms (document frequency 1-3) whose passages all come
    /// back in the top 10 when the term alone is asked (defaults).
    public var rare_term_recall = 0.0
    public var rare_terms = 0
    /// Mean milliseconds per query in each step (defaults).
    public var breakdown_ms: [String: Double] = [:]
}

/// `lore bench`: builds an index of a generated corpus in memory, writes and reopens it, and times
/// questions through each path, beside the machine's streaming read bandwidth.
public struct Benchmark {
    public var passages: Int
    public var queryCount: Int
    public var seed: UInt64
    public var config: IndexConfig
    /// The question settings timed as "defaults" (the lexical-only and dense figures have their own).
    public var options: QueryOptions

    public init(passages: Int, queries: Int = 1000, seed: UInt64 = 1, config: IndexConfig = IndexConfig(),
                options: QueryOptions = QueryOptions()) {
        self.passages = passages
        queryCount = queries
        self.seed = seed
        self.config = config
        self.options = options
    }

    /// Runs the benchmark; `scratch` is a folder for the index, `export` (optional) receives
    /// the texts, queries and dense vectors for peer tools. Progress goes to `progress`.
    public func run(scratch: String, export: String? = nil, progress: (String) -> Void = { _ in }) throws -> BenchmarkResult {
        var r = BenchmarkResult()
        r.passages = passages
        r.queries = queryCount
        let corpus = SyntheticCorpus(seed: seed)
        progress("generating and embedding \(passages) passages")
        // Built in its own scope, written, and let go: the questions run on the reopened index,
        // as `lore ask` would, and peak memory is the build's, not the build's plus the reopened copy.
        try {
            // Generating the texts is not part of the build (peers are timed from texts in memory too).
            let texts = Self.generate(corpus, passages)
            let start = Self.now()
            let counts = IndexBuilder.embed(texts, config: config)
            let embedded = Self.now()
            let built = try IndexBuilder.assemble(config: config, files: [], passages: texts, counts: counts)
            let end = Self.now()
            r.build_ms = Self.ms(start, end)
            r.derive_ms = Self.ms(embedded, end)
            r.build_passages_per_s = Double(passages) / (r.build_ms / 1000)
            progress(String(format: "built in %.0f ms (embedding %.0f ms, postings, statistics and latent layer %.0f ms); peak RSS %.0f MB",
                            r.build_ms, Self.ms(start, embedded), r.derive_ms, Double(Self.peakRSS()) / 1e6))
            try? FileManager.default.removeItem(atPath: scratch)
            try IndexFile.makeFolder(scratch)
            try IndexFile.write(built, to: scratch)
        }()
        r.peak_rss_bytes = Self.peakRSS()
        r.index_bytes = try Self.folderBytes(scratch)
        let openStart = Self.now()
        let index = try IndexFile.read(from: scratch)
        r.open_ms = Self.ms(openStart, Self.now())
        let (lexical, latent) = (index.lexical, index.latent)
        progress(String(format: "index %.1f MB, reopened in %.0f ms", Double(r.index_bytes) / 1e6, r.open_ms))

        let questions = corpus.queries(count: queryCount)
        // Defaults, one at a time, with the breakdown.
        let searcher = Searcher(index: index, options: options)
        for q in questions.prefix(50) { _ = try searcher.hits(for: q, k: 10) }
        let profile = SearchProfile()
        searcher.profile = profile
        let defaults = try Self.time(questions) { _ = try searcher.hits(for: $0, k: 10) }
        searcher.profile = nil
        (r.p50_ms, r.p95_ms, r.p99_ms) = (defaults.p(0.5), defaults.p(0.95), defaults.p(0.99))
        r.single_qps = 1000 / defaults.mean
        let perQuery = { (ns: UInt64) in Double(ns) / 1e6 / Double(max(profile.queries, 1)) }
        r.breakdown_ms = ["tokenize": perQuery(profile.tokenize), "lexical": perQuery(profile.lexical),
                          "latent": perQuery(profile.latent), "feedback": perQuery(profile.feedback),
                          "proximity": perQuery(profile.proximity), "top_k": perQuery(profile.topK)]
        progress(String(format: "defaults: p50 %.3f ms, p99 %.3f ms", r.p50_ms, r.p99_ms))

        // Rare terms asked alone: every passage holding one must be in its top 10.
        let rare = corpus.rareWords(passages: passages)
        let sampled = stride(from: 0, to: rare.count, by: max(1, rare.count / 1000)).prefix(1000).map { rare[$0] }
        let recalled = try sampled.filter { term in
            let top = Set(try searcher.hits(for: term.word, k: 10).map(\.passage))
            return term.passages.allSatisfy(top.contains)
        }.count
        r.rare_terms = sampled.count
        r.rare_term_recall = sampled.isEmpty ? 0 : Double(recalled) / Double(sampled.count)
        progress(String(format: "rare terms: %d of %d found whole in the top 10 (recall %.3f)", recalled, sampled.count, r.rare_term_recall))

        // Batches of 64.
        let batches = stride(from: 0, to: questions.count, by: 64).map { Array(questions[$0..<min($0 + 64, questions.count)]) }
        let batchStart = Self.now()
        for b in batches { _ = try searcher.hits(for: b, k: 10) }
        r.batch64_qps = Double(questions.count) / (Self.ms(batchStart, Self.now()) / 1000)

        // Lexical layer alone.
        var lexicalOnly = QueryOptions()
        lexicalOnly.feedback.documents = 0
        lexicalOnly.latentWeight = 0
        lexicalOnly.relatedWeight = 0
        lexicalOnly.proximityWeight = 0
        let lexicalSearcher = Searcher(index: index, options: lexicalOnly)
        for q in questions.prefix(50) { _ = try lexicalSearcher.hits(for: q, k: 10) }
        let lexicalTimes = try Self.time(questions) { _ = try lexicalSearcher.hits(for: $0, k: 10) }
        (r.lexical_p50_ms, r.lexical_p99_ms) = (lexicalTimes.p(0.5), lexicalTimes.p(0.99))
        progress(String(format: "lexical: p50 %.3f ms, p99 %.3f ms", r.lexical_p50_ms, r.lexical_p99_ms))

        if let latent {
            let dense = try DenseScan(index)
            let embedder = HashedEmbedder(config: config)
            let vectors = try questions.map { try latent.project(lexical.queryVector(embedder.counts(query: $0))) }
            for v in vectors.prefix(20) { _ = dense.search(v, k: 10) }
            let denseTimes = Self.time(vectors) { _ = dense.search($0, k: 10) }
            let start = Self.now()
            for b in stride(from: 0, to: vectors.count, by: 64) { _ = dense.search(Array(vectors[b..<min(b + 64, vectors.count)]), k: 10) }
            let batchMs = Self.ms(start, Self.now())
            (r.dense_p50_ms, r.dense_p99_ms) = (denseTimes.p(0.5), denseTimes.p(0.99))
            r.dense_dims = latent.rank
            r.dense_single_qps = 1000 / denseTimes.mean
            r.dense_batch64_qps = Double(vectors.count) / (batchMs / 1000)
            r.scan_gbps = Double(dense.vectors.count * 4) / (r.dense_p50_ms / 1000) / 1e9
            progress(String(format: "dense (%d dims): p50 %.3f ms (%.1f GB/s), batch of 64: %.0f q/s against %.0f q/s single",
                            latent.rank, r.dense_p50_ms, r.scan_gbps, r.dense_batch64_qps, r.dense_single_qps))
            if let export {
                try exportForPeers(to: export, corpus: corpus, questions: questions, dense: dense, queryVectors: vectors)
            }
        }
        r.run_peak_rss_bytes = Self.peakRSS()  // before the bandwidth test's 1 GiB buffer
        r.bandwidth_gbps = Self.streamingReadBandwidth()
        progress(String(format: "streaming read %.1f GB/s; peak RSS of the build %.0f MB, of the whole run %.0f MB",
                        r.bandwidth_gbps, Double(r.peak_rss_bytes) / 1e6, Double(r.run_peak_rss_bytes) / 1e6))
        return r
    }

    /// Writes corpus.jsonl and queries.jsonl (BEIR-shaped), and the dense vectors Lore scores:
    /// vectors.f32 (passages × dims) and query_vectors.f32 (queries × dims), little-endian float32,
    /// row-major, with their shapes in vectors.json.
    func exportForPeers(to folder: String, corpus: SyntheticCorpus, questions: [String], dense: DenseScan,
                        queryVectors: [[Float]]) throws {
        try corpus.writeJSONL(passages: passages, queries: questions, to: folder)
        try LoreError.writing(folder) {
            try dense.vectors.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: folder + "/vectors.f32")) }
            try queryVectors.flatMap { $0 }.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: folder + "/query_vectors.f32")) }
        }
        let shape = "{\"passages\": \(passages), \"queries\": \(questions.count), \"dims\": \(dense.rank)}\n"
        try LoreError.writing(folder + "/vectors.json") { try shape.write(toFile: folder + "/vectors.json", atomically: true, encoding: .utf8) }
    }

    /// Passages 0..<count of the generated corpus, made on all cores.
    static func generate(_ corpus: SyntheticCorpus, _ count: Int) -> PassageStore {
        let workers = Parallel.cores
        var parts = concurrentMap(workers) { w in
            var store = PassageStore()
            for i in (w * count / workers)..<((w + 1) * count / workers) {
                let p = corpus.passage(i)
                store.append(Passage(source: String(i), firstLine: 1, lastLine: 1, title: p.title, text: p.text))
            }
            return store
        }
        var all = PassageStore()
        for w in parts.indices {
            all.append(from: parts[w], 0..<parts[w].count)
            parts[w] = PassageStore()  // let each part go as soon as it is copied
        }
        return all
    }

    // MARK: Measuring

    struct Times {
        var sorted: [Double]
        var mean: Double
        func p(_ q: Double) -> Double { sorted[min(sorted.count - 1, Int((Double(sorted.count) * q).rounded(.down)))] }
    }

    static func time<T>(_ inputs: [T], _ body: (T) throws -> Void) rethrows -> Times {
        var times: [Double] = []
        times.reserveCapacity(inputs.count)
        for x in inputs {
            let t = now()
            try body(x)
            times.append(ms(t, now()))
        }
        return Times(sorted: times.sorted(), mean: times.reduce(0, +) / Double(max(times.count, 1)))
    }

    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
    static func ms(_ a: UInt64, _ b: UInt64) -> Double { Double(b - a) / 1e6 }

    /// Median of 5 passes summing 1 GiB of floats with 8-wide SIMD loads on one thread: the rate at
    /// which this machine streams memory that is in no cache.
    public static func streamingReadBandwidth() -> Double {
        let bytes = 1 << 30
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        defer { raw.deallocate() }
        raw.initializeMemory(as: Float.self, repeating: 1, count: bytes / 4)
        var rates: [Double] = []
        for _ in 0..<5 {
            let t = now()
            var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
            var offset = 0
            while offset < bytes {
                a0 += raw.load(fromByteOffset: offset, as: SIMD8<Float>.self)
                a1 += raw.load(fromByteOffset: offset + 32, as: SIMD8<Float>.self)
                a2 += raw.load(fromByteOffset: offset + 64, as: SIMD8<Float>.self)
                a3 += raw.load(fromByteOffset: offset + 96, as: SIMD8<Float>.self)
                offset += 128
            }
            let seconds = ms(t, now()) / 1000
            if (a0 + a1 + a2 + a3).sum() > 0 { rates.append(Double(bytes) / seconds / 1e9) }
        }
        return rates.sorted()[rates.count / 2]
    }

    /// Bytes of the files in `folder`.
    static func folderBytes(_ folder: String) throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: folder).reduce(0) {
            $0 + ((try FileManager.default.attributesOfItem(atPath: folder + "/" + $1)[.size] as? Int) ?? 0)
        }
    }

    /// The process's peak resident set, in bytes.
    public static func peakRSS() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }
}

/// The dense layer alone, as a flat inner-product index: every passage's latent vector (in one
/// row-major matrix) scored with `cblas_sgemv` (one question) or `cblas_sgemm` (a batch), then
/// the exact top k, the passages spread over the cores.
struct DenseScan {
    let vectors: [Float]
    let rank: Int
    var count: Int { vectors.count / rank }

    init(vectors: [Float], rank: Int) {
        self.vectors = vectors
        self.rank = rank
    }

    init(_ index: CorpusIndex) throws {
        var all: [Float] = []
        for s in index.segments { all += UnsafeBufferPointer(start: try s.floatVectors(), count: s.count * s.rank) }
        self.init(vectors: all, rank: index.latent?.rank ?? 1)
    }

    /// One question: the scores of every passage (`RowBlocks`, one `cblas_sgemv` a core), then
    /// the exact top k.
    func search(_ q: [Float], k: Int) -> [Hit] {
        TopK.select(RowBlocks.multiply(vectors, rows: count, columns: rank, vector: q), k: k)
    }

    /// A batch: one `cblas_sgemm` per block of passages, whose scores (queries × block, a few
    /// MB) stay in cache while each query's running top k takes what beats its worst kept hit.
    /// The blocks, as many for each core, are dealt to the cores (block b to worker b mod
    /// workers), each worker keeping its own top k of each query; these are merged at the end,
    /// so the hits are exact.
    func search(_ qs: [[Float]], k: Int) -> [[Hit]] {
        // Blocks of at most `largest` passages, as many for each worker.
        let largest = max(1024, (1 << 19) / max(qs.count, 1))
        let workers = max(1, min(Parallel.cores, count / 1024))
        let blocks = workers * max(1, (count + workers * largest - 1) / (workers * largest))
        let block = (count + blocks - 1) / blocks
        let q = qs.flatMap { $0 }
        let perWorker = vectors.withUnsafeBufferPointer { v in
            let shared = UncheckedSendable(v)
            return concurrentMap(workers) { w -> [TopK.Heap] in
                var heaps = qs.map { _ in TopK.Heap(k: k) }
                var scores = [Float](repeating: 0, count: block * qs.count)
                for start in stride(from: w * block, to: count, by: workers * block) {
                    let rows = min(block, count - start)
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(qs.count), Int32(rows), Int32(rank), 1,
                                q, Int32(rank), shared.value.baseAddress! + start * rank, Int32(rank), 0, &scores, Int32(rows))
                    for b in qs.indices {
                        for i in 0..<rows {
                            let s = scores[b * rows + i]
                            if heaps[b].count < k || s > heaps[b].worst.score { heaps[b].insert(Hit(passage: start + i, score: s)) }
                        }
                    }
                }
                return heaps
            }
        }
        return qs.indices.map { b in
            var heap = TopK.Heap(k: k)
            for heaps in perWorker { for hit in heaps[b].items { heap.insert(hit) } }
            return heap.sorted()
        }
    }
}

/// Figures of `lore bench --refresh` at one corpus size.
public struct RefreshResult: Codable, Sendable {
    public var passages = 0
    public var files = 0
    public var full_build_ms = 0.0
    public var refresh_one_file_ms = 0.0
    public var refresh_one_percent_ms = 0.0
    public var open_to_first_answer_ms = 0.0
}

extension Benchmark {
    /// Writes the generated corpus as Markdown notes (10 passages a note), builds its index from
    /// the files, then times a refresh after editing one note and after editing 1% of the notes,
    /// and opening the index up to the first answer.
    public func runRefresh(scratch: String, progress: (String) -> Void = { _ in }) throws -> RefreshResult {
        var r = RefreshResult()
        r.passages = passages
        let corpus = SyntheticCorpus(seed: seed)
        let notes = scratch + "/notes", indexPath = scratch + "/index"
        let perFile = 10
        progress("writing \(passages) passages as notes")
        let paths = try corpus.writeMarkdown(passages: passages, passagesPerFile: perFile, to: notes)
        r.files = paths.count
        let store = IndexStore(corpus: notes, index: indexPath)
        var t = Self.now()
        _ = try store.update(rebuild: true, overrides: { $0 = config })
        r.full_build_ms = Self.ms(t, Self.now())
        progress(String(format: "full build %.0f ms", r.full_build_ms))

        func edit(_ f: Int, revision: Int) throws {
            var note = "# Note \(f)\n"
            for i in (f * perFile)..<min(passages, (f + 1) * perFile) {
                let p = corpus.editedPassage(i, revision: revision)
                note += "\n## \(p.title)\n\n\(p.text)\n"
            }
            try LoreError.writing(notes + "/" + paths[f]) { try note.write(toFile: notes + "/" + paths[f], atomically: false, encoding: .utf8) }
        }
        try edit(0, revision: 1)
        t = Self.now()
        let (_, one) = try store.update(rebuild: false)
        r.refresh_one_file_ms = Self.ms(t, Self.now())
        progress(String(format: "1 note edited: %@, %.0f ms", one.summary, r.refresh_one_file_ms))

        let step = 100
        for f in stride(from: 1, to: paths.count, by: step) { try edit(f, revision: 2) }
        t = Self.now()
        let (_, many) = try store.update(rebuild: false)
        r.refresh_one_percent_ms = Self.ms(t, Self.now())
        progress(String(format: "1%% of notes edited: %@, %.0f ms", many.summary, r.refresh_one_percent_ms))

        let question = corpus.queries(count: 1)[0]
        t = Self.now()
        let searcher = Searcher(index: try IndexFile.read(from: indexPath))
        _ = try searcher.search(question, k: 10)
        r.open_to_first_answer_ms = Self.ms(t, Self.now())
        progress(String(format: "open to first answer %.0f ms", r.open_to_first_answer_ms))
        return r
    }
}
