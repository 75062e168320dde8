/// Finds the words of a passage that match a question's terms, so a terminal can highlight them.
public struct Highlighter {
    private let analyzer: Analyzer
    private let terms: Set<String>

    /// `dropsRequestPhrases`: as the search did (`QueryOptions`), so that "interested" is not
    /// marked when the search left it out.
    public init(question: String, analyzer: Analyzer, dropsRequestPhrases: Bool = true) {
        self.analyzer = analyzer
        terms = Set(analyzer.terms(dropsRequestPhrases ? RequestPhrases.removed(from: question) : question))
    }

    /// The passage cut into pieces, each marked when it is a word that matches the question.
    public func segments(_ text: String) -> [(text: String, match: Bool)] {
        let utf8 = Array(text.utf8)
        var out: [(String, Bool)] = []
        var last = 0
        func piece(_ r: Range<Int>) -> String { String(decoding: utf8[r], as: UTF8.self) }
        for (token, tokenTerms) in analyzer.analyzedTokens(text) where tokenTerms.contains(where: terms.contains) {
            // Pairs of ideographs overlap (人工, 工智): each piece starts where the last ended, and
            // a match that touches the one before joins it (人工智能 is one marked piece).
            let lower = max(token.range.lowerBound, last)
            guard lower < token.range.upperBound else { continue }
            if lower > last { out.append((piece(last..<lower), false)) }
            if lower == last, let previous = out.last, previous.1 {
                out[out.count - 1].0 += piece(lower..<token.range.upperBound)
            } else {
                out.append((piece(lower..<token.range.upperBound), true))
            }
            last = token.range.upperBound
        }
        if last < utf8.count { out.append((piece(last..<utf8.count), false)) }
        return out
    }
}
