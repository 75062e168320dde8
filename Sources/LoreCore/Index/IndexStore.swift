import Foundation

/// An index folder tied to its corpus folder: opens the index, and builds or refreshes it when it
/// is missing, stale, damaged, of an older format, built from another folder or with other
/// settings. Writers hold an exclusive lock (`index/.lock`), so two builds never interleave; a
/// second writer waits for the first.
public struct IndexStore {
    public let corpusPath: String
    public let indexPath: String
    /// Honour `.gitignore` and `.loreignore` and skip folders such as `node_modules` (false:
    /// `--no-ignore`). Not stored with the index: every command that reads the notes takes it.
    public let respectIgnores: Bool

    public init(corpus: String, index: String, respectIgnores: Bool = true) {
        corpusPath = corpus
        indexPath = index
        self.respectIgnores = respectIgnores
    }

    /// The result of `open`: the index and, when it had to be built first, what was done and why.
    public struct Opened {
        public var index: CorpusIndex
        /// Why the index was (re)built, or nil when it was used as it was.
        public var reason: String?
        public var report: BuildReport?
    }

    private var corpusExists: Bool { FileManager.default.fileExists(atPath: corpusPath) }

    /// The index as it is in the folder, or nil when there is none; a problem that a rebuild
    /// cures (damage, another format, another notes folder) is returned beside it, not thrown.
    private func readExisting() throws -> (CorpusIndex?, LoreError?) {
        do {
            let index = try IndexFile.read(from: indexPath)
            if let newer = whenNoWriter({ IndexFile.fileNewerThanRoot(in: indexPath, of: index) }) ?? nil {
                return (nil, .indexDamaged(file: indexPath + "/" + IndexFile.fileName,
                                           problem: "\(newer) is newer than the root and not named by it"))
            }
            if !index.notesFolder.isEmpty, corpusExists {
                let given = CorpusReader(root: corpusPath).resolvedRoot
                if given != index.notesFolder {
                    return (nil, .indexOfAnotherFolder(index: indexPath, builtFrom: index.notesFolder, given: given))
                }
            }
            return (index, nil)
        } catch LoreError.indexMissing {
            return (nil, nil)
        } catch let error as LoreError where error.isCuredByRebuild {
            return (nil, error)
        }
    }

    /// The index, up to date with the corpus. `overrides` changes the stored settings (a change
    /// that alters the vectors rebuilds). When the corpus folder is missing but an index exists,
    /// the index is used as it is, and `warn` says so. Notices (why a build happens, notes skipped) go to `warn`,
    /// the stages of a build to `progress`.
    public func open(overrides: (inout IndexConfig) -> Void = { _ in }, warn: (String) -> Void = { _ in },
                     progress: BuildProgress? = nil) throws -> Opened {
        try open(overrides: overrides, warn: warn, progress: progress, answering: Optional<(CorpusIndex) -> Void>.none).opened
    }

    /// `open`, with `answer` run on the index as read, while the notes are still being listed: a
    /// question answered during the freshness check instead of after it. Its value comes back
    /// when that index is the one opened (current with the notes, or the notes folder missing);
    /// nil when the index was built or refreshed, or `answer` threw (the caller then asks the
    /// opened index, and meets the error there).
    public func open<T>(overrides: (inout IndexConfig) -> Void = { _ in }, warn: (String) -> Void = { _ in },
                        progress: BuildProgress? = nil,
                        answering answer: ((CorpusIndex) throws -> T)?) throws -> (opened: Opened, answer: T?) {
        removeLeftovers()
        // The notes are listed on a thread of its own, filling the cores with system calls,
        // while this one reads the index and answers from it (over 100k notes of 1M passages, a
        // whole `lore ask` took 62.5 ms without the notes folder and 133 ms with it: the listing
        // is the longer part).
        let notesThere = corpusExists
        let (listing, (read, early)) = listingNotes(if: notesThere, alongside: { () -> (Result<(CorpusIndex?, LoreError?), any Error>, T?) in
            let read = Result { try readExisting() }
            guard let answer, case .success((let existing?, _)) = read else { return (read, nil) }
            var config = existing.config
            overrides(&config)
            return (read, config == existing.config ? try? answer(existing) : nil)
        })
        let (existing, problem) = try read.get()
        var config = existing?.config ?? IndexConfig()
        overrides(&config)
        if let existing {
            if !notesThere {
                // A mistyped folder must not pass unseen: say where the answers come from.
                warn("notes folder \(corpusPath) not found: answering from the index in \(indexPath) as it was built")
                return (Opened(index: existing, reason: nil, report: nil), early)
            }
            let builder = IndexBuilder(corpus: corpusPath, config: config, respectIgnores: respectIgnores)
            if config == existing.config, try !builder.isStale(existing, listed: listing?.get().files) {
                return (Opened(index: existing, reason: nil, report: nil), early)
            }
        }
        guard notesThere else {
            if let problem { throw problem }
            throw LoreError.notesFolderMissing(folder: corpusPath, index: indexPath)
        }
        let reason: String
        if let problem { reason = problem.rebuildingDescription }
        else if existing == nil { reason = "no index in \(indexPath) yet: building it" }
        else if existing!.config != config { reason = "settings changed: rebuilding the index" }
        else { reason = "notes changed since the index was built: refreshing it" }
        // A folder that cannot be made is the one line said, not a build announced and then failed.
        try IndexFile.makeFolder(indexPath)
        warn(reason)
        do {
            // The listing made above serves the build (one that failed is made again, to throw).
            let (index, report) = try build(config: config, previous: existing, listed: try? listing?.get(), warn: warn,
                                            progress: progress)
            return (Opened(index: index, reason: reason, report: report), nil)
        } catch let error as LoreError where error.isWriteProblem && existing != nil && problem == nil {
            // A full disk or a folder that cannot be written leaves the last commit intact:
            // answer from it, and say that it is behind the notes.
            warn("\(error.description): answering from the index as it was built")
            return (Opened(index: existing!, reason: nil, report: nil), nil)
        }
    }

    /// Runs `body` on `index`. Index data is checked as it is read: when `body` finds it damaged
    /// and the corpus is there, the index is rebuilt (saying so on `warn`) and `body` runs again
    /// on the new one; without the corpus the damage is reported.
    public func reading<T>(_ index: CorpusIndex, warn: (String) -> Void = { _ in }, progress: BuildProgress? = nil,
                           _ body: (CorpusIndex) throws -> T) throws -> T {
        do {
            return try body(index)
        } catch let problem as LoreError where problem.isCuredByRebuild {
            guard corpusExists else { throw problem }
            warn(problem.rebuildingDescription)
            let (rebuilt, _) = try build(config: index.config, previous: nil, warn: warn, progress: progress)
            return try body(rebuilt)
        }
    }

    /// Builds (or, given `previous`, refreshes) the index from the notes as `listed` (nil: list
    /// them now) and writes it atomically under the lock; when no note changed since `previous`
    /// (read from this folder), nothing is written and `previous` comes back. Its stages go to
    /// `progress` (see `BuildStage`).
    public func build(config: IndexConfig, previous: CorpusIndex?, listed: NoteListing? = nil,
                      warn: (String) -> Void = { _ in }, progress: BuildProgress? = nil) throws -> (CorpusIndex, BuildReport) {
        try IndexFile.makeFolder(indexPath)
        return try withLock(warn: warn) {
            let start = DispatchTime.now().uptimeNanoseconds
            var (index, report) = try IndexBuilder(corpus: corpusPath, config: config, respectIgnores: respectIgnores)
                .build(previous: previous, listed: listed, warn: warn, progress: progress)
            if report.isNoOp, let previous, previous.config == config, previous.notesFolder == index.notesFolder {
                // Nothing changed: the committed root already holds all of it (rewriting its 18 MB
                // at 1M passages would only move its time), and only what a killed writer left goes.
                IndexFile.removeFiles(notNamedBy: previous, in: indexPath)
                report.milliseconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
                return (previous, report)
            }
            progress?(.writing)
            // Files left by a writer killed before its commit are removed by this commit.
            index = try IndexFile.write(index, to: indexPath)
            // The time reported covers the whole refresh: reading, embedding, deriving, writing.
            report.milliseconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
            return (index, report)
        }
    }

    /// `lore index`: refresh what changed since the last build, or everything with `rebuild`.
    /// An index that cannot be refreshed (damaged, of an older format, built from another notes
    /// folder) is rebuilt, and `warn` says why.
    public func update(rebuild: Bool, overrides: (inout IndexConfig) -> Void = { _ in },
                       warn: (String) -> Void = { _ in }, progress: BuildProgress? = nil) throws -> (CorpusIndex, BuildReport) {
        // The notes are listed on a thread of their own while the index is read, as `open` does
        // (over 100k notes, an up-to-date `lore index` took 243 ms one after the other).
        let notesThere = corpusExists
        let (listing, read) = listingNotes(if: notesThere, alongside: { rebuild ? nil : Result { try readExisting() } })
        var previous: CorpusIndex? = nil
        if let read {
            let (existing, problem) = try read.get()
            if let problem, notesThere { warn(problem.rebuildingDescription) }
            previous = existing
        }
        var config = previous?.config ?? IndexConfig()
        overrides(&config)
        // A listing that failed is made again by the build, to throw.
        return try build(config: config, previous: previous, listed: try? listing?.get(), warn: warn, progress: progress)
    }

    /// The notes folder's listing (when `notesThere`), made on a thread of its own while `main`
    /// runs on this one: the listing fills the cores with system calls while the index is read.
    private func listingNotes<T>(if notesThere: Bool, alongside main: () -> T) -> (Result<NoteListing, any Error>?, T) {
        Parallel.alongside({
            notesThere ? Result { try CorpusReader(root: corpusPath, respectIgnores: respectIgnores).listing() } : nil
        }, main)
    }

    /// Removes the temporary files of writers killed before their rename, when no writer is at
    /// work (the lock is free). Whole files a killed writer renamed but never committed are
    /// removed by the next commit, which knows what its root refers to.
    private func removeLeftovers() {
        _ = whenNoWriter {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: indexPath)) ?? [] where name.hasSuffix(".lore-tmp") {
                unlink(indexPath + "/" + name)
            }
        }
    }

    /// Runs `body` while no writer is at work (holding the lock without waiting for it; a folder
    /// without a lock file has never had one); nil when a writer holds the lock.
    private func whenNoWriter<T>(_ body: () -> T) -> T? {
        let fd = Foundation.open(indexPath + "/.lock", O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return body() }
        defer { close(fd) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { return nil }
        defer { flock(fd, LOCK_UN) }
        return body()
    }

    /// Runs `body` holding the lock; when another writer holds it, says so on `warn` and waits.
    private func withLock<T>(warn: (String) -> Void, _ body: () throws -> T) throws -> T {
        let lockPath = indexPath + "/.lock"
        let fd = Foundation.open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw LoreError.writeFailed(path: lockPath, reason: LoreError.reason()) }
        defer { close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK else { throw LoreError.lockFailed(path: lockPath, reason: LoreError.reason()) }
            warn("another lore is writing \(indexPath); waiting for it")
            while flock(fd, LOCK_EX) != 0 {
                guard errno == EINTR else { throw LoreError.lockFailed(path: lockPath, reason: LoreError.reason()) }
            }
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }
}
