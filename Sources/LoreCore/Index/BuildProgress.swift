/// A stage of a build or refresh, as it happens, for a caller that shows progress (the library
/// itself never prints). Stages come in this order: `listed`, `reading` once per note read (its
/// count rising by one), `embedded`; then, for a full build with the latent layer,
/// `fittingLatent`; and `writing` when the index is written to its folder. A refresh that turns
/// into a full build starts again from `listed`.
public enum BuildStage: Equatable, Sendable {
    /// The notes folder was walked: `notes` notes, of which `toRead` are new or changed.
    case listed(notes: Int, toRead: Int)
    /// `done` of the `total` notes to read are read, split and embedded.
    case reading(done: Int, total: Int)
    /// Reading is over: `notes` notes gave `passages` passages to embed.
    case embedded(notes: Int, passages: Int)
    /// The latent basis is being fitted on `passages` passages.
    case fittingLatent(passages: Int)
    /// The index files are being written.
    case writing
}

/// Called with each stage of a build; calls come one at a time (never two at once), but may
/// come from a worker thread.
public typealias BuildProgress = @Sendable (BuildStage) -> Void

/// `n` and `noun`, plural unless `n` is 1 ("1 passage", "131 passages"), as build reports count.
public func counted(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
