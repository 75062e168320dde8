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
    public let passages: [Passage]
    public let counts: SparseRows
    public let lexical: LexicalModel
    public let latent: LatentModel?

    /// Derives the scoring layers from the counts (fitting the latent layer when configured).
    public convenience init(config: IndexConfig, files: [ManifestEntry], passages: [Passage], counts: SparseRows) {
        let lexical = LexicalModel(counts: counts, config: config)
        let latent = config.latent.dimensions > 0
            ? LatentModel(rows: lexical.rows, dimensions: config.dimensions, config: config.latent) : nil
        self.init(config: config, files: files, passages: passages, counts: counts, lexical: lexical, latent: latent)
    }

    init(config: IndexConfig, files: [ManifestEntry], passages: [Passage], counts: SparseRows,
         lexical: LexicalModel, latent: LatentModel?) {
        self.config = config
        self.files = files
        self.passages = passages
        self.counts = counts
        self.lexical = lexical
        self.latent = latent
    }
}
