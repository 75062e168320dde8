import Foundation

/// What `lore status` says of one index: how many notes and passages it holds, when it was
/// written, and whether it is up to date with its notes folder. Looking reads the root of the
/// index and lists the notes folder (sizes and times); nothing is built or written.
public struct IndexStatus: Equatable, Sendable {
    public enum State: String, Sendable {
        case upToDate = "up to date"
        /// Notes were added, edited or removed since the index was written.
        case notesChanged = "notes changed"
        case notBuilt = "not built"
        /// The index is there but its notes folder is not.
        case notesMissing = "notes folder missing"
        /// The index cannot be read (`problem` says why).
        case damaged = "damaged"
    }

    public var state: State
    /// Notes and passages in the index (nil when it cannot be read).
    public var notes: Int?
    public var passages: Int?
    /// When the index was last written.
    public var built: Date?
    /// Why the index cannot be read, for `damaged`.
    public var problem: String?

    public init(state: State, notes: Int? = nil, passages: Int? = nil, built: Date? = nil, problem: String? = nil) {
        self.state = state
        self.notes = notes
        self.passages = passages
        self.built = built
        self.problem = problem
    }
}

extension IndexStore {
    /// The index's status (see `IndexStatus`).
    public func status() -> IndexStatus {
        let root = indexPath + "/" + IndexFile.fileName
        let built = (try? FileManager.default.attributesOfItem(atPath: root))?[.modificationDate] as? Date
        let index: CorpusIndex
        do { index = try IndexFile.read(from: indexPath) } catch LoreError.indexMissing {
            return IndexStatus(state: .notBuilt)
        } catch {
            return IndexStatus(state: .damaged, built: built, problem: "\(error)")
        }
        var status = IndexStatus(state: .upToDate, notes: index.files.count, passages: index.passageCount, built: built)
        if !NotesLocation.isFolder(corpusPath) {
            status.state = .notesMissing
        } else if (try? IndexBuilder(corpus: corpusPath, config: index.config, respectIgnores: respectIgnores).isStale(index)) != false {
            status.state = .notesChanged
        }
        return status
    }
}
