/// Turns text into hashed term counts: each term's MurmurHash3 picks one of 2^bits dimensions
/// (low bits) and, when signed, a sign (bit 31). Weighting happens later, in `LexicalModel`,
/// because idf depends on the whole collection. Not thread-safe: one per thread.
public final class HashedEmbedder {
    public let config: IndexConfig
    private let analyzer = Analyzer()
    private var scratch: [Float]
    private var touched: [UInt32] = []

    public init(config: IndexConfig) {
        self.config = config
        scratch = [Float](repeating: 0, count: config.dimensions)
    }

    /// Dimension and sign of a term.
    @inline(__always) public func feature(_ term: String) -> (index: UInt32, sign: Float) {
        let h = MurmurHash3.x86_32(term, seed: config.hashSeed)
        let index = h & UInt32(config.dimensions - 1)
        return (index, config.signedHash && (h >> 31) == 1 ? -1 : 1)
    }

    /// Hashed counts of a passage; title terms count `titleBoost` times.
    public func counts(title: String, body: String) -> SparseVector {
        add(analyzer.terms(title), weight: config.titleBoost)
        add(analyzer.terms(body), weight: 1)
        return drain()
    }

    /// Hashed counts of a query.
    public func counts(query: String) -> SparseVector {
        add(analyzer.terms(query), weight: 1)
        return drain()
    }

    /// The analyzer, for highlighting with the same terms.
    public var textAnalyzer: Analyzer { analyzer }

    private func add(_ terms: [String], weight: Float) {
        for term in terms {
            let (i, sign) = feature(term)
            if scratch[Int(i)] == 0 { touched.append(i) }
            scratch[Int(i)] += sign * weight
            // A sum that cancels to exactly zero stays in `touched`; drain skips it.
        }
    }

    private func drain() -> SparseVector {
        touched.sort()
        var out = SparseVector()
        out.indices.reserveCapacity(touched.count)
        out.values.reserveCapacity(touched.count)
        var previous: UInt32? = nil
        for i in touched where i != previous {
            previous = i
            let v = scratch[Int(i)]
            scratch[Int(i)] = 0
            if v != 0 {
                out.indices.append(i)
                out.values.append(v)
            }
        }
        touched.removeAll(keepingCapacity: true)
        return out
    }
}
