import Foundation

/// One opened index, as every answer reads it: a request takes one snapshot and reads only it,
/// so an answer never mixes two generations of the index, whatever refresh runs meanwhile.
public final class IndexSnapshot: @unchecked Sendable {
    public let index: CorpusIndex
    public let synonyms: Synonyms?
    /// Searchers no request is using, kept for the next: a searcher's score accumulator and token
    /// cache are built once, not per answer. Guarded by `poolLock`.
    private var idle: [Searcher] = []
    private let poolLock = NSLock()
    /// 1 for the index first opened, then one more per refresh that changed it.
    public let generation: Int
    /// When the index on disk was last written (its root file's time), if known.
    public let builtAt: Date?

    init(index: CorpusIndex, synonyms: Synonyms?, generation: Int, builtAt: Date?) {
        self.index = index
        self.synonyms = synonyms
        self.generation = generation
        self.builtAt = builtAt
    }

    /// Runs `body` with a searcher of this snapshot for `options` that no other caller uses
    /// meanwhile (taken from the idle ones, or made), and keeps it for the next caller.
    public func withSearcher<T>(options: QueryOptions, _ body: (Searcher) throws -> T) rethrows -> T {
        poolLock.lock()
        let found = idle.firstIndex { $0.options == options }.map { idle.remove(at: $0) }
        poolLock.unlock()
        let searcher = found ?? Searcher(index: index, options: options, synonyms: synonyms)
        defer {
            poolLock.lock()
            if idle.count < 8 { idle.append(searcher) }
            poolLock.unlock()
        }
        return try body(searcher)
    }
}

/// What `lore serve` (and the one-shot commands) answer from: the notes folder and its index,
/// kept fresh. `snapshot()` checks the notes (sizes and times, as `lore ask` does) at most once
/// per `recheck` seconds; when they changed, the index is refreshed, the new snapshot is built
/// whole, then swapped in under a lock. While one caller refreshes, the others keep answering
/// from the snapshot they find, so queries from several clients go on during a refresh.
public final class NotesService: @unchecked Sendable {
    public let store: IndexStore
    public let options: QueryOptions
    /// Seconds between two looks at the notes folder (0: before every answer).
    public let recheck: Double
    private let overrides: (inout IndexConfig) -> Void
    private let warn: @Sendable (String) -> Void
    private let progress: BuildProgress?

    /// Guards `current` and `lastCheck`; held only to read or swap them, never while building.
    private let state = NSLock()
    private var current: IndexSnapshot?
    private var lastCheck: UInt64 = 0
    /// Held by the one caller that checks the notes and refreshes the index.
    private let refreshing = NSLock()

    public init(store: IndexStore, options: QueryOptions = QueryOptions(), recheck: Double = 0,
                overrides: @escaping (inout IndexConfig) -> Void = { _ in },
                warn: @escaping @Sendable (String) -> Void = { _ in }, progress: BuildProgress? = nil) {
        self.store = store
        self.options = options
        self.recheck = recheck
        self.overrides = overrides
        self.warn = warn
        self.progress = progress
    }

    /// The current snapshot, refreshed first when the notes changed (and `recheck` seconds
    /// passed since the last look). The first call opens (or builds) the index.
    public func snapshot() throws -> IndexSnapshot {
        try snapshot(answering: Optional<(IndexSnapshot) -> Void>.none).snapshot
    }

    /// `snapshot()`; when it opens the index for the first time, `answer` runs on it while the
    /// notes are listed, and its value comes back (nil otherwise: the caller asks the snapshot).
    private func snapshot<T>(answering answer: ((IndexSnapshot) throws -> T)?) throws -> (snapshot: IndexSnapshot, answer: T?) {
        let now = DispatchTime.now().uptimeNanoseconds
        state.lock()
        let found = current
        let due = found == nil || Double(now &- lastCheck) / 1e9 >= recheck
        state.unlock()
        if let found, !due { return (found, nil) }
        // Someone else is refreshing: answer from the snapshot there is (the first open waits).
        if let found {
            guard refreshing.try() else { return (found, nil) }
        } else {
            refreshing.lock()
        }
        defer { refreshing.unlock() }
        return try refresh(answering: answer)
    }

    /// Rebuilds the index whole (its data was found damaged: `problem`) and swaps it in.
    public func rebuild(after problem: any Error) throws -> IndexSnapshot {
        refreshing.lock()
        defer { refreshing.unlock() }
        let config = state.withLock { current?.index.config }
        warn((problem as? LoreError)?.rebuildingDescription ?? "\(problem)")
        var c = config ?? IndexConfig()
        if config == nil { overrides(&c) }
        let (index, _) = try store.build(config: c, previous: nil, warn: warn, progress: progress)
        return install(snapshot(of: index))
    }

    /// Runs `body` on a fresh snapshot; when the index data turns out damaged while it reads
    /// and the notes folder is there, the index is rebuilt and `body` runs once more. The first
    /// call runs `body` while the notes are listed (see `IndexStore.open(answering:)`).
    public func reading<T>(_ body: (IndexSnapshot) throws -> T) throws -> T {
        let (snap, early) = try withoutActuallyEscaping(body) { try snapshot(answering: $0) }
        if let early { return early }
        do {
            return try body(snap)
        } catch let problem as LoreError where problem.isCuredByRebuild && FileManager.default.fileExists(atPath: store.corpusPath) {
            return try body(try rebuild(after: problem))
        }
    }

    /// Checks the notes and refreshes when needed; the caller holds `refreshing`.
    private func refresh<T>(answering answer: ((IndexSnapshot) throws -> T)?) throws -> (snapshot: IndexSnapshot, answer: T?) {
        let start = DispatchTime.now().uptimeNanoseconds
        // The state may have moved while this caller waited for the lock.
        let previous = state.withLock { current }
        defer { state.withLock { lastCheck = start } }
        guard let previous else {
            // The snapshot answered from is the one installed when that index is opened.
            var early: IndexSnapshot?
            let (opened, value) = try store.open(overrides: overrides, warn: warn, progress: progress,
                                                 answering: answer.map { answer in { index in
                let snap = self.snapshot(of: index)
                early = snap
                return try answer(snap)
            } })
            if let report = opened.report { warn(report.summary) }
            guard let early, early.index === opened.index else { return (install(snapshot(of: opened.index)), nil) }
            return (install(early), value)
        }
        guard FileManager.default.fileExists(atPath: store.corpusPath) else {
            sayOnce("notes folder \(store.corpusPath) not found: answering from the index (generation \(previous.generation))")
            return (previous, nil)
        }
        do {
            let builder = IndexBuilder(corpus: store.corpusPath, config: previous.index.config,
                                       respectIgnores: store.respectIgnores)
            guard try builder.isStale(previous.index) else {
                lastProblem = nil
                return (previous, nil)
            }
            if lastProblem == nil { warn("notes changed since the index was built: refreshing it") }
            let (index, report) = try store.build(config: previous.index.config, previous: previous.index, warn: warn,
                                                  progress: progress)
            warn(report.summary)
            lastProblem = nil
            return (install(snapshot(of: index)), nil)
        } catch {
            // The generation in memory is whole: answer from it rather than fail every request.
            sayOnce("cannot refresh the index: \(error): answering from the one in memory (generation \(previous.generation))")
            return (previous, nil)
        }
    }

    /// The last problem said by `sayOnce`, so that a server checking every second says it once;
    /// touched only by the caller holding `refreshing`.
    private var lastProblem: String?

    /// `warn(message)` unless it is the problem said last.
    private func sayOnce(_ message: String) {
        guard message != lastProblem else { return }
        lastProblem = message
        warn(message)
    }

    /// A snapshot of `index`, with the synonyms read now, one generation after the current one.
    private func snapshot(of index: CorpusIndex) -> IndexSnapshot {
        let attributes = try? FileManager.default.attributesOfItem(atPath: store.indexPath + "/" + IndexFile.fileName)
        let synonyms = Synonyms.load(corpus: store.corpusPath)
        return IndexSnapshot(index: index, synonyms: synonyms, generation: (state.withLock { current?.generation } ?? 0) + 1,
                             builtAt: attributes?[.modificationDate] as? Date)
    }

    /// Makes `snap` the current snapshot and returns it.
    private func install(_ snap: IndexSnapshot) -> IndexSnapshot {
        state.withLock { current = snap }
        return snap
    }
}
