/// What a question chooses: how the layers are fused, how many candidates are rescored, and how
/// feedback expands it. Nothing here is stored with the index or changes it, so one index serves
/// every setting (`lore eval` sweeps them over one build).
public struct QueryOptions: Equatable, Sendable {
    /// Largest weight of the latent cosine in the fused score. A question gets this times the
    /// agreement r² of the latent and lexical layers on its best matches (see `Searcher`): with
    /// 1, the weight is r² itself, the share of the lexical ranking the latent layer accounts for.
    public var latentWeight: Float = 1
    /// The latent layer rescores this many passages, the best by lexical score: passages that
    /// share no term with the (expanded) question are never brought in by it alone. nil: ten per
    /// answer asked for, from 100 up to 1000 (`candidates(answers:)`).
    public var candidates: Int? = nil
    /// Weight of the WordNet relatives of question words that no passage holds, against the
    /// question word's own count: a word no passage holds scores nothing itself, so its relatives
    /// stand in for it, a first-sense synonym at the word's full weight and other relatives less
    /// (`RelatedWords.of`); 0 turns it off (see `Searcher.relatedCounts`).
    public var relatedWeight: Float = 1
    /// Weight of term proximity (`Proximity`): 1 gives neighbouring question words found
    /// together the sequential dependence model's weights against the single words; 0: off.
    public var proximityWeight: Float = 1
    /// Proximity rescores this many of the best passages of each pass; those below keep their
    /// order, whatever k is.
    public var proximityDepth: Int = 20
    /// Questions lose their request phrases ("I am interested in", "tell me about") before they
    /// are matched (`RequestPhrases`); false matches them as written.
    public var dropsRequestPhrases = true
    /// Pseudo-relevance feedback; see `Searcher`.
    public var feedback: Feedback = Feedback()

    public struct Feedback: Equatable, Sendable {
        /// Rocchio: the question moves towards the mean of its top `documents` results; 0: off.
        public var documents: Int = 3
        /// Largest weight of the feedback passages' mean against the (unit) question. A question
        /// gets this times the agreement of the latent and lexical layers (see `Searcher`), so a
        /// first pass whose answers the latent layer does not recognise as one topic expands little.
        public var beta: Float = 1
        /// The expanded question keeps its own terms and at most this many added terms, the
        /// heaviest (0: all).
        public var terms: Int = 100
        public init() {}
    }

    public init() {}

    /// How many lexical matches the latent layer rescores when `answers` are asked for, unless
    /// `candidates` says: ten per answer, at least 100 and at most 1000 (or `answers`, when more
    /// are asked for). The window grows with the depth of the ranking asked for: on the four
    /// collections of `../shared/eval`, 100 candidates and 1000 gave the same nDCG@10 to four
    /// decimals (a passage below the best 100 by its words almost never reaches the top 10 by its
    /// cosine), while MAP@100 needs the deeper window (benchmarks/quality.md).
    public func candidates(answers: Int) -> Int {
        candidates ?? min(max(100, 10 * answers), max(1000, answers))
    }

    /// Checks every option; the first that is out of range is the error.
    public func validate() throws {
        func check(_ ok: Bool, _ what: String) throws { if !ok { throw LoreError.badOption(what) } }
        try check(latentWeight.isFinite && (0...1).contains(latentWeight), "--latent-weight must be in 0...1")
        try check(relatedWeight.isFinite && (0...10).contains(relatedWeight), "--related-weight must be in 0...10")
        try check(proximityWeight.isFinite && (0...10).contains(proximityWeight), "--proximity-weight must be in 0...10")
        try check((1...10_000).contains(proximityDepth), "--proximity-depth must be 1 to 10000")
        try check(candidates.map { (1...1_000_000).contains($0) } ?? true, "--candidates must be 1 to 1000000")
        try check((0...100).contains(feedback.documents), "--feedback-docs must be 0 to 100")
        try check(feedback.beta.isFinite && (0...10).contains(feedback.beta), "--feedback-beta must be in 0...10")
        try check((0...10_000).contains(feedback.terms), "--feedback-terms must be 0 to 10000")
    }
}
