import Foundation

/// A user's own synonyms, from a `.lore-synonyms` file at the top of the notes folder: one group
/// of words that mean the same a line, separated by commas (`couch, sofa, settee`), as search
/// engines accept them; `#` starts a comment. A question word of a group brings the group's
/// other words at the word's own weight: the user said they mean the same in these notes.
public struct Synonyms: Equatable, Sendable {
    /// Each word (lower case) and the other words of its groups.
    public private(set) var groups: [String: [String]] = [:]

    /// The file's name in the notes folder (hidden, so it is not indexed as a note).
    public static let fileName = ".lore-synonyms"

    public init(text: String) {
        for line in text.split(whereSeparator: \.isNewline) {
            let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let words = content.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                .filter { !$0.isEmpty }
            guard words.count > 1 else { continue }
            for w in words {
                for other in words where other != w && !(groups[w]?.contains(other) ?? false) {
                    groups[w, default: []].append(other)
                }
            }
        }
    }

    /// The synonyms of the notes folder `corpus`, or nil when it has no file (or it is unreadable).
    public static func load(corpus: String) -> Synonyms? {
        guard let text = try? String(contentsOfFile: corpus + "/" + fileName, encoding: .utf8) else { return nil }
        let synonyms = Synonyms(text: text)
        return synonyms.groups.isEmpty ? nil : synonyms
    }

    /// The other words of `word`'s groups (none when it is in no group).
    public func of(_ word: String) -> [String] { groups[word.lowercased()] ?? [] }
}
