/// The part of a passage worth showing for a question: at most `maxLines` of its lines, the ones
/// holding the question's words (then the line after each, while room is left), long lines
/// cut to `maxWords` words around their first match, and `…` wherever text was left out. A
/// passage none of whose words match (found through the latent layer or feedback) shows its
/// first lines.
public struct Snippet {
    public var maxLines = 4
    public var maxWords = 40

    public init() {}

    public func of(_ text: String, matching highlighter: Highlighter) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let matched = lines.indices.filter { highlighter.segments(lines[$0]).contains(where: \.match) }
        // The matching lines first, then the line after each, while room is left.
        var chosen = Array(matched.prefix(maxLines))
        for i in matched where chosen.count < maxLines && i + 1 < lines.count && !chosen.contains(i + 1)
            && !lines[i + 1].allSatisfy(\.isWhitespace) {
            chosen.append(i + 1)
        }
        if chosen.isEmpty { chosen = Array(lines.indices.prefix(maxLines)) }
        chosen.sort()
        var out: [String] = []
        if chosen[0] > 0 { out.append("…") }
        for (n, i) in chosen.enumerated() {
            if n > 0, i != chosen[n - 1] + 1 { out.append("…") }
            out.append(cut(lines[i], highlighter))
        }
        if chosen.last! < lines.count - 1, lines[(chosen.last! + 1)...].contains(where: { !$0.allSatisfy(\.isWhitespace) }) {
            out.append("…")
        }
        return out.joined(separator: "\n")
    }

    /// `line`, or `maxWords` of its words around its first match, with `…` at the cut ends.
    private func cut(_ line: String, _ highlighter: Highlighter) -> String {
        let words = line.split(separator: " ", omittingEmptySubsequences: false)
        guard words.count > maxWords else { return line }
        let first = words.firstIndex { highlighter.segments(String($0)).contains(where: \.match) } ?? 0
        let start = max(0, min(first - maxWords / 4, words.count - maxWords))
        let end = min(words.count, start + maxWords)
        return (start > 0 ? "… " : "") + words[start..<end].joined(separator: " ") + (end < words.count ? " …" : "")
    }
}
