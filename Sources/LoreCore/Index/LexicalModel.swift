import Foundation

/// The hashed TF-IDF layer: collection statistics over all segments, each passage's
/// normalization, and exact scoring of a query against the segments' postings.
///
/// Weights, for a hashed count c of feature f in a passage of length len (sum of |c|):
/// - tf = 1 + ln|c| (sublinear), or with k1 > 0 the BM25 saturation |c|·(k1+1) / (|c| + k1·(1-b+b·len/avglen));
///   the sign of c is kept (signed hashing). Postings store tf;
/// - idf = ln((1+N)/(1+df)) + 1, with N the live passages and df those where f is nonzero;
/// - the vector is divided by its L2 norm, or with pivoted normalization by
///   (1-slope)·mean norm + slope·norm.
/// A query gets tf·idf with sublinear tf and unit L2 norm, so with slope 1 a score is a cosine.
///
/// Passages are numbered by slot: segment after segment. A slot whose note was edited or
/// deleted since its segment was written is dead: its inverse divisor is 0 and it never scores.
/// idf and divisors are derived from the postings of live slots, so a refreshed index scores
/// exactly like a full build of the same notes.
public struct LexicalModel: @unchecked Sendable {
    public let dimensions: Int
    let weighting: IndexConfig.Weighting
    let segments: [Segment]
    /// First slot of each segment, and the total after the last.
    let bases: [Int]
    /// Live passages.
    public let live: Int
    /// Passages holding each dimension (live slots only).
    let df: Column<UInt32>
    /// Inverse document frequency of each dimension.
    public let idf: [Float]
    /// 1 / divisor of each slot (its norm, or the pivoted norm); 0 for a dead slot.
    let inverseDivisors: Column<Float>
    let averageLength: Float
    /// Each dimension's largest and smallest tf × inverse divisor over live postings: the bounds
    /// that let `topK` skip passages that cannot enter the top k.
    let maxWeights: Column<Float>
    let minWeights: Column<Float>

    /// Slots in all segments, live or dead.
    public var slots: Int { bases.last ?? 0 }

    init(dimensions: Int, weighting: IndexConfig.Weighting, segments: [Segment], live: Int, df: Column<UInt32>,
         inverseDivisors: Column<Float>, averageLength: Float, maxWeights: Column<Float>, minWeights: Column<Float>) {
        self.dimensions = dimensions
        self.weighting = weighting
        self.segments = segments
        bases = Self.bases(segments)
        self.live = live
        self.df = df
        idf = Self.idf(df.buffer, live: live)
        self.inverseDivisors = inverseDivisors
        self.averageLength = averageLength
        self.maxWeights = maxWeights
        self.minWeights = minWeights
    }

    /// Derives the statistics of `segments`, where `alive[slot]` says which slots are live:
    /// three passes over the postings (document frequencies, norms, bounds), each split into
    /// `parts` fixed ranges of dimensions that run in parallel. The split does not depend on the
    /// machine, so every build of the same notes rounds the same way.
    init(segments: [Segment], alive: [Bool], config: IndexConfig, averageLength: Float) throws {
        let d = config.dimensions
        let n = alive.count
        let bases = Self.bases(segments)
        precondition(bases.last == n)
        let live = alive.reduce(0) { $0 + ($1 ? 1 : 0) }
        let parts = 4
        // Postings of dimensions [p·d/parts, (p+1)·d/parts) of each segment.
        let ranges = (0..<parts).map { p in
            segments.map { s in s.firstDimension(atLeast: UInt32(p * d / parts))..<s.firstDimension(atLeast: UInt32((p + 1) * d / parts)) }
        }
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
        // Document frequencies over live passages (each part fills its own dimensions).
        let allAlive = segments.indices.map { !alive[bases[$0]..<bases[$0 + 1]].contains(false) }
        let dfParts = eachPart({ s, j, df in
            let segment = segments[s]
            let r = Int(segment.offsets[j])..<Int(segment.offsets[j + 1])
            var c = UInt32(r.count)
            if !allAlive[s] { c = 0; for k in r where alive[bases[s] + Int(segment.ids[k])] { c += 1 } }
            df[Int(segment.dims[j])] += c
        }, from: [UInt32](repeating: 0, count: d))
        let df = (0..<d).map { f in dfParts.reduce(0) { $0 + $1[f] } }
        let idf = Self.idf(df, live: live)
        // Squared norms: each part sums its dimensions in increasing order into its own array,
        // then the parts are added in order.
        let partials = eachPart({ s, j, squares in
            let segment = segments[s]
            let w = idf[Int(segment.dims[j])]
            for k in Int(segment.offsets[j])..<Int(segment.offsets[j + 1]) {
                let v = segment.weights[k] * w
                squares[bases[s] + Int(segment.ids[k])] += v * v
            }
        }, from: [Float](repeating: 0, count: n))
        var norms = [Float](repeating: 0, count: n)
        var normSum: Float = 0
        for i in 0..<n where alive[i] {
            var sq: Float = 0
            for p in 0..<parts { sq += partials[p][i] }
            norms[i] = sq.squareRoot()
            normSum += norms[i]
        }
        let meanNorm = live > 0 ? normSum / Float(live) : 1
        let slope = config.weighting.pivotSlope
        var inverse = [Float](repeating: 0, count: n)
        for i in 0..<n where alive[i] {
            let x = (1 - slope) * meanNorm + slope * norms[i]
            inverse[i] = 1 / (x > 0 ? x : 1)
        }
        // Bounds: each part fills its own dimensions' largest and smallest tf × inverse divisor.
        let zeros = [Float](repeating: 0, count: d)
        let boundParts = eachPart({ s, j, bounds in
            let segment = segments[s]
            let f = Int(segment.dims[j])
            var a = bounds.hi[f], b = bounds.lo[f]
            for k in Int(segment.offsets[j])..<Int(segment.offsets[j + 1]) {
                let v = segment.weights[k] * inverse[bases[s] + Int(segment.ids[k])]
                a = max(a, v)
                b = min(b, v)
            }
            bounds.hi[f] = a
            bounds.lo[f] = b
        }, from: (hi: zeros, lo: zeros))
        let hi = (0..<d).map { f in boundParts.reduce(0) { max($0, $1.hi[f]) } }
        let lo = (0..<d).map { f in boundParts.reduce(0) { min($0, $1.lo[f]) } }
        self.init(dimensions: d, weighting: config.weighting, segments: segments, live: live, df: Column(df),
                  inverseDivisors: Column(inverse), averageLength: averageLength, maxWeights: Column(hi),
                  minWeights: Column(lo))
    }

    /// First slot of each segment, and the total after the last.
    static func bases(_ segments: [Segment]) -> [Int] {
        var bases = [0]
        for s in segments { bases.append(bases.last! + s.count) }
        return bases
    }

    /// ln((1+live)/(1+df)) + 1 for each dimension.
    static func idf<C: Collection>(_ df: C, live: Int) -> [Float] where C.Element == UInt32 {
        let logN1 = log(Float(live) + 1)
        return df.map { logN1 - log(Float($0) + 1) + 1 }
    }

    /// The same statistics over `segments` (the same slots, with latent vectors added).
    func replacing(segments: [Segment]) -> LexicalModel {
        LexicalModel(dimensions: dimensions, weighting: weighting, segments: segments, live: live, df: df,
                     inverseDivisors: inverseDivisors, averageLength: averageLength, maxWeights: maxWeights,
                     minWeights: minWeights)
    }

    @inline(__always) static func lengthFactor(_ row: ArraySlice<Float>, _ w: IndexConfig.Weighting, _ avg: Float) -> Float {
        guard w.k1 > 0 else { return 0 }
        var len: Float = 0
        for v in row { len += abs(v) }
        return w.k1 * (1 - w.b + w.b * len / avg)
    }

    /// The signed tf weight of a hashed count (sublinear, or BM25-saturated when k1 > 0).
    @inline(__always) static func tfWeight(_ c: Float, _ k1: Float, _ lengthFactor: Float) -> Float {
        let a = abs(c)
        let tf = k1 > 0 ? a * (k1 + 1) / (a + lengthFactor) : 1 + log(a)
        return c < 0 ? -tf : tf
    }

    /// The mean passage length (sum of |counts|) of `counts`.
    static func averageLength(_ counts: SparseRows) -> Float {
        var total: Float = 0
        for v in counts.values { total += abs(v) }
        return counts.count > 0 ? max(total / Float(counts.count), 1e-9) : 1
    }

    /// The weighted vector, as scoring sees it, of the passage in `slot` with hashed `counts`.
    func weightedRow(_ counts: SparseVector, slot: Int) -> SparseVector {
        let lf = Self.lengthFactor(counts.values[...], weighting, averageLength)
        let scale = inverseDivisors[slot]
        return SparseVector(indices: counts.indices, values: zip(counts.indices, counts.values).map { f, c in
            Self.tfWeight(c, weighting.k1, lf) * idf[Int(f)] * scale
        })
    }

    /// The weighted, unit-length query vector for hashed query counts.
    public func queryVector(_ counts: SparseVector) -> SparseVector {
        var out = counts
        var sq: Float = 0
        for j in out.indices.indices {
            let v = Self.tfWeight(out.values[j], 0, 0) * idf[Int(out.indices[j])]
            out.values[j] = v
            sq += v * v
        }
        if sq > 0 {
            let s = 1 / sq.squareRoot()
            for j in out.values.indices { out.values[j] *= s }
        }
        return out
    }

    /// Sets `scores` (one per slot) to `scale` × each passage's score for `query`; dead slots get
    /// -infinity so that no later layer can bring them back.
    public func score(_ query: SparseVector, scale: Float = 1, into scores: UnsafeMutableBufferPointer<Float>) throws {
        for i in scores.indices { scores[i] = 0 }
        for (s, segment) in segments.enumerated() {
            let out = scores.baseAddress! + bases[s]
            let ids = segment.ids.buffer.baseAddress!, weights = segment.weights.buffer.baseAddress!
            for (f, q) in zip(query.indices, query.values) {
                // The passage side's idf joins the query weight: postings hold tf only.
                let qw = q * idf[Int(f)]
                for k in try segment.postings(f) { out[Int(ids[k])] += qw * weights[k] }
            }
        }
        for i in scores.indices {
            let inv = inverseDivisors[i]
            scores[i] = inv > 0 ? scores[i] * inv * scale : -.infinity
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
    /// summed in the query's term order and then divided, exactly as `score` computes it.
    public func topK(_ query: SparseVector, k: Int) throws -> [Hit] {
        guard k > 0, !query.isEmpty else { return [] }
        let terms = Array(query.indices.indices)
        // Each term's weight with the passage side's idf (postings hold tf only).
        let qw = terms.map { query.values[$0] * idf[Int(query.indices[$0])] }
        // Upper bound of each term's contribution (never below 0), terms sorted by it, ascending.
        func bound(_ t: Int) -> Float {
            let f = Int(query.indices[t]), q = qw[t]
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
            let inverse = inverseDivisors.buffer.baseAddress! + base
            while true {
                // The next passage any essential term holds.
                var doc = UInt32.max
                for i in firstEssential..<m where cursor[i] < ends[i] { doc = min(doc, pp[cursor[i]]) }
                if doc == UInt32.max { break }
                let inv = inverse[Int(doc)]
                var estimate: Float = 0
                var count = 0
                for i in firstEssential..<m where cursor[i] < ends[i] && pp[cursor[i]] == doc {
                    let c = weight[i] * pw[cursor[i]]
                    raw[i] = c
                    held[count] = i
                    count += 1
                    estimate += c
                    cursor[i] += 1
                }
                var i = firstEssential - 1
                var pruned = inv == 0
                while i >= 0 && !pruned {
                    if estimate * inv + prefix[i] <= threshold { pruned = true; break }
                    // Gallop to the first posting ≥ doc.
                    var lo = cursor[i], step = 1
                    let end = ends[i]
                    while lo + step < end && pp[lo + step] < doc { lo += step; step *= 2 }
                    var hi = min(lo + step, end)
                    while lo < hi { let mid = (lo + hi) / 2; if pp[mid] < doc { lo = mid + 1 } else { hi = mid } }
                    cursor[i] = lo
                    if lo < end && pp[lo] == doc {
                        let c = weight[i] * pw[lo]
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
                let score = sum * inv
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
