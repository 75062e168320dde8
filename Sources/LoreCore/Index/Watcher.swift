import Foundation

/// Keeps an index up to date while notes are edited: polls the corpus folder (sizes and times,
/// no reading), waits until it has been quiet for a moment (an editor's save often touches a
/// file several times), then refreshes the index, which re-reads only what changed.
public struct Watcher {
    public let store: IndexStore
    /// Seconds between two looks at the folder.
    public var interval: Double
    /// A change is acted on once the folder has looked the same for this long.
    public var quiet: Double

    public init(store: IndexStore, interval: Double = 0.25, quiet: Double = 0.5) {
        self.store = store
        self.interval = interval
        self.quiet = quiet
    }

    /// Refreshes the index now, then after every settled change, until `shouldStop` returns true.
    /// Each refresh's summary goes to `report`; skipped notes and errors to `warn` (an error, such
    /// as a vanished corpus folder, is reported and watching goes on).
    public func run(shouldStop: () -> Bool, report: (String) -> Void, warn: (String) -> Void) {
        let reader = CorpusReader(root: store.corpusPath, respectIgnores: store.respectIgnores)
        var indexed: [NoteFile]? = nil
        var seen: [NoteFile]? = nil
        var seenSince = Date()
        while !shouldStop() {
            let now = (try? reader.listFiles()) ?? []
            if now != seen {
                seen = now
                seenSince = Date()
            } else if now != indexed, Date().timeIntervalSince(seenSince) >= quiet || indexed == nil {
                do {
                    let (_, summary) = try store.update(rebuild: false, warn: warn)
                    report(summary.summary)
                } catch {
                    warn("\(error)")
                }
                indexed = now
            }
            Thread.sleep(forTimeInterval: indexed == nil ? 0 : interval)
        }
    }
}
