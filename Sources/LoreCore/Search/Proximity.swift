/// Term proximity, after Metzler and Croft's sequential dependence model ("A Markov random field
/// model for term dependencies", SIGIR 2005): a passage where two neighbouring words of the
/// question stand together ("boundary layer", "heat transfer") or near each other matches the
/// question more closely than one where they are far apart. For each pair of neighbouring
/// question terms (stop words between them skipped), a passage counts the times they appear in
/// order within `orderedSpan` tokens and in any order within `window` tokens; each count is
/// saturated and weighted as a BM25 term would be (the pair's idf is the mean of its two
/// terms'), and the two weigh 0.1 and 0.05 against the single words' 0.85, the weights that
/// model found to hold across collections.
struct Proximity {
    /// The pairs' dimensions, each once: a few, looked up by a scan for every token.
    let dimensions: [UInt32]
    /// Neighbouring question terms (their places in `dimensions`) and each pair's weight: mean
    /// idf × (k1+1).
    let pairs: [(a: Int, b: Int, weight: Float)]
    /// The first letters of the question's words whose terms are in `dimensions`: a passage's
    /// word with another initial is not looked up.
    let initials: HashedEmbedder.Initials

    static let orderedWeight: Float = 0.1 / 0.85
    static let unorderedWeight: Float = 0.05 / 0.85
    /// An ordered pair may have up to two tokens (stop words, say) between its terms.
    static let orderedSpan = 3
    static let window = 8

    init(question: String, embedder: HashedEmbedder, statistics: LexicalModel) {
        var terms: [UInt32] = []
        var firsts: [(UInt8, UInt32)] = []
        embedder.forEachTokenDimension(in: question) { first, d in
            if let d, statistics.documentFrequency(d) > 0 { terms.append(d); firsts.append((first, d)) }
        }
        var dimensions: [UInt32] = []
        func place(_ d: UInt32) -> Int {
            if let i = dimensions.firstIndex(of: d) { return i }
            dimensions.append(d)
            return dimensions.count - 1
        }
        var pairs: [(a: Int, b: Int, weight: Float)] = []
        for (a, b) in zip(terms, terms.dropFirst()) where a != b {
            let (i, j) = (place(a), place(b))
            guard !pairs.contains(where: { $0.a == i && $0.b == j }) else { continue }
            pairs.append((i, j, (statistics.idf(of: a) + statistics.idf(of: b)) / 2 * (statistics.weighting.k1 + 1)))
        }
        self.dimensions = dimensions
        self.pairs = pairs
        var initials = HashedEmbedder.Initials()
        for (first, d) in firsts where dimensions.contains(d) { initials.insert(first) }
        self.initials = initials
    }

    var isEmpty: Bool { pairs.isEmpty }

    /// Whether the passage in `slot` holds both terms of some pair: only such a passage can
    /// score, so the others are never tokenized.
    func applies(toSlot slot: Int, _ scorer: LexicalScorer) throws -> Bool {
        var held = [Bool?](repeating: nil, count: dimensions.count)  // by place in `dimensions`
        func has(_ i: Int) throws -> Bool {
            if let known = held[i] { return known }
            let h = try scorer.holds(dimensions[i], slot: slot)
            held[i] = h
            return h
        }
        for (a, b, _) in pairs where try has(a) && has(b) { return true }
        return false
    }

    /// The proximity score of a passage whose text is `title` then `body` and whose BM25 length
    /// normalization is `norm`, in BM25 units.
    func score(title: String, body: String, norm: Float, embedder: HashedEmbedder) -> Float {
        var positions = [[Int]](repeating: [], count: dimensions.count)  // by place in `dimensions`
        var at = 0
        for text in [title, body] {
            embedder.forEachTokenDimension(in: text, initials: initials) { _, d in
                if let d, let i = dimensions.firstIndex(of: d) { positions[i].append(at) }
                at += 1
            }
            at += Self.window  // the title's last word and the body's first are not neighbours
        }
        var total: Float = 0
        for (a, b, weight) in pairs {
            let (pa, pb) = (positions[a], positions[b])
            guard !pa.isEmpty, !pb.isEmpty else { continue }
            var ordered = 0, unordered = 0
            for p in pa {
                if pb.contains(where: { $0 > p && $0 - p <= Self.orderedSpan }) { ordered += 1 }
                if pb.contains(where: { abs($0 - p) <= Self.window }) { unordered += 1 }
            }
            total += weight * (Self.orderedWeight * LexicalModel.saturate(Float(ordered), norm)
                               + Self.unorderedWeight * LexicalModel.saturate(Float(unordered), norm))
        }
        return total
    }
}
