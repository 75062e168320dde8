/// What the manifest records of one note: enough to tell whether it changed since the build,
/// and which passages came from it.
public struct ManifestEntry: Equatable, Sendable {
    public var path: String
    public var size: Int64
    public var mtimeNanos: Int64
    /// `checksum64` of the file's bytes: a file touched but not changed is not re-embedded.
    public var contentHash: UInt64
    /// The slot of the note's first passage; its passages are consecutive slots of one segment.
    public var firstPassage: Int
    public var passageCount: Int
    /// The note could not be read (permissions, an I/O error) when it was last looked at: it is
    /// read again by the next refresh that finds it readable, whatever its size and time say.
    public var unreadable = false

    /// The slots of the note's passages.
    public var slots: Range<Int> { firstPassage..<(firstPassage + passageCount) }
}

/// A built index, as one snapshot that questions read: the notes it came from (the manifest),
/// its segments (passages, postings, latent vectors), the collection statistics of the lexical
/// layer, and the latent basis. It knows nothing of ranking: Search/ composes scorers over it.
public final class CorpusIndex: @unchecked Sendable {
    public let config: IndexConfig
    public let files: [ManifestEntry]
    public let segments: [Segment]
    /// First slot of each segment, and the total after the last.
    let bases: [Int]
    public let lexical: LexicalModel
    public let latent: LatentModel?
    /// The file holding the latent basis, or nil until it is written.
    let latentName: String?
    /// The checksum of the basis file's section table (0 until it is written).
    let latentSum: UInt64
    /// The notes folder the index was built from (absolute, links resolved); empty for
    /// collections that are not folders of notes (lore eval, lore bench).
    public let notesFolder: String

    init(config: IndexConfig, files: [ManifestEntry], segments: [Segment], lexical: LexicalModel, latent: LatentModel?,
         latentName: String?, latentSum: UInt64 = 0, notesFolder: String = "") {
        self.config = config
        self.files = files
        self.segments = segments
        bases = Self.bases(segments)
        self.lexical = lexical
        self.latent = latent
        self.latentName = latentName
        self.latentSum = latentSum
        self.notesFolder = notesFolder
    }

    /// The same index, built from the notes in `folder`.
    func with(notesFolder folder: String) -> CorpusIndex {
        CorpusIndex(config: config, files: files, segments: segments, lexical: lexical, latent: latent,
                    latentName: latentName, latentSum: latentSum, notesFolder: folder)
    }

    /// First slot of each segment, and the total after the last.
    static func bases(_ segments: [Segment]) -> [Int] {
        var bases = [0]
        for s in segments { bases.append(bases.last! + s.count) }
        return bases
    }

    /// Slots in all segments, including those of edited or deleted notes not yet merged away.
    public var slots: Int { bases.last ?? 0 }
    /// Passages of the notes in the manifest.
    public var passageCount: Int { lexical.live }

    /// The segment holding `slot`, and the slot's place in it.
    func locate(_ slot: Int) -> (Segment, Int) {
        let s = Self.segment(holding: slot, bases: bases)
        return (segments[s], slot - bases[s])
    }

    /// The index of the segment holding `slot`, given the segments' `bases`.
    static func segment(holding slot: Int, bases: [Int]) -> Int {
        var lo = 0, hi = bases.count - 2
        while lo < hi { let mid = (lo + hi + 1) / 2; if bases[mid] <= slot { lo = mid } else { hi = mid - 1 } }
        return lo
    }

    /// The passage in `slot` (its text checked against its checksum on first use).
    public func passage(_ slot: Int) throws -> Passage {
        let (s, i) = locate(slot)
        return try s.passage(i)
    }

    /// The front-matter tags of the note of the passage in `slot` (each word of a tag apart).
    public func tags(_ slot: Int) throws -> [String] {
        let (s, i) = locate(slot)
        return try s.tags(i)
    }

    /// What the passage in `slot` was embedded from: title, text and its note's tags.
    func embeddingInput(_ slot: Int) throws -> EmbeddingInput {
        let (s, i) = locate(slot)
        return try s.embeddingInput(i)
    }

    /// Reads and checks everything the index holds (what questions would check piece by piece).
    func checkAll() throws {
        for s in segments { try s.checkAll() }
        try latent?.checkAllRows()
    }

    /// Every live passage in manifest order (for tests and small corpora).
    public func allPassages() throws -> [Passage] {
        var out: [Passage] = []
        for f in files { for slot in f.slots { out.append(try passage(slot)) } }
        return out
    }
}
