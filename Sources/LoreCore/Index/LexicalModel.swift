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
}
