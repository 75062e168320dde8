/// Cuts a note into passages: Markdown at its headings (ATX `#` headings outside code fences),
/// keeping the heading path as the passage title; sections longer than `maxWords` at paragraph
/// boundaries. Plain text (`.txt`) has no headings and is cut at paragraphs only.
public struct NoteSplitter: Sendable {
    /// Sections longer than this many words are cut between paragraphs.
    public var maxWords: Int

    public init(maxWords: Int = 220) { self.maxWords = maxWords }

    /// The passages of one note, plus its front matter's tags (indexed with the note).
    public func passages(of text: String, source: String) throws -> (passages: [Passage], matter: FrontMatter) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
            line.last == "\r" ? line.dropLast() : line
        }
        let isMarkdown = !source.lowercased().hasSuffix(".txt")
        var (matter, bodyStart) = isMarkdown ? try FrontMatter.parse(lines: lines) : (FrontMatter(), 0)
        let fileTitle = Self.fileTitle(source)
        var root = matter.title ?? fileTitle
        var headings: [(level: Int, text: String)] = []
        var out: [Passage] = []
        var sectionStart = bodyStart
        var fence: Substring? = nil

        func flush(upTo end: Int) {
            var path = headings.map(\.text)
            if path.first != root { path.insert(root, at: 0) }
            appendSection(lines: lines, from: sectionStart, to: end, title: path.joined(separator: " › "),
                          source: source, into: &out)
        }

        for i in bodyStart..<lines.count {
            let line = lines[i]
            let trimmed = line.drop(while: { $0 == " " })
            if let open = fence {
                if trimmed.hasPrefix(open) { fence = nil }
                continue
            }
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                fence = trimmed.prefix(3)
                continue
            }
            guard isMarkdown, let (level, heading) = Self.atxHeading(line) else { continue }
            flush(upTo: i)
            if level == 1 && matter.title == nil && headings.isEmpty && out.isEmpty { root = heading }
            headings.removeAll { $0.level >= level }
            headings.append((level, heading))
            sectionStart = i + 1
        }
        flush(upTo: lines.count)
        if matter.title == nil { matter.title = root }
        return (out, matter)
    }

    /// Appends the passages of lines `from..<to` (0-based): one per section, or several when the
    /// section is long, cut between paragraphs.
    private func appendSection(lines: [Substring], from: Int, to: Int, title: String, source: String,
                               into out: inout [Passage]) {
        var paragraphs: [(first: Int, last: Int, words: Int)] = []
        var i = from
        while i < to {
            if Self.isBlank(lines[i]) { i += 1; continue }
            let first = i
            var words = 0
            while i < to, !Self.isBlank(lines[i]) {
                words += Self.wordCount(lines[i])
                i += 1
            }
            paragraphs.append((first, i - 1, words))
        }
        var chunkStart = 0
        while chunkStart < paragraphs.count {
            var end = chunkStart
            var words = paragraphs[chunkStart].words
            while end + 1 < paragraphs.count, words + paragraphs[end + 1].words <= maxWords {
                end += 1
                words += paragraphs[end].words
            }
            let first = paragraphs[chunkStart].first, last = paragraphs[end].last
            let text = lines[first...last].joined(separator: "\n")
            out.append(Passage(source: source, firstLine: first + 1, lastLine: last + 1, title: title, text: text))
            chunkStart = end + 1
        }
    }

    /// True for a line of spaces and tabs only (ASCII: Markdown's own notion of a blank line).
    static func isBlank(_ line: Substring) -> Bool {
        line.utf8.allSatisfy { $0 == 32 || $0 == 9 || $0 == 13 }
    }

    /// Words of a line: runs of bytes between ASCII spaces and tabs.
    static func wordCount(_ line: Substring) -> Int {
        var count = 0
        var inWord = false
        for b in line.utf8 {
            let space = b == 32 || b == 9 || b == 13
            if !space && !inWord { count += 1 }
            inWord = !space
        }
        return count
    }

    /// `(level, text)` when the line is an ATX heading such as `## Result`.
    static func atxHeading(_ line: Substring) -> (Int, String)? {
        let indent = line.prefix(while: { $0 == " " }).count
        guard indent < 4 else { return nil }
        let rest = line.dropFirst(indent)
        let level = rest.prefix(while: { $0 == "#" }).count
        guard (1...6).contains(level) else { return nil }
        let after = rest.dropFirst(level)
        guard after.isEmpty || after.first == " " || after.first == "\t" else { return nil }
        var text = after.trimmingCharacters()
        // An optional closing run of #s.
        while text.hasSuffix("#") { text.removeLast() }
        text = text.trimmingCharacters()
        return text.isEmpty ? nil : (level, text)
    }

    /// A readable title from a file name: `stories/hybrid-model-routing.md` → `hybrid model routing`.
    static func fileTitle(_ source: String) -> String {
        let name = source.split(separator: "/").last.map(String.init) ?? source
        let stem = name.split(separator: ".").dropLast().joined(separator: ".")
        return (stem.isEmpty ? name : stem).replacingAll("-", with: " ").replacingAll("_", with: " ")
    }
}

extension String {
    func replacingAll(_ a: Character, with b: Character) -> String {
        String(map { $0 == a ? b : $0 })
    }
}
