import Foundation

/// Reads one note of a notes folder by the path `lore ask` shows. It reads only what a search
/// may show: a path leading outside the folder (`..`, an absolute path elsewhere) is refused, and
/// so is a file the listing leaves out (hidden, such as `.env` or `.git/config`; named by an
/// ignore file; not a note's type), so that `get` serves no file that was never indexed.
public struct NoteReader: Sendable {
    public let corpus: String
    /// Whether ignore files and ignored folders count (false: `--no-ignore`), as for the listing.
    public let respectIgnores: Bool

    public init(corpus: String, respectIgnores: Bool = true) {
        self.corpus = corpus
        self.respectIgnores = respectIgnores
    }

    /// Why a note could not be read.
    public enum Problem: Error, CustomStringConvertible, Equatable {
        case outside(path: String, corpus: String)
        case missing(path: String, corpus: String)
        case notANote(path: String)
        case notText(path: String)

        public var description: String {
            switch self {
            case .outside(let path, let corpus): return "\(path) is outside the notes folder \(corpus)"
            case .missing(let path, let corpus): return "no note \(path) in \(corpus)"
            case .notANote(let path):
                return "\(path) is not one of the notes Lore searches (hidden, ignored by .gitignore or .loreignore, or not .md, .markdown or .txt)"
            case .notText(let path): return "\(path) is not text"
            }
        }
    }

    /// The note's text. `path` is relative to the notes folder, starts with the folder as given
    /// (`corpus/stories/a.md` with the folder `corpus`), or is absolute under the folder.
    public func read(_ path: String) throws(Problem) -> String {
        let reader = CorpusReader(root: corpus, respectIgnores: respectIgnores)
        let root = reader.root.path
        var given = path
        let prefix = corpus.hasSuffix("/") ? corpus : corpus + "/"
        if given.hasPrefix(prefix) { given = String(given.dropFirst(prefix.count)) }
        if given.hasPrefix("/") {
            // Absolute: under the folder as given or as its links resolve, else outside.
            let resolvedRoot = reader.resolvedRoot
            let absolute = URL(fileURLWithPath: given).standardizedFileURL.path
            guard let base = [root, resolvedRoot].first(where: { absolute.hasPrefix($0 == "/" ? $0 : $0 + "/") }) else {
                throw .outside(path: path, corpus: corpus)
            }
            given = String(absolute.dropFirst(base.count))
        }
        // `.` and `..` taken lexically; a `..` that climbs above the folder leads outside.
        var parts: [Substring] = []
        for part in given.split(separator: "/") where part != "." {
            if part == ".." {
                guard parts.popLast() != nil else { throw .outside(path: path, corpus: corpus) }
            } else {
                parts.append(part)
            }
        }
        let relative = parts.joined(separator: "/")
        var st = stat()
        guard !relative.isEmpty, stat(root + "/" + relative, &st) == 0 else { throw .missing(path: path, corpus: corpus) }
        guard reader.admits(relative) else { throw .notANote(path: path) }
        guard let data = FileManager.default.contents(atPath: root + "/" + relative) else {
            throw .missing(path: path, corpus: corpus)
        }
        guard let text = try? TextDecoding.decode(data).text else { throw .notText(path: path) }
        return text
    }
}
