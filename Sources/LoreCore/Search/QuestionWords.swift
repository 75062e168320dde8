import Foundation

/// What a question's words bring beside themselves, added to its hashed counts before weighting:
/// the user's own synonyms, WordNet's relatives of the words no passage holds, and the words a
/// typo may stand for.
extension Searcher {
    /// The most question words (and phrases) no passage holds that `relatedCounts` looks up.
    static let maximumConcepts = 64

    /// WordNet's related words, when WordNet is installed; opened once per process.
    static let related: RelatedWords? = WordNet().map { RelatedWords(wordnet: $0) }

    /// Hashed counts of the words related to the question words that no passage holds (and to
    /// two-word phrases WordNet knows, such as "time off"): each relative that passages do hold
    /// counts `relatedWeight` × its weight (`RelatedWords.of`), and so do the corrections of a
    /// word WordNet does not know (`corrections(of:)`: "recieve" is "receive"). Words the
    /// notes hold are left as they are: the notes' own vocabulary is the better evidence of what a
    /// word means there.
    func relatedCounts(_ question: String, _ related: RelatedWords) throws -> [UInt32: Float] {
        let tokens = analyzer.tokenizer.tokens(question).map(\.text)
        // The (dimension, sign) of each term of `word` that passages hold.
        func held(_ word: String) -> [(index: UInt32, sign: Float)] {
            analyzer.terms(ofToken: word).map { embedder.feature($0) }.filter { index.lexical.documentFrequency($0.index) > 0 }
        }
        // A single character is a symbol, not a word to find in other words: WordNet's senses of
        // "x" are a letter, ten and a drug, and none is what a question asking "x" means.
        var concepts = tokens.filter { $0.count > 1 && !analyzer.terms(ofToken: $0).isEmpty && held($0).isEmpty }
        // A phrase WordNet knows ("time off") means more than its words only when one of them is a
        // stop word or no passage holds it; "operating system" is already found by its two words.
        for (a, b) in zip(tokens, tokens.dropFirst()) where [a, b].contains(where: { held($0).isEmpty })
            && related.knows(a + " " + b) {
            concepts.append(a + " " + b)
        }
        var out: [UInt32: Float] = [:]
        let holds = { (w: String) in w.split(separator: " ").contains { !held(String($0)).isEmpty } }
        // Each concept costs a few milliseconds at most (WordNet's definitions are scanned, a
        // typo's edits stemmed): a question pasted from a long text looks up its first ones only.
        var seen: Set<String> = []
        concepts = Array(concepts.filter { seen.insert($0).inserted }.prefix(Self.maximumConcepts))
        for concept in concepts {
            let corrections = try self.corrections(of: concept, related)
            for (f, sign) in corrections {
                let v = options.relatedWeight / Float(corrections.count)
                if abs(out[f] ?? 0) < v { out[f] = sign * v }
            }
            // A related concept's share is split among the relatives the notes hold: those are the
            // ones that can stand in for the word here.
            let relatives = related.of(concept, keeping: holds)
            for (w, weight) in relatives where !StopWords.english.contains(w) {
                for (f, sign) in w.split(separator: " ").flatMap({ held(String($0)) }) {
                    // The largest weight a relative gets, with its dimension's sign (signed hashing).
                    let v = options.relatedWeight * weight
                    if abs(out[f] ?? 0) < v { out[f] = sign * v }
                }
            }
        }
        return out
    }

    /// The terms (dimension, sign) that stand in for `word` when it may be a typo
    /// (`RelatedWords.mayBeTypo`): the stems of the words one edit away that the notes hold,
    /// those of dictionary words first (WordNet's, in any inflection); when there are none, the
    /// notes' own (names, jargon: "methyltrasnferase"), each found again in a passage that holds
    /// it, since a hashed dimension may be another term's. Each of the about 400 words one edit
    /// from an 8-letter word is stemmed and looked up (about 0.1 ms in all); remembered per word.
    func corrections(of word: String, _ related: RelatedWords) throws -> [(index: UInt32, sign: Float)] {
        if let known = corrected[word] { return known }
        var found: [(index: UInt32, sign: Float)] = []
        if related.mayBeTypo(word) {
            var held: [(word: String, stem: String)] = []
            RelatedWords.forEachEdit(of: word) { v in
                analyzer.withStem(of: v) { stem in
                    guard index.lexical.documentFrequency(embedder.feature(bytes: stem).index) > 0 else { return }
                    let s = String(decoding: stem, as: UTF8.self)
                    if !held.contains(where: { $0.stem == s }) { held.append((String(decoding: v, as: UTF8.self), s)) }
                }
            }
            let dictionary = held.filter { related.knows($0.word) }
            found = (dictionary.isEmpty ? try held.filter { try occurs($0.stem) } : dictionary).map { embedder.feature($0.stem) }
        }
        if corrected.count >= 10_000 { corrected.removeAll() }  // a server's searcher lives long
        corrected[word] = found
        return found
    }

    /// Whether the term `term` itself occurs in a live passage (its first live holder is read
    /// again): a term whose hashed dimension passages hold may be another term of that dimension.
    func occurs(_ term: String) throws -> Bool {
        let f = embedder.feature(term).index
        for (s, segment) in index.segments.enumerated() {
            for k in try segment.postings(f) {
                let slot = index.bases[s] + Int(segment.ids[k])
                guard index.lexical.isLive(slot) else { continue }
                let input = try index.embeddingInput(slot)
                return analyzer.terms(input.title + "\n" + input.bodyAndTags).contains(term)
            }
        }
        return false
    }

    /// Hashed counts of the user's synonyms of the question's words (and two-word phrases): each
    /// synonym counts as much as the word it stands for.
    func synonymCounts(_ question: String, _ synonyms: Synonyms) -> [UInt32: Float] {
        let tokens = analyzer.tokenizer.tokens(question).map(\.text)
        let phrases = tokens + zip(tokens, tokens.dropFirst()).map { $0 + " " + $1 }
        var out: [UInt32: Float] = [:]
        for phrase in phrases {
            for synonym in synonyms.of(phrase) {
                for term in analyzer.terms(synonym) {
                    let (f, sign) = embedder.feature(term)
                    out[f, default: 0] += sign
                }
            }
        }
        return out
    }

    /// `counts` with `extra` added (features absent from counts appended, then sorted).
    static func add(_ extra: [UInt32: Float], to counts: SparseVector) -> SparseVector {
        guard !extra.isEmpty else { return counts }
        var sum = extra
        for (f, v) in zip(counts.indices, counts.values) { sum[f, default: 0] += v }
        let keys = sum.keys.sorted()
        return SparseVector(indices: keys, values: keys.map { sum[$0]! })
    }
}
