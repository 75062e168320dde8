/// Everything that shapes an index's vectors and ranking; the defaults are the best measured on
/// Cranfield (benchmarks/quality.md). Stored with the index: a query is
/// always embedded the way its index was built, and a change of a build setting forces a rebuild.
public struct IndexConfig: Codable, Equatable, Sendable {
    /// The embedding has 2^dimensionBits dimensions.
    public var dimensionBits: Int = 16
    /// Seed of MurmurHash3 x86_32, which places each term in a dimension.
    public var hashSeed: UInt32 = 0x4C6F_7265
    /// When true, bit 31 of a term's hash gives its sign, so colliding terms tend to cancel.
    public var signedHash: Bool = true
    /// A title (heading path) term counts this many times a body term.
    public var titleBoost: Float = 2
    /// Sections longer than this many words are cut between paragraphs.
    public var maxPassageWords: Int = 220
    /// Lexical weighting; see `LexicalModel`.
    public var weighting: Weighting = Weighting()
    /// Latent semantic layer; see `LatentModel`.
    public var latent: Latent = Latent()
    /// Pseudo-relevance feedback; see `Searcher`.
    public var feedback: Feedback = Feedback()

    public struct Weighting: Codable, Equatable, Sendable {
        /// BM25-style saturation of term frequency inside the weight: tf·(k1+1)/(tf + k1·(1-b+b·len/avglen)).
        /// With `k1` 0 the tf is sublinear instead: 1 + ln tf.
        public var k1: Float = 0
        public var b: Float = 0.75
        /// Pivoted length normalization: a document's vector is divided by
        /// (1-slope)·mean norm + slope·its norm. Slope 1 is plain cosine (unit vectors).
        public var pivotSlope: Float = 0.7
        public init() {}
    }

    public struct Latent: Codable, Equatable, Sendable {
        /// Rank k of the truncated SVD; 0 turns the layer off.
        public var dimensions: Int = 200
        /// Weight of the latent cosine in the fused score: (1-w)·lexical + w·latent.
        public var weight: Float = 0.5
        /// Power iterations of the randomized SVD.
        public var powerIterations: Int = 1
        public var seed: UInt64 = 42
        /// With more than 10 × `candidates` passages, the latent cosine rescores only the best
        /// `candidates` passages by lexical score instead of scanning every passage (below that a
        /// scan is cheaper); 0 always scans.
        public var candidates: Int = 1000
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

    public struct Feedback: Codable, Equatable, Sendable {
        /// Rocchio: the query is moved towards the mean of its top `documents` results;
        /// 0 turns it off.
        public var documents: Int = 5
        public var beta: Float = 0.75
        /// The expanded query keeps its own terms and at most this many added terms, the heaviest
        /// (0: all): the second pass then costs the postings of a few dozen terms, not hundreds.
        public var terms: Int = 50
        public init() {}
    }

    public init() {}

    public var dimensions: Int { 1 << dimensionBits }

    /// True when two configurations build identical vectors (ranking options aside).
    func sameEmbedding(_ other: IndexConfig) -> Bool {
        dimensionBits == other.dimensionBits && hashSeed == other.hashSeed && signedHash == other.signedHash
            && titleBoost == other.titleBoost && maxPassageWords == other.maxPassageWords
    }
}
