/// What an index stores (its schema): how text becomes hashed counts, how counts are weighted,
/// and how the latent basis is fitted. Stored with the index: a query is always embedded the way
/// its index was built, and a change here forces a rebuild. What a question chooses (fusion,
/// feedback, candidates) is `QueryOptions`, which never touches the index.
public struct IndexConfig: Codable, Equatable, Sendable {
    /// The embedding has 2^dimensionBits dimensions (at most 31: bit 31 of the hash is the sign).
    /// Only the dimensions that passages use are stored, so the space costs nothing: 2^31 leaves
    /// a rare word alone in its dimension (about 1 chance in 5,000 of sharing it with another of
    /// 400,000 distinct terms), where 2^16 made it share with a frequent word.
    public var dimensionBits: Int = 31
    /// Seed of MurmurHash3 x86_32, which places each term in a dimension.
    public var hashSeed: UInt32 = 0x4C6F_7265
    /// When true, bit 31 of a term's hash gives its sign, so colliding terms tend to cancel.
    public var signedHash: Bool = true
    /// A title (heading path) term counts this many times a body term.
    public var titleBoost: Float = 2
    /// Sections longer than this many words are cut between paragraphs.
    public var maxPassageWords: Int = 220
    /// Latin letters lose their diacritics (`Tokenizer`): `cafe` finds `café`. (Indexes of
    /// format 7 and older, written before this setting, did not fold; they are rebuilt.)
    public var foldDiacritics: Bool = true
    /// Lexical weighting (BM25); see `LexicalModel`.
    public var weighting: Weighting = Weighting()
    /// Latent semantic layer; see `LatentModel`.
    public var latent: Latent = Latent()

    public struct Weighting: Codable, Equatable, Sendable {
        /// BM25 term-frequency saturation: tf·(k1+1)/(tf + k1·(1-b+b·len/avglen)).
        public var k1: Float = 1.2
        /// BM25 length normalization.
        public var b: Float = 0.75
        public init() {}
    }

    public struct Latent: Codable, Equatable, Sendable {
        /// Rank k of the truncated SVD; 0 turns the layer off.
        public var dimensions: Int = 200
        /// Power iterations of the randomized SVD.
        public var powerIterations: Int = 1
        /// Seed of the random sketch. The fit is an approximation, so another seed moves single
        /// nDCG@10 cells by up to about 0.025 and their mean by about 0.01 (benchmarks/quality.md).
        public var seed: UInt64 = 42
        /// The basis is fitted on at most this many passages (evenly spaced); all are projected.
        public var fitSample: Int = 20_000
        /// Refresh rule: up to `exactRefitBelow` passages the basis is refitted on every refresh
        /// (cheap there, and a refresh then equals a rebuild); above, new and edited passages are
        /// folded into the stored basis until the passages changed since the fit exceed
        /// `refitAfterChange` of the index.
        public var exactRefitBelow: Int = 2000
        public var refitAfterChange: Float = 0.1
        public init() {}
    }

    public init() {}

    public var dimensions: Int { 1 << dimensionBits }

    /// Checks every setting; the first that is out of range is the error.
    public func validate() throws {
        func check(_ ok: Bool, _ what: String) throws { if !ok { throw LoreError.badOption(what) } }
        try check((8...31).contains(dimensionBits), "--dimension-bits must be 8 to 31")
        try check(titleBoost.isFinite && titleBoost >= 0 && titleBoost <= 100 && titleBoost == titleBoost.rounded(),
                  "--title-boost must be a whole number, 0 to 100")
        try check((10...100_000).contains(maxPassageWords), "the passage length must be 10 to 100000 words")
        try check(weighting.k1.isFinite && (0...100).contains(weighting.k1), "--k1 must be in 0...100")
        try check(weighting.b.isFinite && (0...1).contains(weighting.b), "--b must be in 0...1")
        try check((0...1000).contains(latent.dimensions), "--latent-dims must be 0 to 1000")
        try check((0...10).contains(latent.powerIterations), "--latent-power-iterations must be 0 to 10")
        try check((1...10_000_000).contains(latent.fitSample), "--latent-fit-sample must be 1 to 10000000")
    }
}
