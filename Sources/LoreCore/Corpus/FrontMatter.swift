import Yams

/// The YAML block at the top of a note, between `---` lines: title, kind, domain, tags.
public struct FrontMatter: Equatable, Sendable {
    public var title: String?
    public var kind: String?
    public var domain: String?
    public var tags: [String] = []

    /// Splits a note into its front matter and the line where the body starts (0-based).
    /// A note without front matter yields an empty one and line 0; malformed YAML throws.
    static func parse(lines: [Substring]) throws -> (FrontMatter, bodyStart: Int) {
        guard let first = lines.first, first.trimmingTrailingSpace() == "---" else { return (FrontMatter(), 0) }
        guard let end = lines.indices.dropFirst().first(where: {
            let l = lines[$0].trimmingTrailingSpace()
            return l == "---" || l == "..."
        }) else { return (FrontMatter(), 0) }
        let yaml = lines[1..<end].joined(separator: "\n")
        var matter = FrontMatter()
        let node: Any?
        do { node = try Yams.load(yaml: yaml) } catch {
            throw LoreError("front matter is not valid YAML (\(String(describing: error).prefix(120)))")
        }
        if let map = node as? [String: Any] {
            matter.title = map["title"].map { "\($0)" }
            matter.kind = map["kind"].map { "\($0)" }
            matter.domain = map["domain"].map { "\($0)" }
            if let tags = map["tags"] as? [Any] {
                matter.tags = tags.map { "\($0)" }
            } else if let tag = map["tags"] as? String {
                matter.tags = tag.split(separator: ",").map { $0.trimmingCharacters() }
            }
        }
        return (matter, end + 1)
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
