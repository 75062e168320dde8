import Foundation

/// Words related to a question word, from WordNet: what lets a question about the "couch" find a
/// note about the sofa. For one word (or a two-word phrase WordNet holds, such as "time off"),
/// every lemma it may be an inflection of, in every part of speech, contributes its most frequent
/// senses; each sense gives its own words (synonyms), the words of the synsets it points to by
/// the chosen relations, and optionally the content words of its gloss ("vacation: leisure time
/// away from work devoted to rest"). Glosses are off by default: on the development set they
/// rescued no more paraphrases (8 of 35 with them, 9 without, measured with weight 0.2 before
/// relatives carried their dimension's sign) and brought in more noise; measured again with
/// today's relatives (weight 1, shared among the words the notes hold), 13 with them against 14
/// without (benchmarks/quality.md). The other way round is
/// on: the synsets whose definition uses the word ("guest: a visitor to whom hospitality is
/// extended" for `visitors`), which took the paraphrases found from 13 to 14 of 35 and moved no
/// collection's nDCG@10 by more than 0.002.
public struct RelatedWords: Sendable {
    public let wordnet: WordNet
    /// Senses taken per lemma and part of speech, most frequent first.
    public var senses: Int
    /// Pointer symbols followed (wndb(5WN)): "@" hypernym, "~" hyponym, "+" derivation, "&"
    /// similar to, "^" also see, "\\" pertainym, "=" attribute, …
    public var relations: Set<String>
    /// Whether the gloss's words count.
    public var glosses: Bool
    /// Whether the words of the synsets whose definition uses the word count (WordNet read as a
    /// reverse dictionary: `father` finds "dad", `visitor` finds "guest").
    public var definitions: Bool

    public init(wordnet: WordNet, senses: Int = 2, relations: Set<String> = ["@", "~", "+", "&"], glosses: Bool = false,
                definitions: Bool = true) {
        self.wordnet = wordnet
        self.senses = senses
        self.relations = relations
        self.glosses = glosses
        self.definitions = definitions
    }

    /// The words related to `word` (lower case; a space between the two words of a phrase), each
    /// once with its weight in 0...1, without `word` itself; empty when WordNet does not know it.
    /// A synonym stands for the same concept and weighs 1 in the most frequent sense; a word of a
    /// related synset or of the gloss is another concept and weighs half, shared with the others
    /// of its kind that `keep` accepts (1/√n each; a searcher keeps those its notes hold, so words
    /// the notes lack take no share); the i-th sense weighs 1/i of the first.
    public func of(_ word: String, keeping keep: (String) -> Bool = { _ in true }) -> [(word: String, weight: Float)] {
        var weights: [String: Float] = [:]
        var order: [String] = []
        func add(_ w: String, _ weight: Float) {
            guard w != word else { return }
            if let old = weights[w] { weights[w] = max(old, weight) } else { weights[w] = weight; order.append(w) }
        }
        var forms: Set<String> = []  // the lemmas `word` may be, in any part of speech
        for pos in WordNet.PartOfSpeech.allCases {
            for lemma in wordnet.lemmas(of: word, pos) {
                forms.insert(lemma)
                for (i, offset) in wordnet.senses(of: lemma, pos).prefix(senses).enumerated() {
                    guard let synset = wordnet.synset(offset, pos) else { continue }
                    let senseWeight = 1 / Float(i + 1)
                    for w in synset.words { add(w, senseWeight) }
                    var others: [String] = []
                    if glosses { others += Self.glossWords(synset.gloss) }
                    for p in synset.pointers where relations.contains(p.symbol) {
                        others += wordnet.synset(p.offset, p.pos)?.words ?? []
                    }
                    others = others.filter(keep)
                    let share = senseWeight / 2 / Float(max(others.count, 1)).squareRoot()
                    for w in others { add(w, share) }
                }
            }
        }
        if definitions {
            // The concepts defined by the word ("dad: an informal term for a father") are one
            // more kind of related concept: half, shared like the others.
            // Only words WordNet holds are looked for: a name or a made-up word defines nothing, and
            // the scan is the costly part.
            var others: [String] = []
            for form in forms.sorted() where !form.contains(" ") && !form.contains("_") {
                for (offset, pos) in wordnet.synsetsDefining(form) { others += wordnet.synset(offset, pos)?.words ?? [] }
            }
            var seen: Set<String> = []
            others = others.filter { seen.insert($0).inserted && keep($0) }
            let share = 0.5 / Float(max(others.count, 1)).squareRoot()
            for w in others { add(w, share) }
        }
        return order.map { ($0, weights[$0]!) }
    }

    /// Calls `body` with each string one edit away from `word` (a letter deleted, inserted or
    /// changed, or two neighbours swapped; letters a-z), as bytes valid during the call: what a
    /// typo may have been meant to be (about 400 for an 8-letter word; a string made two ways,
    /// such as a doubled letter's deletion, comes twice).
    public static func forEachEdit(of word: String, _ body: ([UInt8]) -> Void) {
        let letters = Array(word.utf8)
        var v: [UInt8] = []
        v.reserveCapacity(letters.count + 1)
        for i in 0..<letters.count {
            v.removeAll(keepingCapacity: true); v += letters[..<i]; v += letters[(i + 1)...]; body(v)
            if i + 1 < letters.count, letters[i] != letters[i + 1] { v = letters; v.swapAt(i, i + 1); body(v) }
            v = letters
            for c in UInt8(97)...UInt8(122) where c != letters[i] { v[i] = c; body(v) }
        }
        for i in 0...letters.count {
            v.removeAll(keepingCapacity: true); v += letters[..<i]; v.append(0); v += letters[i...]
            for c in UInt8(97)...UInt8(122) { v[i] = c; body(v) }
        }
    }

    /// Whether `word` may be a typo: five to thirty plain letters (one edit from a shorter word lie
    /// dozens of words; a longer one is no word, and its edits would cost a question milliseconds),
    /// and WordNet does not know it (a word WordNet lacks is a misspelling, a name or jargon).
    public func mayBeTypo(_ word: String) -> Bool {
        (Self.minimumLetters...Self.maximumLetters).contains(word.utf8.count)
            && word.utf8.allSatisfy({ $0 >= 97 && $0 <= 122 }) && !knows(word)
    }

    /// Whether WordNet holds `word` in any part of speech, as a lemma or an inflection of one.
    public func knows(_ word: String) -> Bool {
        WordNet.PartOfSpeech.allCases.contains { !wordnet.lemmas(of: word, $0).isEmpty }
    }

    /// The shortest and longest words `mayBeTypo` takes for a typo.
    public static let minimumLetters = 5, maximumLetters = 30

    /// The words of a gloss's definition (before any quoted example or semicolon).
    static func glossWords(_ gloss: String) -> [String] {
        let definition = gloss.split(separator: ";", maxSplits: 1).first.map(String.init) ?? gloss
        return definition.lowercased().split { !$0.isLetter && $0 != "-" }.map(String.init).filter { $0.count > 2 }
    }
}
