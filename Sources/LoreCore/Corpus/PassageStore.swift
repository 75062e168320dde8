import Foundation

/// The passages of an index, stored flat: a fixed-size record per passage and one UTF-8 blob of
/// titles and texts. Opening an index maps the blob and decodes a passage only when it is shown,
/// and a refresh copies the bytes of unchanged passages without decoding them.
public struct PassageStore: Sendable {
    /// Where passage i's title, text and tags sit in the blob, and its line range and source.
    /// The tags (the note's front-matter tags, embedded with each passage) follow the text.
    struct Record: Equatable {
        var offset: UInt64
        var titleLength: UInt32
        var textLength: UInt32
        var tagsLength: UInt32
        var firstLine: UInt32
        var lastLine: UInt32
        var source: UInt32
    }

    /// The records: appended in memory while a store is built, or a mapped section of an opened
    /// index (opening copies nothing; they are copied only if the store is appended to).
    struct Records {
        private var own: [Record] = []
        private var mapped: Column<Record>?

        init() {}
        init(_ records: [Record]) { own = records }
        init(_ mapped: Column<Record>) { self.mapped = mapped }

        var count: Int { mapped?.count ?? own.count }

        subscript(i: Int) -> Record {
            if let mapped { return mapped[i] }
            return own[i]
        }

        mutating func append(_ r: Record) {
            if let m = mapped { own = m.array; mapped = nil }
            own.append(r)
        }

        /// The records as a column, to write.
        var column: Column<Record> { mapped ?? Column(own) }
    }

    var records = Records()
    /// Distinct source paths; records refer to them by index.
    var sources: [String] = []
    var blob = Data()
    private var sourceIndex: [String: UInt32] = [:]

    public init() {}

    public init(_ passages: [Passage]) {
        for p in passages { append(p) }
    }

    init(records: Records, sources: [String], blob: Data) {
        self.records = records
        self.sources = sources
        self.blob = blob
    }

    public var count: Int { records.count }

    public subscript(i: Int) -> Passage {
        let r = records[i]
        let start = blob.startIndex + Int(r.offset)
        let titleEnd = start + Int(r.titleLength)
        return Passage(source: sources[Int(r.source)], firstLine: Int(r.firstLine), lastLine: Int(r.lastLine),
                       title: String(decoding: blob[start..<titleEnd], as: UTF8.self),
                       text: String(decoding: blob[titleEnd..<(titleEnd + Int(r.textLength))], as: UTF8.self))
    }

    /// What passage i was embedded from: its title, its text and its note's tags.
    public func embeddingInput(_ i: Int) -> EmbeddingInput {
        let r = records[i]
        let start = blob.startIndex + Int(r.offset)
        let titleEnd = start + Int(r.titleLength)
        let textEnd = titleEnd + Int(r.textLength)
        let title = String(decoding: blob[start..<titleEnd], as: UTF8.self)
        let text = String(decoding: blob[titleEnd..<textEnd], as: UTF8.self)
        guard r.tagsLength > 0 else { return EmbeddingInput(title: title, body: text, tags: "") }
        return EmbeddingInput(title: title, body: text, tags: String(decoding: blob[textEnd..<(textEnd + Int(r.tagsLength))], as: UTF8.self))
    }

    /// Passage i's note's front-matter tags, as embedded (space-separated in the store).
    public func tags(_ i: Int) -> [String] {
        let r = records[i]
        guard r.tagsLength > 0 else { return [] }
        let start = blob.startIndex + Int(r.offset) + Int(r.titleLength) + Int(r.textLength)
        return String(decoding: blob[start..<(start + Int(r.tagsLength))], as: UTF8.self).split(separator: " ").map(String.init)
    }

    /// Whether record i points inside the blob and at a known source: an opened index checks
    /// this before it reads the passage (its records are checked on first use, not when opened).
    func isConsistent(_ i: Int) -> Bool {
        let r = records[i]
        return r.offset <= UInt64(blob.count)
            && Int(r.offset) + Int(r.titleLength) + Int(r.textLength) + Int(r.tagsLength) <= blob.count
            && Int(r.source) < sources.count
    }

    /// The bytes of passage i (title, text, tags) in the blob.
    func byteRange(_ i: Int) -> Range<Int> {
        let r = records[i]
        return Int(r.offset)..<(Int(r.offset) + Int(r.titleLength) + Int(r.textLength) + Int(r.tagsLength))
    }

    /// Appends a passage; `tags` (the note's tags, space-separated) are embedded with it, not shown.
    public mutating func append(_ p: Passage, tags: String = "") {
        let title = Array(p.title.utf8), text = Array(p.text.utf8), tagBytes = Array(tags.utf8)
        records.append(Record(offset: UInt64(blob.count), titleLength: UInt32(title.count), textLength: UInt32(text.count),
                              tagsLength: UInt32(tagBytes.count), firstLine: UInt32(p.firstLine),
                              lastLine: UInt32(p.lastLine), source: intern(p.source)))
        blob.append(contentsOf: title)
        blob.append(contentsOf: text)
        blob.append(contentsOf: tagBytes)
    }

    /// Appends passages `range` of `other` by copying their bytes.
    public mutating func append(from other: PassageStore, _ range: Range<Int>) {
        guard !range.isEmpty else { return }
        let first = other.records[range.lowerBound]
        let lo = Int(first.offset), hi = other.byteRange(range.upperBound - 1).upperBound
        let shift = Int64(blob.count) - Int64(lo)
        blob.append(other.blob[(other.blob.startIndex + lo)..<(other.blob.startIndex + hi)])
        for i in range {
            let r = other.records[i]
            var copy = r
            copy.offset = UInt64(Int64(r.offset) + shift)
            copy.source = intern(other.sources[Int(r.source)])
            records.append(copy)
        }
    }

    private mutating func intern(_ source: String) -> UInt32 {
        // Built on the first append, not when an index is opened.
        if sourceIndex.count < sources.count { for (i, s) in sources.enumerated() { sourceIndex[s] = UInt32(i) } }
        if let i = sourceIndex[source] { return i }
        let i = UInt32(sources.count)
        sources.append(source)
        sourceIndex[source] = i
        return i
    }
}
