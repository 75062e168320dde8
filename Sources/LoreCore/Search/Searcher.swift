import Foundation

/// Nanoseconds spent in each step of answering, summed over `queries` questions.
public final class SearchProfile {
    public var queries = 0
    /// Tokenizing, stemming, hashing and weighting the question.
    public var tokenize: UInt64 = 0
    /// Scoring the postings of the question's terms (both passes).
    public var lexical: UInt64 = 0
    /// Projecting the question and scoring the latent layer (both passes).
    public var latent: UInt64 = 0
    /// Choosing the feedback passages and expanding the question.
    public var feedback: UInt64 = 0
    /// Rescoring the best passages by term proximity (both passes).
    public var proximity: UInt64 = 0
    /// Selecting the top k.
    public var topK: UInt64 = 0
    public init() {}
}

/// One answer to a question: a passage, its rank and score.
public struct SearchResult: Sendable {
    public var rank: Int
    public var score: Float
    public var passage: Passage
    public var passageIndex: Int
}

/// Answers questions over a built index, in stages that `QueryOptions` chooses:
///
/// 1. the question, without its request phrases ("I am interested in"), is embedded like the
///    passages, with the user's synonyms of its words and the WordNet relatives of the words no
///    passage holds, and scored by the lexical layer (BM25);
/// 2. its best `candidates` lexical matches (by default ten per answer asked for, from 100 to
///    1000) are rescored by fusing their lexical score (divided by the best one) with their latent
///    cosine, (1 - w)·lexical + w·latent;
/// 3. Rocchio feedback moves the question towards its first `feedback.documents` answers, and
///    stages 1-2 run again;
/// 4. the exact top k is kept, ties broken by passage order.
///
/// How much the latent layer and feedback count is measured on each question: over its best
/// `agreementDepth` candidates, r is the correlation between their lexical scores and their
/// latent cosines, and r² (the share of the lexical scores' variance that the latent cosines
/// account for) scales both the latent weight and the feedback weight. Where the latent layer
/// ranks the question's matches as its words do, it knows the topic and its reordering and the
/// feedback drawn from the first answers are trusted; where it disagrees (names, rare terms, a
/// claim that one passage supports), the words decide. A passage that shares no term with the
/// question or its feedback terms is never a candidate, so the latent layer reorders matches
/// and cannot bury the one passage that holds a rare word.
///
/// ```
/// let searcher = Searcher(index: try IndexFile.read(from: "index"))
/// let results = try searcher.search("How much did mixing the two OpenAI models save?", k: 5)
/// ```
public final class Searcher {
    public let index: CorpusIndex
    public let options: QueryOptions
    let embedder: HashedEmbedder
    /// One lexical score per slot, reused from question to question.
    private var accumulator = ScoreAccumulator()
    /// `corrections(of:)` of the words asked so far (QuestionWords.swift).
    var corrected: [String: [(index: UInt32, sign: Float)]] = [:]

    /// Candidates over which the lexical and latent layers' agreement is measured.
    static let agreementDepth = 30

    /// The most terms a question may have for its first pass to find its candidates by MaxScore
    /// (see `fused`). Each passage MaxScore visits costs a look at every term's cursor, where
    /// summing term by term costs one addition a posting: over the 10,820 abstracts of the four
    /// collections merged, questions made of two of their questions joined (about 30 words) took
    /// 449-481 ms with MaxScore against 406-414 summed, of ten joined 216-219 against 174-185
    /// (`lore eval`, every question), while the bench's questions of 2-12 words (a term each, and
    /// the relatives of words no passage holds) gained at 100k and 1M passages (docs/design.md).
    static let prunedTerms = 24

    /// The user's own synonyms (`Synonyms.load(corpus:)`), when the notes folder has them.
    public let synonyms: Synonyms?

    public init(index: CorpusIndex, options: QueryOptions = QueryOptions(), synonyms: Synonyms? = nil) {
        self.index = index
        self.options = options
        self.synonyms = synonyms
        embedder = HashedEmbedder(config: index.config)
    }

    /// The analyzer queries go through (for highlighting matched words).
    public var analyzer: Analyzer { embedder.textAnalyzer }

    /// The best `k` passages for `question`, best first; passages scoring 0 or less are left out.
    /// Throws when the index data read turns out damaged.
    public func search(_ question: String, k: Int) throws -> [SearchResult] {
        try hits(for: question, k: k).enumerated().map { rank, hit in
            SearchResult(rank: rank + 1, score: hit.score, passage: try index.passage(hit.passage), passageIndex: hit.passage)
        }
    }

    /// The exact top `k` hits for `question`.
    public func hits(for question: String, k: Int) throws -> [Hit] {
        var clock = profile.map { _ in DispatchTime.now().uptimeNanoseconds }
        let question = options.dropsRequestPhrases ? RequestPhrases.removed(from: question) : question
        var counts = embedder.counts(query: question)
        if let synonyms { counts = Self.add(synonymCounts(question, synonyms), to: counts) }
        if options.relatedWeight > 0, let related = Self.related {
            counts = Self.add(try relatedCounts(question, related), to: counts)
        }
        let query = index.lexical.queryVector(counts)
        lap(&clock, \.tokenize)
        profile?.queries += 1
        guard k > 0, !query.isEmpty else { return [] }
        let proximity = options.proximityWeight > 0
            ? Proximity(question: question, embedder: embedder, statistics: index.lexical) : nil
        let depth = proximity?.isEmpty == false ? max(k, options.proximityDepth) : k
        var near: [Int: Float] = [:]  // each passage's proximity score, computed once per question
        if isLexicalOnly {
            // One layer, no second pass: MaxScore finds the same top k without scoring every passage.
            var ranked = try LexicalScorer(index).topK(query, k: depth)
            lap(&clock, \.lexical)
            let scale = relative(&ranked)
            if let proximity {
                ranked = try rerank(ranked, proximity, scale: scale, memo: &near)
                lap(&clock, \.proximity)
            }
            return Array(ranked.prefix(k))
        }
        let window = options.candidates(answers: k)
        var (ranked, agreement, best) = try fused(query, candidates: window,
                                                  pruned: query.indices.count <= Self.prunedTerms, clock: &clock)
        // Proximity rescores each pass's best, on the fused scale (the best lexical score of the
        // question counts 1) and as part of the lexical evidence, whose share is 1 - w.
        func withProximity(_ hits: [Hit], agreement: Float) throws -> [Hit] {
            guard let proximity, best > 0 else { return hits }
            let w = index.latent != nil ? options.latentWeight * agreement : 0
            defer { lap(&clock, \.proximity) }
            return try rerank(hits, proximity, scale: (1 - w) / best, memo: &near)
        }
        ranked = try withProximity(ranked, agreement: agreement)
        let feedback = options.feedback
        if feedback.documents > 0, !ranked.isEmpty, agreement > 0 {
            let top = Array(ranked.prefix(feedback.documents))
            let expanded = try expand(query, with: top, beta: feedback.beta * agreement, terms: feedback.terms)
            lap(&clock, \.feedback)
            let second = try fused(expanded, candidates: window, pruned: false, clock: &clock)
            ranked = try withProximity(second.hits, agreement: second.agreement)
        }
        defer { lap(&clock, \.topK) }
        return Array(ranked.prefix(k))
    }

    /// `ranked` with the first `proximityDepth` hits rescored by adding their proximity score
    /// × `scale` × the proximity weight, reordered (the rest follow, as they were). `memo` keeps
    /// the passages' proximity scores for the question's next pass.
    private func rerank(_ ranked: [Hit], _ proximity: Proximity, scale: Float, memo: inout [Int: Float]) throws -> [Hit] {
        guard !proximity.isEmpty else { return ranked }
        let depth = min(ranked.count, options.proximityDepth)
        var head = Array(ranked.prefix(depth))
        let scorer = LexicalScorer(index)
        // A passage that holds no pair's two terms scores 0 without being tokenized.
        func score(_ slot: Int) throws -> Float {
            guard try proximity.applies(toSlot: slot, scorer) else { return 0 }
            let input = try index.embeddingInput(slot)
            return proximity.score(title: input.title, body: input.bodyAndTags, norm: max(index.lexical.lengthNorms[slot], 0), embedder: embedder)
        }
        for j in head.indices {
            let slot = head[j].passage
            let p = try memo[slot] ?? score(slot)
            memo[slot] = p
            head[j].score += options.proximityWeight * scale * p
        }
        head.sort { $0.ranksBefore($1) }
        return head + ranked.dropFirst(depth)
    }

    /// The exact top `k` hits of each question, the questions spread over the cores (one
    /// searcher each). Same hits as one by one.
    public func hits(for questions: [String], k: Int) throws -> [[Hit]] {
        guard questions.count > 1 else { return try questions.map { try hits(for: $0, k: k) } }
        let results = concurrentMap(questions.count, state: { w in w == 0 ? self : Searcher(index: self.index, options: self.options, synonyms: self.synonyms) }) { b, searcher in
            Result { try searcher.hits(for: questions[b], k: k) }
        }
        return try results.map { try $0.get() }
    }

    /// Puts `hits` (best first) on the scale of the fused score, where the best lexical match
    /// counts 1, when the latent layer is asked for (the index has it, and a weight over 0) even
    /// if there is no cosine to mix in (a folder too small to fit the layer): so a `--min-score`
    /// means the same in every folder. Returns the factor applied (1 when scores stay BM25's).
    private func relative(_ hits: inout [Hit]) -> Float {
        guard options.latentWeight > 0, index.config.latent.dimensions > 0, let best = hits.first?.score, best > 0 else { return 1 }
        for j in hits.indices { hits[j].score /= best }
        return 1 / best
    }

    /// True when only the lexical layer scores (no latent layer, no feedback).
    private var isLexicalOnly: Bool {
        (index.latent == nil || options.latentWeight == 0) && options.feedback.documents == 0
    }

    /// Where time goes, summed over the questions answered while it is set (for `lore bench`).
    public var profile: SearchProfile?

    private func lap(_ clock: inout UInt64?, _ stage: ReferenceWritableKeyPath<SearchProfile, UInt64>) {
        guard let start = clock, let profile else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        profile[keyPath: stage] += now - start
        clock = now
    }

    /// The candidates of `query` (its best `candidates` lexical matches), ranked by the fused
    /// score (1 - w)·lexical / best lexical + w·latent cosine, with w the latent weight × the
    /// agreement r²; the agreement (1 without a latent layer); and what the lexical scores were
    /// divided by (the best of them, or 1 when they stay BM25's: see `relative`). The candidates are the same
    /// either way; `pruned` finds them by MaxScore, for a question's own few terms, where the
    /// best 100 soon set a bound that skips most postings; otherwise they are summed term by term,
    /// for a question expanded by feedback, whose hundred more terms leave MaxScore little to skip
    /// and a cursor step to pay on every posting (docs/design.md).
    private func fused(_ query: SparseVector, candidates window: Int, pruned: Bool, clock: inout UInt64?) throws -> (hits: [Hit], agreement: Float, best: Float) {
        let candidates = pruned ? try LexicalScorer(index).topK(query, k: window)
            : try LexicalScorer(index).top(query, k: window, accumulator: &accumulator)
        lap(&clock, \.lexical)
        guard let best = candidates.first?.score, best > 0, let latent = index.latent, options.latentWeight > 0 else {
            var hits = candidates
            let scale = relative(&hits)
            return (hits, 1, 1 / scale)
        }
        defer { lap(&clock, \.latent) }
        // Vectors read in passage order (the order they lie in), each cosine put back in its
        // candidate's place.
        let order = candidates.indices.sorted { candidates[$0].passage < candidates[$1].passage }
        let dots = try LatentScorer(index: index, model: latent).cosines(order.map { candidates[$0].passage },
                                                                         query: latent.project(query))
        var cosines = [Float](repeating: 0, count: candidates.count)
        for (j, c) in zip(order, dots) { cosines[j] = c }
        let top = min(candidates.count, Self.agreementDepth)
        let r = Self.correlation(candidates.prefix(top).map(\.score), cosines.prefix(top))
        let agreement = r > 0 ? r * r : 0
        let w = options.latentWeight * agreement
        var out = zip(candidates, cosines).map { h, c in Hit(passage: h.passage, score: (1 - w) * h.score / best + w * c) }
        out.sort { $0.ranksBefore($1) }
        return (out, agreement, best)
    }

    /// Pearson's correlation of `x` and `y` (0 when either is constant or there are fewer than 3).
    static func correlation<X: Collection<Float>, Y: Collection<Float>>(_ x: X, _ y: Y) -> Float {
        guard x.count >= 3, x.count == y.count else { return 0 }
        let n = Double(x.count)
        let mx = x.reduce(0.0) { $0 + Double($1) } / n, my = y.reduce(0.0) { $0 + Double($1) } / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (a, b) in zip(x, y) {
            let dx = Double(a) - mx, dy = Double(b) - my
            sxy += dx * dy
            sxx += dx * dx
            syy += dy * dy
        }
        guard sxx > 0, syy > 0 else { return 0 }
        return Float(sxy / (sxx * syy).squareRoot())
    }

    /// Rocchio: q' = q/‖q‖ + β · the mean of the feedback passages' unit vectors, each weighted by
    /// its score (as relevance models weight a passage by its likelihood: the first answer, the
    /// likeliest to be relevant, counts most), keeping q's terms and the `terms` heaviest added
    /// ones (all when 0).
    func expand(_ query: SparseVector, with passages: [Hit], beta: Float, terms: Int) throws -> SparseVector {
        var sum: [UInt32: Float] = [:]
        let total = passages.reduce(0) { $0 + max(0, $1.score) }
        for hit in passages where hit.score > 0 {
            let input = try index.embeddingInput(hit.passage)
            let row = index.lexical.weightedRow(embedder.counts(title: input.title, body: input.body, tags: input.tags), slot: hit.passage)
            let norm = row.values.reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard norm > 0 else { continue }
            let share = beta * hit.score / total / norm
            for (f, v) in zip(row.indices, row.values) { sum[f, default: 0] += share * v }
        }
        var added = sum
        for f in query.indices { added[f] = nil }
        var keep = Set(query.indices)
        if terms > 0 && added.count > terms {
            let heaviest = added.sorted { abs($0.value) != abs($1.value) ? abs($0.value) > abs($1.value) : $0.key < $1.key }
            keep.formUnion(heaviest.prefix(terms).map(\.key))
        } else {
            keep.formUnion(added.keys)
        }
        let qnorm = query.values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        for (f, v) in zip(query.indices, query.values) { sum[f, default: 0] += v / qnorm }
        let keys = keep.sorted()
        return SparseVector(indices: keys, values: keys.map { sum[$0]! })
    }
}
