/// Turns text into hashed term counts: each term's MurmurHash3 picks one of 2^bits dimensions
/// (low bits, at most 31) and, when signed, a sign (bit 31). Weighting happens later, in
/// `LexicalModel`, because idf depends on the whole collection. Not thread-safe: one per thread.
public final class HashedEmbedder {
    public let config: IndexConfig
    private let analyzer: Analyzer
    /// The current text's (dimension, signed weight) occurrences, merged by `drain`.
    private var pending: [(UInt32, Float)] = []
    /// The token cache (nil only while a text is being read).
    private var cacheState: CacheState? = CacheState(cache: TokenCache(), codes: [])

    public init(config: IndexConfig) {
        self.config = config
        analyzer = Analyzer(foldsDiacritics: config.foldDiacritics)
    }

    /// Dimension and sign of a term.
    @inline(__always) public func feature(_ term: String) -> (index: UInt32, sign: Float) {
        var term = term
        return term.withUTF8 { feature(bytes: $0) }
    }

    /// Dimension and sign of a term given as its UTF-8 bytes.
    @inline(__always) public func feature<C: Collection>(bytes term: C) -> (index: UInt32, sign: Float) where C.Element == UInt8 {
        let h = MurmurHash3.x86_32(term, seed: config.hashSeed)
        let index = h & UInt32((1 << min(config.dimensionBits, 31)) - 1)
        return (index, config.signedHash && (h >> 31) == 1 ? -1 : 1)
    }

    /// Hashed counts of a passage, packed by field (`FieldCount`): its heading path is its
    /// context; its text and its note's tags its body.
    public func counts(title: String, body: String, tags: String = "") -> SparseVector {
        add(title, weight: FieldCount.contextUnit)
        add(body, weight: 1)
        if !tags.isEmpty { add(tags, weight: 1) }
        return drain()
    }

    /// Hashed counts of a query.
    public func counts(query: String) -> SparseVector {
        add(query, weight: 1)
        return drain()
    }

    /// The analyzer, for highlighting with the same terms.
    public var textAnalyzer: Analyzer { analyzer }

    /// Adds the features of every term of `text`. A token's features are cached by a 64-bit hash
    /// of its lower-cased bytes, so a word seen before costs one lookup: no string, no stemming.
    private func add(_ text: String, weight: Float) {
        // The embedder's state is moved into locals while the text is read: the closure then
        // works on them without the runtime's exclusivity checks on a class's stored properties.
        var state = takeState()
        defer { putBack(state) }
        var occurrences = pending
        pending = []
        defer { pending = occurrences }
        analyzer.tokenizer.forEachToken(in: text) { bytes, _ in
            let span = codes(of: bytes, &state)
            for j in span.start..<(span.start + span.count) {
                let code = state.codes[j]
                occurrences.append((code & 0x7FFF_FFFF, code & 0x8000_0000 != 0 ? -weight : weight))
            }
        }
    }

    /// The token cache and the feature codes it points into.
    private struct CacheState {
        var cache: TokenCache
        var codes: [UInt32]
    }

    private func takeState() -> CacheState { cacheState.take()! }

    private func putBack(_ state: CacheState) { cacheState = state }

    /// Where in `state.codes` the features of a token are (sign in bit 31), analyzing it on its
    /// first sight.
    @inline(__always) private func codes(of bytes: UnsafeBufferPointer<UInt8>, _ state: inout CacheState) -> (start: Int, count: Int) {
        let key = Self.tokenKey(bytes)
        if let hit = state.cache.span(key) { return hit }
        let terms = analyzer.terms(ofToken: String(decoding: bytes, as: UTF8.self))
        if state.cache.count >= 4_000_000 {
            state.cache.removeAll()
            state.codes.removeAll(keepingCapacity: true)
        }
        let span = (start: state.codes.count, count: terms.count)
        for t in terms {
            let (i, sign) = feature(t)
            state.codes.append(sign < 0 ? i | 0x8000_0000 : i)
        }
        state.cache.insert(key, start: span.start, count: span.count)
        return span
    }

    /// Calls `body` with each token of `text` in order, its first byte, and the dimension of its
    /// first term (nil for a stop word), through the same token cache as `counts`: for term
    /// positions. With `initials`, a token that starts with a letter a-z outside it is not looked
    /// up (nil): a word's stem starts with the word's first letter, so such a token cannot be a
    /// term of words with those initials, and the lookup (a likely cache miss in a large token
    /// cache) is skipped. (Of the 93,866 words and word parts of WordNet's index and exception
    /// lists, the English Snowball stemmer changes the first letter of five, all starting with an
    /// apostrophe, `'em` → `em`: a token not starting with a-z is always looked up.)
    public func forEachTokenDimension(in text: String, initials: Initials? = nil, _ body: (UInt8, UInt32?) -> Void) {
        var state = takeState()
        defer { putBack(state) }
        analyzer.tokenizer.forEachToken(in: text) { bytes, _ in
            let first = bytes.first ?? 0
            if let initials, !initials.mayStart(first) { body(first, nil); return }
            let span = codes(of: bytes, &state)
            body(first, span.count > 0 ? state.codes[span.start] & 0x7FFF_FFFF : nil)
        }
    }

    /// The first letters (a-z) of some words, for `forEachTokenDimension`.
    public struct Initials: Sendable {
        private var letters: UInt32 = 0
        public init() {}
        /// Adds the first byte of a word; a byte other than a-z admits every word.
        public mutating func insert(_ b: UInt8) {
            letters |= (97...122).contains(b) ? 1 << UInt32(b - 97) : UInt32.max
        }
        /// False only for a word starting with a letter a-z that none of the words starts with.
        @inline(__always) func mayStart(_ b: UInt8) -> Bool {
            !(97...122).contains(b) || letters & (1 << UInt32(b - 97)) != 0
        }
    }

    /// FNV-1a 64 of a token's bytes, finished with a 64-bit mix: the token cache's key
    /// (a collision between two of a corpus's distinct tokens has odds near 1 in 10^7).
    @inline(__always) static func tokenKey(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        return h
    }

    /// The pending occurrences summed per dimension, dimensions increasing; sums that cancel to
    /// exactly zero are left out.
    private func drain() -> SparseVector {
        pending.sort { $0.0 < $1.0 }
        var out = SparseVector()
        out.indices.reserveCapacity(pending.count)
        out.values.reserveCapacity(pending.count)
        var j = 0
        while j < pending.count {
            let f = pending[j].0
            // A context occurrence weighs a multiple of `FieldCount.contextUnit`, a body one ±1.
            var body: Float = 0, context: Float = 0
            while j < pending.count && pending[j].0 == f {
                let w = pending[j].1
                if abs(w) < FieldCount.contextUnit { body += w } else { context += w / FieldCount.contextUnit }
                j += 1
            }
            let v = FieldCount.pack(body: body, context: context)
            if v != 0 {
                out.indices.append(f)
                out.values.append(v)
            }
        }
        pending.removeAll(keepingCapacity: true)
        return out
    }
}
