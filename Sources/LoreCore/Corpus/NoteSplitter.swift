/// Cuts a note into passages: Markdown at its headings (ATX `#` headings and Setext headings,
/// a line of `===` or `---` under a paragraph, outside code fences), keeping the heading path as
/// the passage title; sections longer than `maxWords` at paragraph boundaries. Plain text (`.txt`)
/// has no headings and is cut at paragraphs only. Lines end at `\n`, `\r\n` or a lone `\r`.
public struct NoteSplitter: Sendable {
    /// Sections longer than this many words are cut between paragraphs.
    public var maxWords: Int

    public init(maxWords: Int = 220) { self.maxWords = maxWords }

    /// What a note gives: its passages, its front matter (tags are indexed with the note), and
    /// one line naming the note when part of its front matter was left out.
    public struct Split: Sendable {
        public var passages: [Passage]
        public var matter: FrontMatter
        public var problem: String?
    }

    /// The passages of one note. The root of every title is the front matter's title, else the
    /// note's only `#` heading when nothing comes before it, else the file name; a heading of
    /// level L replaces those of level L and deeper in the path. A note with headings or front
    /// matter but no other text is one passage of its title, headings and tags.
    public func passages(of text: String, source: String) -> Split {
        let lines = Self.lines(text)
        let isMarkdown = !source.lowercased().hasSuffix(".txt")
        let front = isMarkdown ? FrontMatter.parse(lines: lines, source: source) : FrontMatter.Parsed()
        var matter = front.matter
        let bodyStart = front.bodyStart
        let headings = isMarkdown ? Self.headings(lines, from: bodyStart) : []
        var root = matter.title ?? Self.fileTitle(source)
        let topLevel = headings.filter { $0.level == 1 }
        if matter.title == nil, topLevel.count == 1, let first = headings.first, first.level == 1,
           lines[bodyStart..<first.line].allSatisfy(Self.isBlank) {
            root = first.text
        }
        var path: [Heading] = []
        var out: [Passage] = []
        var sectionStart = bodyStart

        func flush(upTo end: Int) {
            var titles = path.map(\.text)
            if titles.first != root { titles.insert(root, at: 0) }
            appendSection(lines: lines, from: sectionStart, to: end, title: titles.joined(separator: " › "),
                          source: source, into: &out)
        }
        for heading in headings {
            flush(upTo: heading.line)
            path.removeAll { $0.level >= heading.level }
            path.append(heading)
            sectionStart = heading.next
        }
        flush(upTo: lines.count)
        if out.isEmpty, front.present || !headings.isEmpty,
           let last = lines.indices.last(where: { !Self.isBlank(lines[$0]) }) {
            var text = [root]
            for h in headings where !text.contains(h.text) { text.append(h.text) }
            if !matter.tags.isEmpty { text.append(matter.tags.joined(separator: ", ")) }
            out.append(Passage(source: source, firstLine: 1, lastLine: last + 1, title: root, text: text.joined(separator: "\n")))
        }
        if matter.title == nil { matter.title = root }
        return Split(passages: out, matter: matter, problem: front.problem)
    }

    /// The lines of a text, without their ends: `\n`, `\r\n` (one Character in Swift, so
    /// splitting on `"\n"` misses it) and a lone `\r` each end a line.
    public static func lines(_ text: String) -> [Substring] {
        var out: [Substring] = []
        let utf8 = text.utf8
        var start = utf8.startIndex
        var i = start
        while i != utf8.endIndex {
            let b = utf8[i]
            guard b == 10 || b == 13 else { i = utf8.index(after: i); continue }
            out.append(text[start..<i])
            i = utf8.index(after: i)
            if b == 13, i != utf8.endIndex, utf8[i] == 10 { i = utf8.index(after: i) }
            start = i
        }
        out.append(text[start..<utf8.endIndex])
        return out
    }

    /// A heading: the line it starts on, the line after it, its level and text.
    struct Heading: Equatable {
        var line: Int
        var next: Int
        var level: Int
        var text: String
    }

    /// The headings of lines `from...` (0-based), outside code fences: ATX (`## Result`) and
    /// Setext (a paragraph underlined with `===` for level 1 or `---` for level 2). A line of
    /// dashes after a blank line, or under a list item or quote, is a rule, not a heading.
    static func headings(_ lines: [Substring], from: Int) -> [Heading] {
        var out: [Heading] = []
        var fence: Substring? = nil
        var paragraph: Int? = nil
        var plainParagraph = false
        for i in from..<lines.count {
            let line = lines[i]
            let trimmed = line.drop(while: { $0 == " " })
            if let open = fence {
                if trimmed.hasPrefix(open) { fence = nil }
                continue
            }
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                fence = trimmed.prefix(3)
                paragraph = nil
                continue
            }
            if isBlank(line) { paragraph = nil; continue }
            if let (level, text) = atxHeading(line) {
                out.append(Heading(line: i, next: i + 1, level: level, text: text))
                paragraph = nil
                continue
            }
            if let level = setextLevel(line) {
                if let first = paragraph, plainParagraph {
                    let text = lines[first..<i].map { $0.trimmingCharacters() }.joined(separator: " ")
                    out.append(Heading(line: first, next: i + 1, level: level, text: text))
                }
                paragraph = nil
                continue
            }
            if paragraph == nil {
                paragraph = i
                // The indent is spaces, a byte each: counted in bytes, not by walking the line's
                // characters (a paragraph's line can be long).
                plainParagraph = line.utf8.count - trimmed.utf8.count < 4
            }
            if startsBlock(trimmed) { plainParagraph = false }
        }
        return out
    }

    /// 1 for a Setext underline of `=`, 2 for one of `-` (up to 3 spaces before, spaces after).
    static func setextLevel(_ line: Substring) -> Int? {
        let indent = line.prefix(while: { $0 == " " }).count
        guard indent < 4 else { return nil }
        let rest = line.dropFirst(indent).trimmingTrailingSpace()
        guard let c = rest.first, c == "=" || c == "-", rest.allSatisfy({ $0 == c }) else { return nil }
        return c == "=" ? 1 : 2
    }

    /// True when a line (without its indent) opens a list item, a quote or a table row, which a
    /// Setext underline does not turn into a heading.
    static func startsBlock(_ line: Substring) -> Bool {
        if let c = line.first, "-*+".contains(c), line.dropFirst().first.map({ $0 == " " || $0 == "\t" }) ?? true { return true }
        if line.first == ">" || line.first == "|" { return true }
        let digits = line.prefix(while: { $0.isASCII && $0.isNumber })
        if !digits.isEmpty, digits.count <= 9, let after = line.dropFirst(digits.count).first, after == "." || after == ")" {
            return true
        }
        return false
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
