import Yams

/// The YAML block at the top of a note, between `---` lines: title, kind, domain, tags.
///
/// It is read with limits, since a note is input from anywhere: at most `maxBytes` of YAML; no
/// anchors with aliases (an alias bomb expands exponentially); only the scalar values of the
/// top-level `title`, `kind`, `domain` and `tags` keys are read from the composed nodes, never
/// the whole document as values. Anything odd is left out with one line saying so, and the
/// note's body is indexed all the same.
public struct FrontMatter: Equatable, Sendable {
    public var title: String?
    public var kind: String?
    public var domain: String?
    public var tags: [String] = []

    /// Front matter larger than this (bytes of YAML) is not read.
    public static let maxBytes = 64 * 1024

    /// What `parse` found in a note's first lines.
    struct Parsed {
        var matter = FrontMatter()
        /// The line where the body starts (0-based).
        var bodyStart = 0
        /// True when the note opens with a front matter block (read or not).
        var present = false
        /// One line naming the note and saying what was left out, when something was.
        var problem: String?
    }

    /// Splits a note into its front matter and the line where its body starts. A note without
    /// front matter (or whose block between `---` lines is not a YAML mapping, such as a
    /// paragraph between two rules) yields an empty one and line 0. Never throws: front matter
    /// that cannot be read is ignored with a `problem`, and the body starts after it.
    static func parse(lines: [Substring], source: String) -> Parsed {
        guard let first = lines.first, first.trimmingTrailingSpace() == "---" else { return Parsed() }
        guard let end = lines.indices.dropFirst().first(where: {
            let l = lines[$0].trimmingTrailingSpace()
            return l == "---" || l == "..."
        }) else { return Parsed() }
        var parsed = Parsed(bodyStart: end + 1, present: true)
        func ignored(_ why: String) -> Parsed {
            parsed.problem = "front matter of \(source) ignored: \(why)"
            return parsed
        }
        var bytes = 0
        for line in lines[1..<end] {
            bytes += line.utf8.count + 1
            if bytes > maxBytes { return ignored("larger than \(maxBytes / 1024) KiB") }
        }
        let yaml = lines[1..<end].joined(separator: "\n")
        if mayExpandAliases(yaml) { return ignored("YAML anchors and aliases are not read") }
        let node: Node?
        do { node = try Yams.compose(yaml: yaml) } catch {
            return ignored("not valid YAML (\(describe(error)))")
        }
        guard let node else { return parsed }
        guard case .mapping(let map) = node else { return Parsed() }

        var left: [String] = []
        func leave(_ what: String) { if !left.contains(what) { left.append(what) } }
        func text(_ value: Node, _ key: String) -> String? {
            guard case .scalar(let s) = value else { leave("\(key) (not text)"); return nil }
            return value.null == nil ? s.string : nil
        }
        for (key, value) in map {
            guard case .scalar(let k) = key else { leave("a key that is not text"); continue }
            switch k.string {
            case "title": parsed.matter.title = text(value, "title")
            case "kind": parsed.matter.kind = text(value, "kind")
            case "domain": parsed.matter.domain = text(value, "domain")
            case "tags":
                switch value {
                case .scalar(let s):
                    parsed.matter.tags = s.string.split(separator: ",").map { $0.trimmingCharacters() }.filter { !$0.isEmpty }
                case .sequence(let items):
                    parsed.matter.tags = items.compactMap { item -> String? in
                        guard case .scalar(let s) = item else { leave("tags that are not text"); return nil }
                        return s.string
                    }
                default:
                    leave("tags (not a list of text)")
                }
            default:
                continue
            }
        }
        if !left.isEmpty { parsed.problem = "front matter of \(source): ignored " + left.joined(separator: ", ") }
        return parsed
    }

    /// True when the YAML may hold both an anchor (`&name`) and an alias (`*name`). A superset of
    /// what a YAML parser reads as such (an `&` or `*` after anything but a letter or digit,
    /// followed by a name character), so an alias bomb never reaches the parser; without any
    /// anchor, an alias is an error of the YAML itself.
    static func mayExpandAliases(_ yaml: String) -> Bool {
        var anchor = false, alias = false
        var previous: UInt8 = 10
        var iterator = yaml.utf8.makeIterator()
        var current = iterator.next()
        while let b = current {
            let next = iterator.next()
            if b == UInt8(ascii: "&") || b == UInt8(ascii: "*") {
                let afterWord = (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(previous | 0x20)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(previous)
                let named = next.map { !" \t\r\n[]{},".utf8.contains($0) } ?? false
                if !afterWord && named {
                    if b == UInt8(ascii: "&") { anchor = true } else { alias = true }
                    if anchor && alias { return true }
                }
            }
            previous = b
            current = next
        }
        return false
    }

    /// The YAML parser's complaint in one line, with its line in the note (the block starts on
    /// the note's second line).
    static func describe(_ error: Error) -> String {
        let oneLine = { (s: String) in s.split(whereSeparator: \.isNewline).joined(separator: " ") }
        switch error as? YamlError {
        case .scanner(_, let problem, let mark, _)?, .parser(_, let problem, let mark, _)?, .composer(_, let problem, let mark, _)?:
            // libyaml stops at 1000 levels of nesting, and says how to raise the limit.
            let what = problem.hasPrefix("Maximum nesting level") ? "nested more than 1000 levels deep" : oneLine(problem)
            return "\(what) at line \(mark.line + 1)"
        case .reader(let problem, _, _, _)?:
            return oneLine(problem)
        case .duplicatedKeysInMapping?:
            return "a key appears twice"
        default:
            return "unreadable"
        }
    }
}

extension StringProtocol {
    func trimmingTrailingSpace() -> Substring {
        var s = Substring(self)
        while let last = s.last, last.isWhitespace { s = s.dropLast() }
        return s
    }

    func trimmingCharacters() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        return String(s.trimmingTrailingSpace())
    }
}
