import Foundation

/// The words with which a question says that the asker wants something, or where to look,
/// rather than what it is about: "I am interested in", "I'd like to know about", "please send
/// me", "we're looking for", "find my notes on", "what did I write about". They are not stop
/// words, so a passage that happens to use them ("interested", "like", a section headed "Notes")
/// would match the question by its manner of asking; retrieval systems have long removed such
/// request phrases from questions before matching (as INQUERY did with the openings of TREC topics).
/// Only the phrase goes: "not interested in X" keeps X, whose words still say what the asker is
/// after (dropping the clause lost more than it gained on CACM, benchmarks/quality.md).
public enum RequestPhrases {
    private static let pattern: NSRegularExpression = {
        let subject = #"(?:(?:i|we)\s+(?:am|are)|i['’]m|we['’]re|am|are)"#
        let phrases = [
            // "I am particularly interested in", "interested in"
            #"(?:\#(subject)\s+)?(?:(?:also|particularly|especially|mainly|primarily|chiefly|most|very)\s+)*interested\s+in"#,
            // "I'd like to know about", "we would like", "I want to find"
            #"(?:i|we)(?:['’]d|\s+would)\s+(?:like|love)(?:\s+to\s+(?:know|find|see|read|learn))?(?:\s+about)?"#,
            #"(?:i|we)\s+(?:want|wish|need)\s+to\s+(?:know|find|see|read|learn)(?:\s+about)?"#,
            // "please tell me about", "show me", "send me"
            #"(?:please\s+)?(?:tell|show|send|give|find)\s+me(?:\s+about)?"#,
            // "I'm looking for"
            #"\#(subject)\s+looking\s+for"#,
            // The notes themselves, named as where to look: "find my notes on", "check my notes",
            // "in the notes", "the note about", "what did I write about", "I jotted down"
            #"(?:(?:please\s+)?(?:find|show|open|search|check|see|read)\s+(?:me\s+)?)?(?:my|our)\s+notes?(?:\s+(?:on|about|for|regarding|concerning))?"#,
            #"(?:in|from|among|through)\s+(?:my|our|the)\s+notes"#,
            #"(?:(?:find|show|open|read)\s+(?:me\s+)?)?(?:the|a)\s+notes?\s+(?:on|about|regarding|concerning)"#,
            #"(?:did|do|have|had)\s+(?:i|we)\s+(?:write|written|note|noted|jot|jotted)(?:\s+down)?(?:\s+(?:about|on))?"#,
            #"(?:i|we)\s+(?:wrote|noted|jotted)(?:\s+down)?(?:\s+(?:about|on))?"#,
        ]
        // A phrase is whole words: "interested in" but not "uninterested in".
        let alternatives = phrases.map { #"\b"# + $0 + #"\b"# }.joined(separator: "|")
        return try! NSRegularExpression(pattern: alternatives, options: [.caseInsensitive])
    }()

    /// `question` with each request phrase replaced by a space (its other words unchanged).
    public static func removed(from question: String) -> String {
        let range = NSRange(question.startIndex..., in: question)
        return pattern.stringByReplacingMatches(in: question, range: range, withTemplate: " ")
    }
}
