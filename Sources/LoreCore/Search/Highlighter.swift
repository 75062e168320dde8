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
            if token.range.lowerBound > last { out.append((piece(last..<token.range.lowerBound), false)) }
            out.append((piece(token.range), true))
            last = token.range.upperBound
        }
        if last < utf8.count { out.append((piece(last..<utf8.count), false)) }
        return out
    }
}
