/// What the manifest records of one note: enough to tell whether it changed since the build,
/// and which passages came from it.
public struct ManifestEntry: Equatable, Sendable {
    public var path: String
    public var size: Int64
    public var mtimeNanos: Int64
    /// `checksum64` of the file's bytes: a file touched but not changed is not re-embedded.
    public var contentHash: UInt64
    public var firstPassage: Int
    public var passageCount: Int
}

/// A built index: the notes it came from, their passages, each passage's hashed term counts
/// (kept so that a refresh after edits recomputes idf and norms exactly like a full build), and the
/// scoring layers derived from them.
public final class CorpusIndex: @unchecked Sendable {
    public let config: IndexConfig
    public let files: [ManifestEntry]
    public let passages: PassageStore
    public let counts: SparseRows
    public let lexical: LexicalModel
    public let latent: LatentModel?

    /// Derives the scoring layers from the counts. The latent layer is fitted anew, or, given the
    /// previous index and where each passage came from in it (`reused[i]`: its old index, nil when
    /// new or edited), refreshed by `LatentModel.refreshed`'s rule.
    public convenience init(config: IndexConfig, files: [ManifestEntry], passages: PassageStore, counts: SparseRows,
                            previous: (index: CorpusIndex, reused: [Int?])? = nil) {
        let lexical = LexicalModel(counts: counts, config: config)
        var latent: LatentModel? = nil
        if config.latent.dimensions > 0 {
            if let previous, let old = previous.index.latent, previous.index.config.latent == config.latent {
                latent = old.refreshed(lexical: lexical, counts: counts, reused: previous.reused,
                                       previousCount: previous.index.passages.count, config: config.latent)
            } else {
                latent = LatentModel(lexical: lexical, counts: counts, config: config.latent)
            }
        }
        self.init(config: config, files: files, passages: passages, counts: counts, lexical: lexical, latent: latent)
    }

    init(config: IndexConfig, files: [ManifestEntry], passages: PassageStore, counts: SparseRows,
         lexical: LexicalModel, latent: LatentModel?) {
        self.config = config
        self.files = files
        self.passages = passages
        self.counts = counts
        self.lexical = lexical
        self.latent = latent
    }
}
