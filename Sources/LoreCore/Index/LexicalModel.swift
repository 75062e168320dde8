import Foundation

/// The lexical layer, Okapi BM25 over hashed terms: collection statistics over all segments,
/// each passage's length normalization, and exact scoring of a query against the postings.
///
/// For a hashed count c of feature f in a passage of length len (sum of |c|), the passage's
/// weight of f is sign(c) · |c|·(k1+1) / (|c| + K), with K = k1·(1 - b + b·len/avglen)
/// (Robertson and Zaragoza, "The Probabilistic Relevance Framework: BM25 and Beyond", 2009),
/// and the idf is Lucene's ln(1 + (N - df + 0.5)/(df + 0.5)), never negative. A query vector
/// holds each term's count × idf, and a passage's score is the dot product of the two. Saturation
/// keeps one repeated word from outweighing the rest of a question, and length normalization is
/// a share of the mean (b), so short passages (titles, claims) are neither favoured nor buried.
///
/// Postings hold the counts; N, df, avglen and each passage's K are derived from the live
/// postings when the index is built or opened, so a refreshed index scores exactly like a full
/// build. Passages are numbered by slot, segment after segment; a slot whose note was edited or
/// deleted since its segment was written is dead: its K is negative and it never scores.
public struct LexicalModel: @unchecked Sendable {
    let weighting: IndexConfig.Weighting
    let segments: [Segment]
    /// First slot of each segment, and the total after the last.
    let bases: [Int]
    /// Live passages.
    public let live: Int
    /// The hashed dimensions that any segment holds, increasing: the statistics below are one
    /// value per term, in this order.
    let terms: Column<UInt32>
    /// Where each of `terms` is.
    let termIndex: FeatureIndex
    /// Live passages holding each term.
    let df: Column<UInt32>
    /// BM25's idf of each term.
    let idf: [Float]
    /// Each slot's BM25 length normalization K; -1 for a dead slot.
    let lengthNorms: Column<Float>
    /// Mean length of the live passages (sum of |counts|).
    let averageLength: Float
    /// Each term's largest and smallest saturated weight over live postings: the bounds
    /// that let `topK` skip passages that cannot enter the top k.
    let maxWeights: Column<Float>
    let minWeights: Column<Float>

    /// Slots in all segments, live or dead.
    public var slots: Int { bases.last ?? 0 }

    init(weighting: IndexConfig.Weighting, segments: [Segment], live: Int, terms: Column<UInt32>, df: Column<UInt32>,
         lengthNorms: Column<Float>, averageLength: Float, maxWeights: Column<Float>, minWeights: Column<Float>) {
        self.weighting = weighting
        self.segments = segments
        bases = Self.bases(segments)
        self.live = live
        self.terms = terms
        termIndex = FeatureIndex(terms.buffer)
        self.df = df
        idf = Self.idf(df.buffer, live: live)
        self.lengthNorms = lengthNorms
        self.averageLength = averageLength
        self.maxWeights = maxWeights
        self.minWeights = minWeights
    }

    /// Live passages holding dimension `f` (0 when no segment holds it).
    public func documentFrequency(_ f: UInt32) -> Int {
        termIndex.position(f).map { Int(df[$0]) } ?? 0
    }

    /// BM25's idf of dimension `f` (that of a term no passage holds when no segment holds it).
    @inline(__always) func idf(of f: UInt32) -> Float {
        if let t = termIndex.position(f) { return idf[t] }
        return Self.idf([UInt32(0)], live: live)[0]
    }

    /// True when `slot` holds a live passage.
    @inline(__always) func isLive(_ slot: Int) -> Bool { lengthNorms[slot] >= 0 }

    /// Derives the statistics of `segments`, where `alive[slot]` says which slots are live:
    /// three passes over the postings (checks, document frequencies and lengths, then bounds),
    /// each split into `parts` fixed ranges of terms that run in parallel. The split does not
    /// depend on the machine, so every build of the same notes rounds the same way.
    init(segments: [Segment], alive: [Bool], config: IndexConfig) throws {
        var all: [UInt32] = []
        for s in segments { all += s.dims.buffer }
        all.sort()
        var termList: [UInt32] = []
        termList.reserveCapacity(all.count)
        for f in all where termList.last != f { termList.append(f) }
        let terms = termList
        let termIndex = FeatureIndex(terms)
        let d = terms.count
        // The term of each dimension of each segment.
        let termOf = segments.map { s in s.dims.buffer.map { Int32(termIndex.position($0)!) } }
        let n = alive.count
        let bases = Self.bases(segments)
        precondition(bases.last == n)
        let live = alive.reduce(0) { $0 + ($1 ? 1 : 0) }
        let parts = 4
        // Postings of terms [p·d/parts, (p+1)·d/parts) of each segment.
        func start(_ s: Segment, _ t: Int) -> Int { t < d ? s.firstDimension(atLeast: terms[t]) : s.dims.count }
        let ranges = (0..<parts).map { p in segments.map { s in start(s, p * d / parts)..<start(s, (p + 1) * d / parts) } }
        // Each part, in parallel, folds `body(segment index, j, &result)` over its dimensions'
        // postings into its own result.
        func eachPart<T>(_ body: (Int, Int, inout T) -> Void, from start: T) -> [T] {
            concurrentMap(parts, workers: parts, state: { _ in () }) { p, _ in
                var out = start
                for s in segments.indices { for j in ranges[p][s] { body(s, j, &out) } }
                return out
            }
        }
        // Every posting list is checked once (in parallel; a failure is thrown in order below).
        let failed = eachPart({ s, j, failed in
            if (try? segments[s].postings(segments[s].dims[j])) == nil { failed = true }
        }, from: false)
        if failed.contains(true) { for s in segments { for j in 0..<s.dims.count { _ = try s.postings(s.dims[j]) } } }
        // Document frequencies over live passages (each part fills its own dimensions) and each
        // part's share of every passage's length.
        let counted = eachPart({ s, j, out in
            let segment = segments[s]
            var c: UInt32 = 0
            for k in Int(segment.offsets[j])..<Int(segment.offsets[j + 1]) {
                let slot = bases[s] + Int(segment.ids[k])
                guard alive[slot] else { continue }
                c += 1
                out.lengths[slot] += abs(segment.weights[k])
            }
            out.df[Int(termOf[s][j])] += c
        }, from: (df: [UInt32](repeating: 0, count: d), lengths: [Float](repeating: 0, count: n)))
        let df = (0..<d).map { f in counted.reduce(0) { $0 + $1.df[f] } }
        var norms = [Float](repeating: -1, count: n)
        var total: Double = 0
        var lengths = [Float](repeating: 0, count: n)
        for i in 0..<n where alive[i] {
            for p in 0..<parts { lengths[i] += counted[p].lengths[i] }
            total += Double(lengths[i])
        }
        let averageLength = live > 0 ? max(Float(total / Double(live)), 1e-9) : 1
        let w = config.weighting
        for i in 0..<n where alive[i] { norms[i] = w.k1 * (1 - w.b + w.b * lengths[i] / averageLength) }
        // Bounds: each part fills its own dimensions' largest and smallest saturated weight.
        let zeros = [Float](repeating: 0, count: d)
        let boundParts = eachPart({ s, j, bounds in
            let segment = segments[s]
            let f = Int(termOf[s][j])
            var a = bounds.hi[f], b = bounds.lo[f]
            for k in Int(segment.offsets[j])..<Int(segment.offsets[j + 1]) {
                let norm = norms[bases[s] + Int(segment.ids[k])]
                guard norm >= 0 else { continue }
                let v = Self.saturate(segment.weights[k], norm)
                a = max(a, v)
                b = min(b, v)
            }
            bounds.hi[f] = a
            bounds.lo[f] = b
        }, from: (hi: zeros, lo: zeros))
        let hi = (0..<d).map { f in boundParts.reduce(0) { max($0, $1.hi[f]) } }
        let lo = (0..<d).map { f in boundParts.reduce(0) { min($0, $1.lo[f]) } }
        self.init(weighting: config.weighting, segments: segments, live: live, terms: Column(terms), df: Column(df),
                  lengthNorms: Column(norms), averageLength: averageLength, maxWeights: Column(hi),
                  minWeights: Column(lo))
    }

    /// First slot of each segment, and the total after the last.
    static func bases(_ segments: [Segment]) -> [Int] {
        var bases = [0]
        for s in segments { bases.append(bases.last! + s.count) }
        return bases
    }

    /// BM25's idf, ln(1 + (live - df + 0.5)/(df + 0.5)), for each document frequency.
    static func idf<C: Collection>(_ df: C, live: Int) -> [Float] where C.Element == UInt32 {
        let n = Float(live)
        return df.map { let x = Float($0); return log(1 + (n - x + 0.5) / (x + 0.5)) }
    }

    /// The same statistics over `segments` (the same slots, with latent vectors added).
    func replacing(segments: [Segment]) -> LexicalModel {
        LexicalModel(weighting: weighting, segments: segments, live: live, terms: terms, df: df,
                     lengthNorms: lengthNorms, averageLength: averageLength, maxWeights: maxWeights,
                     minWeights: minWeights)
    }

    /// BM25's saturation of a signed count c for a passage with length normalization `norm`
    /// (K), without the constant factor k1+1: sign(c)·|c|/(|c| + K).
    @inline(__always) static func saturate(_ c: Float, _ norm: Float) -> Float {
        c / (abs(c) + norm)
    }

    /// The weighted vector of the passage in `slot` with hashed `counts`: each term's BM25 weight
    /// × idf (for the latent layer and feedback).
    func weightedRow(_ counts: SparseVector, slot: Int) -> SparseVector {
        let norm = max(lengthNorms[slot], 0)
        let k = weighting.k1 + 1
        return SparseVector(indices: counts.indices, values: zip(counts.indices, counts.values).map { f, c in
            Self.saturate(c, norm) * k * idf(of: f)
        })
    }

    /// The query vector for hashed query counts: each term's count × idf.
    public func queryVector(_ counts: SparseVector) -> SparseVector {
        var out = counts
        for j in out.indices.indices { out.values[j] *= idf(of: out.indices[j]) }
        return out
    }

    /// Sets `scores` (one per slot) to `scale` × each passage's BM25 score for `query`; dead slots
    /// get -infinity so that no later layer can bring them back.
    public func score(_ query: SparseVector, scale: Float = 1, into scores: UnsafeMutableBufferPointer<Float>) throws {
        for i in scores.indices { scores[i] = 0 }
        let k = weighting.k1 + 1
        let norms = lengthNorms.buffer.baseAddress!
        for (s, segment) in segments.enumerated() {
            let out = scores.baseAddress! + bases[s], norm = norms + bases[s]
            let ids = segment.ids.buffer.baseAddress!, weights = segment.weights.buffer.baseAddress!
            for (f, q) in zip(query.indices, query.values) {
                let qw = q * k
                for p in try segment.postings(f) {
                    let i = Int(ids[p])
                    out[i] += qw * Self.saturate(weights[p], norm[i])
                }
            }
        }
        for i in scores.indices {
            scores[i] = norms[i] >= 0 ? scores[i] * scale : -.infinity
        }
    }

    public func score(_ query: SparseVector, scale: Float = 1, into scores: inout [Float]) throws {
        try scores.withUnsafeMutableBufferPointer { try score(query, scale: scale, into: $0) }
    }

    /// The exact top `k` live passages for `query` (scores above 0), found with MaxScore dynamic
    /// pruning, segment after segment: terms are ordered by their largest possible contribution,
    /// and once the k-th best score exceeds what the weakest terms can add together, passages
    /// that only those terms contain are never visited; they are looked up (by galloping search
    /// in their postings) only for passages that the other terms bring up. A passage's score is
    /// summed in the query's term order, exactly as `score` computes it.
    public func topK(_ query: SparseVector, k: Int) throws -> [Hit] {
        guard k > 0, !query.isEmpty else { return [] }
        let terms = Array(query.indices.indices)
        // Each term's weight with BM25's constant factor (postings hold counts only).
        let qw = terms.map { query.values[$0] * (weighting.k1 + 1) }
        // Upper bound of each term's contribution (never below 0), terms sorted by it, ascending.
        func bound(_ t: Int) -> Float {
            guard let f = termIndex.position(query.indices[t]) else { return 0 }
            let q = qw[t]
            return max(0, q >= 0 ? q * maxWeights[f] : q * minWeights[f])
        }
        let order = terms.sorted { bound($0) != bound($1) ? bound($0) < bound($1) : $0 < $1 }
        var prefix = [Float](repeating: 0, count: order.count)
        var running: Float = 0
        for (i, t) in order.enumerated() { running += bound(t); prefix[i] = running * (1 + 1e-5) + 1e-9 }
        var heap = TopK.Heap(k: k)
        var threshold: Float = 0
        // Per position in `order`: weight, query term, cursor, end, contribution; and the
        // positions whose terms the current passage holds.
        let m = order.count
        let weight = UnsafeMutablePointer<Float>.allocate(capacity: m), raw = UnsafeMutablePointer<Float>.allocate(capacity: m)
        let term = UnsafeMutablePointer<Int>.allocate(capacity: m), held = UnsafeMutablePointer<Int>.allocate(capacity: m)
        let cursor = UnsafeMutablePointer<Int>.allocate(capacity: m), ends = UnsafeMutablePointer<Int>.allocate(capacity: m)
        defer { for p in [weight, raw] as [UnsafeMutablePointer<Float>] { p.deallocate() }
                for p in [term, held, cursor, ends] as [UnsafeMutablePointer<Int>] { p.deallocate() } }
        for (i, t) in order.enumerated() { weight[i] = qw[t]; term[i] = t; raw[i] = 0 }
        for (s, segment) in segments.enumerated() {
            let base = bases[s]
            for (i, t) in order.enumerated() {
                let r = try segment.postings(query.indices[t])
                cursor[i] = r.lowerBound
                ends[i] = r.upperBound
            }
            var firstEssential = 0
            while firstEssential < m && prefix[firstEssential] <= threshold && heap.count == k { firstEssential += 1 }
            let pp = segment.ids.buffer.baseAddress!, pw = segment.weights.buffer.baseAddress!
            let norm = lengthNorms.buffer.baseAddress! + base
            while true {
                // The next passage any essential term holds.
                var doc = UInt32.max
                for i in firstEssential..<m where cursor[i] < ends[i] { doc = min(doc, pp[cursor[i]]) }
                if doc == UInt32.max { break }
                let kd = norm[Int(doc)]
                var estimate: Float = 0
                var count = 0
                for i in firstEssential..<m where cursor[i] < ends[i] && pp[cursor[i]] == doc {
                    let c = weight[i] * Self.saturate(pw[cursor[i]], kd)
                    raw[i] = c
                    held[count] = i
                    count += 1
                    estimate += c
                    cursor[i] += 1
                }
                var i = firstEssential - 1
                var pruned = kd < 0
                while i >= 0 && !pruned {
                    if estimate + prefix[i] <= threshold { pruned = true; break }
                    // Gallop to the first posting ≥ doc.
                    var lo = cursor[i], step = 1
                    let end = ends[i]
                    while lo + step < end && pp[lo + step] < doc { lo += step; step *= 2 }
                    var hi = min(lo + step, end)
                    while lo < hi { let mid = (lo + hi) / 2; if pp[mid] < doc { lo = mid + 1 } else { hi = mid } }
                    cursor[i] = lo
                    if lo < end && pp[lo] == doc {
                        let c = weight[i] * Self.saturate(pw[lo], kd)
                        raw[i] = c
                        held[count] = i
                        count += 1
                        estimate += c
                    }
                    i -= 1
                }
                guard !pruned else { continue }
                // The exact score, summed in query order like `score`: the held positions sorted
                // by query term (few: insertion sort).
                if count > 1 {
                    for a in 1..<count {
                        let x = held[a]
                        var b = a - 1
                        while b >= 0 && term[held[b]] > term[x] { held[b + 1] = held[b]; b -= 1 }
                        held[b + 1] = x
                    }
                }
                var sum: Float = 0
                for a in 0..<count { sum += raw[held[a]] }
                let score = sum
                if score > threshold || (heap.count < k && score > 0) {
                    heap.insert(Hit(passage: base + Int(doc), score: score))
                    if heap.count == k {
                        threshold = max(threshold, heap.worst.score)
                        while firstEssential < m && prefix[firstEssential] <= threshold { firstEssential += 1 }
                    }
                }
            }
        }
        return heap.sorted()
    }
}
