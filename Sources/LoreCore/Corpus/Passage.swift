/// A retrievable unit of a note: one section (or part of a long section) with where it came from.
public struct Passage: Equatable, Sendable {
    /// The note's path relative to the corpus folder, with `/` separators.
    public var source: String
    /// First and last line (1-based, inclusive) of the passage's text in the note.
    public var firstLine: Int
    public var lastLine: Int
    /// The heading path, e.g. `Hybrid model routing › Result`.
    public var title: String
    /// The passage's text, as written in the note.
    public var text: String

    public init(source: String, firstLine: Int, lastLine: Int, title: String, text: String) {
        self.source = source
        self.firstLine = firstLine
        self.lastLine = lastLine
        self.title = title
        self.text = text
    }
}

/// What a passage is embedded from: its heading path (its context field) and its text and its
/// note's tags (its body field; `FieldCount`).
public struct EmbeddingInput: Sendable {
    public var title: String
    public var body: String
    /// The note's front-matter tags, space-separated ("" when it has none).
    public var tags: String

    /// The body followed by the tags: the words a passage holds, whatever their field.
    public var bodyAndTags: String { tags.isEmpty ? body : body + "\n" + tags }
}
