import Foundation

/// The hashed TF-IDF layer: collection statistics, each passage's weighted vector, and the same
/// vectors stored feature-major (an inverted index) for scoring.
///
/// Weights, for a hashed count c of feature f in a passage of length len (sum of |c|):
/// - tf = 1 + ln|c| (sublinear), or with k1 > 0 the BM25 saturation |c|·(k1+1) / (|c| + k1·(1-b+b·len/avglen));
///   the sign of c is kept (signed hashing);
/// - idf = ln((1+N)/(1+df)) + 1, with df the number of passages where f is nonzero;
/// - the vector is divided by its L2 norm, or with pivoted normalization by
///   (1-slope)·mean norm + slope·norm.
/// A query gets tf·idf with sublinear tf and unit L2 norm, so a score is a cosine.
///
/// A hashed row touches a few hundred of 2^16 dimensions: the feature-major layout scores a
/// query in time proportional to the postings of its few features, exactly.
public struct LexicalModel: Sendable {
    public let passages: Int
    public let dimensions: Int
    /// Inverse document frequency of each dimension.
    public let idf: [Float]
    /// Weighted passage vectors, row by row (used by feedback and the latent layer).
    public let rows: SparseRows
    /// Feature-major postings: feature f holds `postingOffsets[f]..<postingOffsets[f+1]`.
    public let postingOffsets: [Int]
    public let postingPassages: [UInt32]
    public let postingWeights: [Float]

    public init(counts: SparseRows, config: IndexConfig) {
        let n = counts.count
        let d = config.dimensions
        passages = n
        dimensions = d
        var df = [Int32](repeating: 0, count: d)
        for f in counts.indices { df[Int(f)] += 1 }
        let logN1 = log(Float(n) + 1)
        idf = df.map { logN1 - log(Float($0) + 1) + 1 }

        let w = config.weighting
        var lengths = [Float](repeating: 0, count: n)
        for i in 0..<n {
            var len: Float = 0
            for j in counts.offsets[i]..<counts.offsets[i + 1] { len += abs(counts.values[j]) }
            lengths[i] = len
        }
        let avgLength = n > 0 ? max(lengths.reduce(0, +) / Float(n), 1e-9) : 1
        var values = counts.values
        var norms = [Float](repeating: 0, count: n)
        for i in 0..<n {
            var sq: Float = 0
            let lengthFactor = w.k1 * (1 - w.b + w.b * lengths[i] / avgLength)
            for j in counts.offsets[i]..<counts.offsets[i + 1] {
                let c = values[j], a = abs(c)
                let tf = w.k1 > 0 ? a * (w.k1 + 1) / (a + lengthFactor) : 1 + log(a)
                let v = (c < 0 ? -tf : tf) * idf[Int(counts.indices[j])]
                values[j] = v
                sq += v * v
            }
            norms[i] = sq.squareRoot()
        }
        let meanNorm = n > 0 ? norms.reduce(0, +) / Float(n) : 1
        for i in 0..<n {
            let divisor = (1 - w.pivotSlope) * meanNorm + w.pivotSlope * norms[i]
            guard divisor > 0 else { continue }
            let scale = 1 / divisor
            for j in counts.offsets[i]..<counts.offsets[i + 1] { values[j] *= scale }
        }
        rows = SparseRows(offsets: counts.offsets, indices: counts.indices, values: values)

        // Transpose into postings (counting sort by feature; passages stay in order).
        var offsets = [Int](repeating: 0, count: d + 1)
        for f in counts.indices { offsets[Int(f) + 1] += 1 }
        for f in 0..<d { offsets[f + 1] += offsets[f] }
        var cursor = offsets
        var pp = [UInt32](repeating: 0, count: counts.nonzeros)
        var pw = [Float](repeating: 0, count: counts.nonzeros)
        for i in 0..<n {
            for j in counts.offsets[i]..<counts.offsets[i + 1] {
                let f = Int(counts.indices[j])
                pp[cursor[f]] = UInt32(i)
                pw[cursor[f]] = values[j]
                cursor[f] += 1
            }
        }
        postingOffsets = offsets
        postingPassages = pp
        postingWeights = pw
    }

    /// The weighted, unit-length query vector for hashed query counts.
    public func queryVector(_ counts: SparseVector) -> SparseVector {
        var out = counts
        var sq: Float = 0
        for j in out.indices.indices {
            let c = out.values[j], a = abs(c)
            let v = (c < 0 ? -1 : 1) * (1 + log(a)) * idf[Int(out.indices[j])]
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
