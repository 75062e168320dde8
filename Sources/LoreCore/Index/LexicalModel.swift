import Foundation

/// The lexical layer's collection statistics for Okapi BM25 over hashed terms: document
/// frequencies and idf, each passage's length normalization, and each term's score bounds. It
/// knows nothing of questions: `LexicalScorer` (Search/) scores them with these statistics.
///
/// A passage has two fields (`FieldCount`): its context (its heading path) and its body.
/// Each field's count of a term is divided by that field's length normalization,
/// n = 1 - b + b·len/avglen (len the sum of the field's |counts|, avglen its mean over live
/// passages), and the sum t = body/n_body + w·context/n_context (w the title boost) is saturated
/// once: the passage's weight of the term is sign(t)·|t|·(k1+1) / (|t| + k1). This is BM25F
/// (Robertson, Zaragoza and Taylor, "Simple BM25 extension to multiple weighted fields", 2004;
/// Robertson and Zaragoza, "The Probabilistic Relevance Framework: BM25 and Beyond", 2009):
/// a word of the note's title, which every section of the note holds, counts as much in a long
/// section as in a short one, where BM25 over the concatenation would let a short section that
/// only shares the note's title outrank a long one whose own text holds the word too. The idf
/// is Lucene's ln(1 + (N - df + 0.5)/(df + 0.5)), never negative. A query vector holds each term's count ×
/// idf, and a passage's score is the dot product of the two. Saturation keeps one repeated word
/// from outweighing the rest of a question, and length normalization is a share of the mean
/// (b), so short passages (titles, claims) are neither favoured nor buried.
///
/// Computed as (body + context·R) / (|body + context·R| + K), with each passage's K =
/// k1·n_body and R = w·n_body/n_context: one division a posting, as for plain BM25.
///
/// Postings hold the counts; N, df, avglen and each passage's K are derived from the live
/// postings when the index is built or opened, so a refreshed index scores exactly like a full
/// build. Passages are numbered by slot, segment after segment; a slot whose note was edited or
/// deleted since its segment was written is dead: its K is negative and it never scores.
public struct LexicalModel: @unchecked Sendable {
    let weighting: IndexConfig.Weighting
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
    /// Each slot's BM25 length normalization K = k1·n_body; -1 for a dead slot.
    let lengthNorms: Column<Float>
    /// Each slot's R = w·n_body/n_context: what one count of context weighs in body counts.
    let contextRatios: Column<Float>
    /// Mean body length of the live passages (sum of |body counts|).
    let averageLength: Float
    /// Each term's largest and smallest saturated weight over live postings: the bounds that let
    /// MaxScore skip passages that cannot enter the top k.
    let maxWeights: Column<Float>
    let minWeights: Column<Float>

    /// Slots in all segments, live or dead.
    public var slots: Int { lengthNorms.count }

    init(weighting: IndexConfig.Weighting, live: Int, terms: Column<UInt32>, df: Column<UInt32>,
         lengthNorms: Column<Float>, contextRatios: Column<Float>, averageLength: Float, maxWeights: Column<Float>,
         minWeights: Column<Float>) {
        self.weighting = weighting
        self.live = live
        self.terms = terms
        termIndex = FeatureIndex(terms.buffer)
        self.df = df
        idf = Self.idf(df.buffer, live: live)
        self.lengthNorms = lengthNorms
        self.contextRatios = contextRatios
        self.averageLength = averageLength
        self.maxWeights = maxWeights
        self.minWeights = minWeights
    }

    /// Live passages holding dimension `f` (0 when no segment holds it).
    public func documentFrequency(_ f: UInt32) -> Int {
        termIndex.position(f).map { Int(df[$0]) } ?? 0
    }

    /// BM25's idf of dimension `f` (that of a term no passage holds when no segment holds it).
    @inline(__always) public func idf(of f: UInt32) -> Float {
        if let t = termIndex.position(f) { return idf[t] }
        return Self.idf(df: 0, live: live)
    }

    /// Each term's bounds: (largest, smallest) saturated weight over live postings, or nil when no
    /// segment holds `f`.
    @inline(__always) func bounds(_ f: UInt32) -> (max: Float, min: Float)? {
        termIndex.position(f).map { (maxWeights[$0], minWeights[$0]) }
    }

    /// True when `slot` holds a live passage.
    @inline(__always) func isLive(_ slot: Int) -> Bool { lengthNorms[slot] >= 0 }

    /// Derives the statistics of `segments` from their postings, where `alive[slot]` says which
    /// slots are live: three passes over the postings (checks, document frequencies and lengths, then bounds),
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
        let bases = CorpusIndex.bases(segments)
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
                let (body, context) = FieldCount.split(Int32(segment.counts[k]))
                out.lengths[slot] += abs(body)
                out.contexts[slot] += abs(context)
            }
            out.df[Int(termOf[s][j])] += c
        }, from: (df: [UInt32](repeating: 0, count: d), lengths: [Float](repeating: 0, count: n),
                  contexts: [Float](repeating: 0, count: n)))
        let df = (0..<d).map { f in counted.reduce(0) { $0 + $1.df[f] } }
        var norms = [Float](repeating: -1, count: n), ratios = [Float](repeating: 1, count: n)
        var total: Double = 0, contextTotal: Double = 0
        var lengths = [Float](repeating: 0, count: n), contexts = [Float](repeating: 0, count: n)
        for i in 0..<n where alive[i] {
            for p in 0..<parts {
                lengths[i] += counted[p].lengths[i]
                contexts[i] += counted[p].contexts[i]
            }
            total += Double(lengths[i])
            contextTotal += Double(contexts[i])
        }
        let averageLength = live > 0 ? max(Float(total / Double(live)), 1e-9) : 1
        let averageContext = live > 0 ? max(Float(contextTotal / Double(live)), 1e-9) : 1
        let w = config.weighting
        for i in 0..<n where alive[i] {
            // A field's length normalization n = 1 - b + b·len/avglen.
            func n(_ length: Float, _ average: Float) -> Float { 1 - w.b + w.b * length / average }
            let body = n(lengths[i], averageLength)
            norms[i] = w.k1 * body
            ratios[i] = config.titleBoost * body / n(contexts[i], averageContext)
        }
        // Bounds: each part fills its own dimensions' largest and smallest saturated weight.
        let zeros = [Float](repeating: 0, count: d)
        let boundParts = eachPart({ s, j, bounds in
            let segment = segments[s]
            let f = Int(termOf[s][j])
            var a = bounds.hi[f], b = bounds.lo[f]
            for k in Int(segment.offsets[j])..<Int(segment.offsets[j + 1]) {
                let slot = bases[s] + Int(segment.ids[k])
                let norm = norms[slot]
                guard norm >= 0 else { continue }
                let v = Self.saturate(stored: segment.counts[k], norm, ratios[slot])
                a = max(a, v)
                b = min(b, v)
            }
            bounds.hi[f] = a
            bounds.lo[f] = b
        }, from: (hi: zeros, lo: zeros))
        let hi = (0..<d).map { f in boundParts.reduce(0) { max($0, $1.hi[f]) } }
        let lo = (0..<d).map { f in boundParts.reduce(0) { min($0, $1.lo[f]) } }
        self.init(weighting: config.weighting, live: live, terms: Column(terms), df: Column(df),
                  lengthNorms: Column(norms), contextRatios: Column(ratios), averageLength: averageLength, maxWeights: Column(hi),
                  minWeights: Column(lo))
    }

    /// BM25's idf, ln(1 + (live - df + 0.5)/(df + 0.5)), for each document frequency.
    static func idf<C: Collection>(_ df: C, live: Int) -> [Float] where C.Element == UInt32 {
        df.map { idf(df: $0, live: live) }
    }

    @inline(__always) static func idf(df: UInt32, live: Int) -> Float {
        let n = Float(live), x = Float(df)
        return log(1 + (n - x + 0.5) / (x + 0.5))
    }

    /// BM25's saturation of a signed count c for a passage with length normalization `norm`
    /// (K), without the constant factor k1+1: sign(c)·|c|/(|c| + K).
    @inline(__always) public static func saturate(_ c: Float, _ norm: Float) -> Float {
        c / (abs(c) + norm)
    }

    /// BM25F's saturation of a term's body and context counts for a passage with length
    /// normalization `norm` (K) and context ratio `ratio` (R), without the factor k1+1:
    /// t/(|t| + K) with t = body + R·context.
    @inline(__always) static func saturate(_ fields: (body: Float, context: Float), _ norm: Float, _ ratio: Float) -> Float {
        saturate(fields.body + fields.context * ratio, norm)
    }

    /// The same for a posting's stored count (`FieldCount`).
    @inline(__always) static func saturate(stored c: Int16, _ norm: Float, _ ratio: Float) -> Float {
        saturate(FieldCount.split(Int32(c)), norm, ratio)
    }

    /// The weighted vector of the passage in `slot` with hashed `counts`: each term's BM25 weight
    /// × idf (for the latent layer and feedback).
    func weightedRow(_ counts: SparseVector, slot: Int) -> SparseVector {
        let norm = max(lengthNorms[slot], 0), ratio = contextRatios[slot]
        let k = weighting.k1 + 1
        return SparseVector(indices: counts.indices, values: zip(counts.indices, counts.values).map { f, c in
            Self.saturate(FieldCount.split(c), norm, ratio) * k * idf(of: f)
        })
    }

    /// The query vector for hashed query counts: each term's count × idf.
    public func queryVector(_ counts: SparseVector) -> SparseVector {
        var out = counts
        for j in out.indices.indices { out.values[j] *= idf(of: out.indices[j]) }
        return out
    }
}
