import Foundation

/// Reads one note of a notes folder by the path `lore ask` shows, refusing any path that leads
/// outside the folder (`..`, an absolute path elsewhere, a symbolic link out of it).
public struct NoteReader: Sendable {
    public let corpus: String

    public init(corpus: String) { self.corpus = corpus }

    /// Why a note could not be read.
    public enum Problem: Error, CustomStringConvertible, Equatable {
        case outside(path: String, corpus: String)
        case missing(path: String, corpus: String)
        case notText(path: String)

        public var description: String {
            switch self {
            case .outside(let path, let corpus): return "\(path) is outside the notes folder \(corpus)"
            case .missing(let path, let corpus): return "no note \(path) in \(corpus)"
            case .notText(let path): return "\(path) is not text"
            }
        }
    }

    /// The note's text. `path` is relative to the notes folder, or starts with the folder as
    /// given (`corpus/stories/a.md` with the folder `corpus`).
    public func read(_ path: String) throws(Problem) -> String {
        let root = URL(fileURLWithPath: corpus).standardizedFileURL.resolvingSymlinksInPath().path
        var relative = path
        let prefix = corpus.hasSuffix("/") ? corpus : corpus + "/"
        if relative.hasPrefix(prefix) { relative = String(relative.dropFirst(prefix.count)) }
        let candidate = relative.hasPrefix("/") ? relative : root + "/" + relative
        let resolved = URL(fileURLWithPath: candidate).standardizedFileURL.resolvingSymlinksInPath().path
        guard resolved.hasPrefix(root + "/") else { throw .outside(path: path, corpus: corpus) }
        guard let data = FileManager.default.contents(atPath: resolved) else { throw .missing(path: path, corpus: corpus) }
        guard let text = try? TextDecoding.decode(data).text else { throw .notText(path: path) }
        return text
    }
}
