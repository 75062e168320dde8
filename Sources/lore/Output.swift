import Foundation
import LoreCommandLine
import LoreCore

/// How `lore ask` prints its answers.
enum Output {
    struct JSONAnswer: Encodable {
        var query: String
        var took_ms: Double
        var results: [JSONResult]
    }

    struct JSONResult: Encodable {
        var rank: Int
        var score: Double
        var source: String
        var lines: [Int]
        var title: String
        var text: String
    }

    static func source(_ p: Passage, corpus: String) -> String {
        corpus == "." ? p.source : corpus + "/" + p.source
    }

    static func json(question: String, took: Double, results: [SearchResult], corpus: String) -> String {
        encode(JSONAnswer(query: question, took_ms: (took * 1000).rounded() / 1000,
                          results: results.map { result($0, corpus: corpus) }))
    }

    /// One result as one JSON object (for --jsonl).
    static func jsonLine(_ r: SearchResult, corpus: String) -> String {
        encode(result(r, corpus: corpus))
    }

    private static func result(_ r: SearchResult, corpus: String) -> JSONResult {
        JSONResult(rank: r.rank, score: (Double(r.score) * 1e6).rounded() / 1e6, source: source(r.passage, corpus: corpus),
                   lines: [r.passage.firstLine, r.passage.lastLine], title: r.passage.title, text: r.passage.text)
    }

    /// Sorted keys: the same order on every run, for scripts that compare outputs.
    private static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return String(decoding: try! encoder.encode(value), as: UTF8.self)
    }

    /// The most characters of a title the text output shows (JSON gives it whole).
    static let maxTitle = 200

    /// `title`, or its first `maxTitle` characters and `…`: a heading pasted from a long line
    /// would fill the screen.
    static func shortened(_ title: String) -> String {
        title.count <= maxTitle ? title : String(title.prefix(maxTitle - 1)) + "…"
    }

    /// The answers as text: each passage's snippet around the question's words (`full`: the whole
    /// passage), the words highlighted when `colored`.
    static func text(results: [SearchResult], corpus: String, matcher: Highlighter, colored: Bool, full: Bool) -> String {
        let highlighter = colored ? matcher : nil
        guard !results.isEmpty else { return "No passage matches this question.\n" }
        let bold = highlighter == nil ? "" : "\u{1B}[1m", dim = highlighter == nil ? "" : "\u{1B}[2m"
        let mark = highlighter == nil ? "" : "\u{1B}[1;33m", reset = highlighter == nil ? "" : "\u{1B}[0m"
        var out = ""
        for r in results {
            let p = r.passage
            out += "\(r.rank). \(bold)\(shortened(p.title))\(reset)  \(String(format: "%.3f", r.score))\n"
            out += "   \(dim)\(source(p, corpus: corpus)):\(p.firstLine)-\(p.lastLine)\(reset)\n"
            var body = full ? p.text : Snippet().of(p.text, matching: matcher)
            if let highlighter {
                body = highlighter.segments(body).map { $0.match ? mark + $0.text + reset : $0.text }.joined()
            }
            for line in body.split(separator: "\n", omittingEmptySubsequences: false) {
                out += "   \(line)\n"
            }
            out += "\n"
        }
        return out
    }
}
