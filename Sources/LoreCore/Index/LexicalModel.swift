import Foundation

/// The hashed TF-IDF layer: collection statistics, each passage's normalization, and the weighted
/// passage vectors stored feature-major (an inverted index) for scoring.
///
/// Weights, for a hashed count c of feature f in a passage of length len (sum of |c|):
/// - tf = 1 + ln|c| (sublinear), or with k1 > 0 the BM25 saturation |c|·(k1+1) / (|c| + k1·(1-b+b·len/avglen));
///   the sign of c is kept (signed hashing);
/// - idf = ln((1+N)/(1+df)) + 1, with df the number of passages where f is nonzero;
/// - the vector is divided by its L2 norm, or with pivoted normalization by
///   (1-slope)·mean norm + slope·norm.
/// A query gets tf·idf with sublinear tf and unit L2 norm, so with slope 1 a score is a cosine.
///
/// A hashed row touches a few hundred of 2^16 dimensions: the feature-major layout scores a
/// query in time proportional to the postings of its few features, exactly.
public struct LexicalModel: Sendable {
    public let passages: Int
    public let dimensions: Int
    let weighting: IndexConfig.Weighting
    /// Inverse document frequency of each dimension.
    public let idf: [Float]
    /// What each passage's weights are divided by (its norm, or the pivoted norm).
    public let divisors: [Float]
    let averageLength: Float
    /// Feature-major postings: feature f holds `postingOffsets[f]..<postingOffsets[f+1]`.
    public let postingOffsets: [Int]
    public let postingPassages: [UInt32]
    public let postingWeights: [Float]
    /// Each dimension's largest and smallest posting weight: the bounds that let `topK` skip
    /// passages that cannot enter the top k.
    let maxWeights: [Float]
    let minWeights: [Float]

    init(passages: Int, dimensions: Int, weighting: IndexConfig.Weighting, idf: [Float], divisors: [Float],
         averageLength: Float, postingOffsets: [Int], postingPassages: [UInt32], postingWeights: [Float]) {
        self.passages = passages
        self.dimensions = dimensions
        self.weighting = weighting
        self.idf = idf
        self.divisors = divisors
        self.averageLength = averageLength
        self.postingOffsets = postingOffsets
        self.postingPassages = postingPassages
        self.postingWeights = postingWeights
        (maxWeights, minWeights) = Self.bounds(postingOffsets, postingWeights)
    }

    public init(counts: SparseRows, config: IndexConfig) {
        let n = counts.count
        let d = config.dimensions
        passages = n
        dimensions = d
        weighting = config.weighting
        var df = [Int32](repeating: 0, count: d)
        for f in counts.indices { df[Int(f)] += 1 }
        let logN1 = log(Float(n) + 1)
        idf = df.map { logN1 - log(Float($0) + 1) + 1 }

        var totalLength: Float = 0
        for v in counts.values { totalLength += abs(v) }
        averageLength = n > 0 ? max(totalLength / Float(n), 1e-9) : 1

        // Raw weights and norms, then the divisors.
        var values = counts.values
        var norms = [Float](repeating: 0, count: n)
        for i in 0..<n {
            let r = counts.offsets[i]..<counts.offsets[i + 1]
            let lf = Self.lengthFactor(counts.values[r], weighting, averageLength)
            var sq: Float = 0
            for j in r {
                let v = Self.tfWeight(values[j], weighting.k1, lf) * idf[Int(counts.indices[j])]
                values[j] = v
                sq += v * v
            }
            norms[i] = sq.squareRoot()
        }
        let meanNorm = n > 0 ? norms.reduce(0, +) / Float(n) : 1
        let slope = weighting.pivotSlope
        divisors = norms.map { let x = (1 - slope) * meanNorm + slope * $0; return x > 0 ? x : 1 }

        // Transpose into postings (counting sort by feature; passages stay in order).
        var offsets = [Int](repeating: 0, count: d + 1)
        for f in counts.indices { offsets[Int(f) + 1] += 1 }
        for f in 0..<d { offsets[f + 1] += offsets[f] }
        var cursor = offsets
        var pp = [UInt32](repeating: 0, count: counts.nonzeros)
        var pw = [Float](repeating: 0, count: counts.nonzeros)
        for i in 0..<n {
            let scale = 1 / divisors[i]
            for j in counts.offsets[i]..<counts.offsets[i + 1] {
                let f = Int(counts.indices[j])
                pp[cursor[f]] = UInt32(i)
                pw[cursor[f]] = values[j] * scale
                cursor[f] += 1
            }
        }
        postingOffsets = offsets
        postingPassages = pp
        postingWeights = pw
        (maxWeights, minWeights) = Self.bounds(offsets, pw)
    }

    static func bounds(_ offsets: [Int], _ weights: [Float]) -> ([Float], [Float]) {
        var hi = [Float](repeating: 0, count: offsets.count - 1), lo = hi
        for f in 0..<(offsets.count - 1) where offsets[f] < offsets[f + 1] {
            var a = weights[offsets[f]], b = a
            for j in (offsets[f] + 1)..<offsets[f + 1] {
                a = max(a, weights[j])
                b = min(b, weights[j])
            }
            hi[f] = a
            lo[f] = b
        }
        return (hi, lo)
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

    /// Passage `i`'s weighted vector, as its postings hold it (for feedback and the latent layer).
    public func weightedRow(_ i: Int, counts: SparseRows) -> SparseVector {
        let r = counts.offsets[i]..<counts.offsets[i + 1]
        let lf = Self.lengthFactor(counts.values[r], weighting, averageLength)
        let scale = 1 / divisors[i]
        return SparseVector(indices: Array(counts.indices[r]), values: r.map {
            Self.tfWeight(counts.values[$0], weighting.k1, lf) * idf[Int(counts.indices[$0])] * scale
        })
    }

    /// The weighted vectors of passages `range`.
    public func weightedRows(_ range: Range<Int>, counts: SparseRows) -> SparseRows {
        var out = SparseRows()
        for i in range { out.append(weightedRow(i, counts: counts)) }
        return out
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

    /// Adds `scale` × (each passage's dot product with `query`) into `scores` (length `passages`).
    public func accumulate(_ query: SparseVector, scale: Float = 1, into scores: inout UnsafeMutableBufferPointer<Float>) {
        postingPassages.withUnsafeBufferPointer { pp in
            postingWeights.withUnsafeBufferPointer { pw in
                for (f, q) in zip(query.indices, query.values) {
                    let qs = q * scale
                    for j in postingOffsets[Int(f)]..<postingOffsets[Int(f) + 1] {
                        scores[Int(pp[j])] += qs * pw[j]
                    }
                }
            }
        }
    }

    public func accumulate(_ query: SparseVector, scale: Float = 1, into scores: inout [Float]) {
        scores.withUnsafeMutableBufferPointer { accumulate(query, scale: scale, into: &$0) }
    }

    /// The exact top `k` passages for `query` (scores scaled by `scale`, above 0), found with
    /// MaxScore dynamic pruning: terms are ordered by their largest possible contribution, and once
    /// the k-th best score exceeds what the weakest terms can add together, passages that only
    /// those terms contain are never visited; they are looked up (by galloping search in their
    /// postings) only for passages that the other terms bring up. A passage's score is summed in
    /// the query's term order, exactly as `accumulate` sums it, so both give identical results.
    public func topK(_ query: SparseVector, k: Int, scale: Float = 1) -> [Hit] {
        let terms = query.indices.indices.filter { postingOffsets[Int(query.indices[$0])] < postingOffsets[Int(query.indices[$0]) + 1] }
        guard k > 0, !terms.isEmpty else { return [] }
        // Upper bound of each term's contribution (never below 0), terms sorted by it, ascending.
        func bound(_ t: Int) -> Float {
            let f = Int(query.indices[t]), q = query.values[t] * scale
            return max(0, q >= 0 ? q * maxWeights[f] : q * minWeights[f])
        }
        let order = terms.sorted { bound($0) != bound($1) ? bound($0) < bound($1) : $0 < $1 }
        var prefix = [Float](repeating: 0, count: order.count)
        var running: Float = 0
        for (i, t) in order.enumerated() { running += bound(t); prefix[i] = running * (1 + 1e-5) + 1e-9 }
        let starts = order.map { postingOffsets[Int(query.indices[$0])] }
        let ends = order.map { postingOffsets[Int(query.indices[$0]) + 1] }
        var cursor = starts
        var heap = TopK.Heap(k: k)
        var threshold: Float = 0
        var firstEssential = 0
        var contributions = [Float](repeating: 0, count: query.indices.count)
        var present = [Bool](repeating: false, count: query.indices.count)
        return postingPassages.withUnsafeBufferPointer { pp in
            postingWeights.withUnsafeBufferPointer { pw in
                while true {
                    // The next passage any essential term holds.
                    var doc = UInt32.max
                    for i in firstEssential..<order.count where cursor[i] < ends[i] { doc = min(doc, pp[cursor[i]]) }
                    if doc == UInt32.max { break }
                    var estimate: Float = 0
                    for i in firstEssential..<order.count where cursor[i] < ends[i] && pp[cursor[i]] == doc {
                        let t = order[i]
                        contributions[t] = query.values[t] * scale * pw[cursor[i]]
                        present[t] = true
                        estimate += contributions[t]
                        cursor[i] += 1
                    }
                    var i = firstEssential - 1
                    var pruned = false
                    while i >= 0 {
                        if estimate + prefix[i] <= threshold { pruned = true; break }
                        // Gallop to the first posting ≥ doc.
                        var lo = cursor[i], step = 1
                        while lo + step < ends[i] && pp[lo + step] < doc { lo += step; step *= 2 }
                        var hi = min(lo + step, ends[i])
                        while lo < hi { let mid = (lo + hi) / 2; if pp[mid] < doc { lo = mid + 1 } else { hi = mid } }
                        cursor[i] = lo
                        if lo < ends[i] && pp[lo] == doc {
                            let t = order[i]
                            contributions[t] = query.values[t] * scale * pw[lo]
                            present[t] = true
                            estimate += contributions[t]
                        }
                        i -= 1
                    }
                    // The exact score, summed in query order like `accumulate`.
                    var score: Float = 0
                    for t in terms where present[t] {
                        score += contributions[t]
                        present[t] = false
                    }
                    if !pruned, score > threshold || (heap.count < k && score > 0) {
                        heap.insert(Hit(passage: Int(doc), score: score))
                        if heap.count == k {
                            threshold = max(threshold, heap.worst.score)
                            while firstEssential < order.count && prefix[firstEssential] <= threshold { firstEssential += 1 }
                        }
                    }
                }
                return heap.sorted()
            }
        }
    }
}
