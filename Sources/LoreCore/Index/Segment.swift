import Foundation

/// An immutable slice of the index: some passages (records and text), their postings
/// (feature-major: for each hashed dimension used, the passages holding it and their signed
/// counts) and their latent vectors. A full build writes one segment; a refresh adds one for
/// the notes that changed and leaves the others untouched on disk, so its cost follows the edit.
///
/// Postings hold counts only: idf and the mean length move whenever any note changes,
/// so they live in the collection statistics (`LexicalModel`) and are applied at query time.
///
/// An opened segment is used in place from its mapped file. Opening checks the small sections;
/// the large ones (text, postings, vectors) carry a checksum per passage, per dimension and per
/// vector, checked the first time each is read, so a question reads only what it touches and
/// damaged data is reported, never scored.
public final class Segment: @unchecked Sendable {
    /// File name in the index folder.
    public let name: String
    public let passages: PassageStore
    /// Hashed dimensions with postings, increasing.
    let dims: Column<UInt32>
    /// Dimension `dims[j]` holds postings `offsets[j]..<offsets[j+1]`.
    let offsets: Column<UInt64>
    /// Passage (within the segment) of each posting, increasing within a dimension.
    let ids: Column<UInt32>
    /// Signed hashed count of each posting, its body and context (title) counts packed in one
    /// (`FieldCount`): BM25F's saturation, idf and length normalization are applied at query time
    /// from the statistics.
    let counts: Column<Int16>
    /// Latent vectors, row-major (passages × rank), in fixed point: component x is stored as
    /// round(x × 32767), exact to 1.5e-5 for unit vectors at half the bytes of float32. Empty
    /// without a latent layer.
    let vectors: Column<Int16>
    let rank: Int
    /// The checksum of the segment file's section table, which the root records to name the file
    /// by its content (0 for a segment built in memory and not yet written).
    let fileSum: UInt64
    /// Lazy checks of a mapped segment (nil when built in memory): checksums and flags.
    private let checks: Checks?

    public var count: Int { passages.count }
    var nonzeros: Int { ids.count }

    init(name: String, passages: PassageStore, dims: Column<UInt32>, offsets: Column<UInt64>, ids: Column<UInt32>,
         counts: Column<Int16>, vectors: Column<Int16>, rank: Int, fileSum: UInt64 = 0, checks: Checks? = nil) {
        self.name = name
        self.passages = passages
        self.dims = dims
        self.offsets = offsets
        self.ids = ids
        self.counts = counts
        self.vectors = vectors
        self.rank = rank
        self.fileSum = fileSum
        self.checks = checks
    }

    /// A segment of `passages` with hashed `counts` (one row per passage).
    convenience init(name: String, passages: PassageStore, counts: SparseRows) {
        var counter = FeatureCounter(capacity: 1 << 12)
        for f in counts.indices { counter.add(f) }
        let distinct = counter.sorted()
        let used = distinct.map(\.feature)
        let slot = FeatureIndex(used)
        var offsets = [UInt64](repeating: 0, count: used.count + 1)
        for (j, d) in distinct.enumerated() { offsets[j + 1] = offsets[j] + UInt64(d.count) }
        var cursor = offsets.map { Int($0) }
        // The postings are written in place (at 1M passages, 460 and 230 MB that an array would
        // hold twice while it was copied).
        var stored = Column<Int16>()
        let ids = Column<UInt32>(repeating: 0, count: counts.nonzeros) { ids in
            stored = Column<Int16>(repeating: 0, count: counts.nonzeros) { stored in
                // A buffer is not bounds-checked: each write stays below its feature's end, the
                // last of which is the buffers' length.
                precondition(Int(offsets[used.count]) == ids.count && ids.count == stored.count)
                for i in 0..<counts.count {
                    for j in counts.offsets[i]..<counts.offsets[i + 1] {
                        let s = slot.position(counts.indices[j])!
                        let at = cursor[s]
                        precondition(at < offsets[s + 1])
                        ids[at] = UInt32(i)
                        stored[at] = Self.storedCount(counts.values[j])
                        cursor[s] += 1
                    }
                }
            }
        }
        self.init(name: name, passages: passages, dims: Column(used), offsets: Column(offsets), ids: ids,
                  counts: stored, vectors: Column(), rank: 0)
    }

    /// The same segment with latent vectors (passages × rank, fixed point).
    func with(vectors: [Int16], rank: Int) -> Segment {
        with(vectors: Column(vectors), rank: rank)
    }

    func with(vectors: Column<Int16>, rank: Int) -> Segment {
        Segment(name: name, passages: passages, dims: dims, offsets: offsets, ids: ids, counts: counts,
                vectors: vectors, rank: rank, checks: checks)
    }

    static let vectorScale: Float = 32767

    /// A packed count (`FieldCount`, each field already clamped to its range) as stored.
    static func storedCount(_ c: Float) -> Int16 {
        Int16(clamping: Int(c.rounded()))
    }

    /// Unit vectors (floats) in the stored fixed point.
    static func quantize(_ v: [Float]) -> [Int16] {
        v.map(quantize)
    }

    @inline(__always) static func quantize(_ x: Float) -> Int16 {
        Int16(clamping: Int((x * vectorScale).rounded()))
    }

    /// The same segment as written to file `name`, whose section table has checksum `fileSum`.
    func with(name: String, fileSum: UInt64) -> Segment {
        Segment(name: name, passages: passages, dims: dims, offsets: offsets, ids: ids, counts: counts,
                vectors: vectors, rank: rank, fileSum: fileSum, checks: checks)
    }

    /// True when the segment was opened from a file (not built in this process).
    var isMapped: Bool { checks != nil }

    /// The index in `dims` of the first dimension ≥ f.
    func firstDimension(atLeast f: UInt32) -> Int {
        var lo = 0, hi = dims.count
        while lo < hi { let mid = (lo + hi) / 2; if dims[mid] < f { lo = mid + 1 } else { hi = mid } }
        return lo
    }

    /// Where dimension `f`'s postings are (empty when the segment lacks it), checked on first use.
    func postings(_ f: UInt32) throws -> Range<Int> {
        let lo = firstDimension(atLeast: f)
        guard lo < dims.count, dims[lo] == f else { return 0..<0 }
        let r = Int(offsets[lo])..<Int(offsets[lo + 1])
        try checks?.postings(lo, r, self)
        return r
    }

    /// Passage i, its bytes checked on first use.
    func passage(_ i: Int) throws -> Passage {
        try checks?.passage(i, self)
        return passages[i]
    }

    /// What passage i was embedded from, its bytes checked on first use.
    func embeddingInput(_ i: Int) throws -> EmbeddingInput {
        try checks?.passage(i, self)
        return passages.embeddingInput(i)
    }

    /// Passage i's note's tags, its bytes checked on first use.
    func tags(_ i: Int) throws -> [String] {
        try checks?.passage(i, self)
        return passages.tags(i)
    }

    /// Passage i's latent vector as stored (`rank` fixed-point values), checked on first use.
    func vector(_ i: Int) throws -> UnsafeBufferPointer<Int16> {
        try checks?.vector(i, self)
        return UnsafeBufferPointer(rebasing: vectors.buffer[(i * rank)..<((i + 1) * rank)])
    }

    /// Passage i's latent vector in floats, written to `out`.
    func vector(_ i: Int, into out: UnsafeMutablePointer<Float>) throws {
        let v = try vector(i)
        for j in 0..<rank { out[j] = Float(v[j]) / Self.vectorScale }
    }

    /// Every latent vector in floats (passages × rank), checked: for scans of all of them with
    /// BLAS. Made on first use and kept.
    func floatVectors() throws -> UnsafePointer<Float> {
        lock.lock()
        defer { lock.unlock() }
        if let cached = floatCache { return cached.buffer.baseAddress! }
        try checkAllVectors()
        let column = Column(vectors.buffer.map { Float($0) / Self.vectorScale })
        floatCache = column
        return column.buffer.baseAddress!
    }

    private let lock = NSLock()
    private var floatCache: Column<Float>?

    /// Checks every passage, posting list and vector.
    func checkAll() throws {
        for i in 0..<count { _ = try passage(i) }
        for j in 0..<dims.count { _ = try postings(dims[j]) }
        if rank > 0 { try checkAllVectors() }
    }

    /// Checks every vector once (before a scan of all of them).
    func checkAllVectors() throws {
        guard let checks else { return }
        for i in 0..<count { try checks.vector(i, self) }
    }

    // MARK: Lazy checks

    /// The checksum of postings `r` (of one dimension): their ids' bytes, XOR their weights'.
    func postingSum(_ r: Range<Int>) -> UInt64 {
        checksum64(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(ids.buffer)[(r.lowerBound * 4)..<(r.upperBound * 4)]))
            ^ checksum64(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(counts.buffer)[(r.lowerBound * 2)..<(r.upperBound * 2)]))
    }

    /// The checksum of passage i: its record's 32 bytes, XOR its bytes in the blob (title, text,
    /// tags); low 32 bits. The record must be consistent (`PassageStore.isConsistent`).
    func passageSum(_ i: Int) -> UInt32 {
        let record = withUnsafeBytes(of: passages.records[i]) { checksum64($0) }
        let r = passages.byteRange(i)
        return passages.blob.withUnsafeBytes { UInt32(truncatingIfNeeded: record ^ checksum64(UnsafeRawBufferPointer(rebasing: $0[r]))) }
    }

    /// The checksum of vector i's bytes, low 32 bits.
    func vectorSum(_ i: Int) -> UInt32 {
        UInt32(truncatingIfNeeded: checksum64(UnsafeRawBufferPointer(start: vectors.buffer.baseAddress! + i * rank, count: rank * 2)))
    }

    /// Checksums of the large sections' units and whether each was checked already. The flags
    /// are atomic and only go from 0 to 1 (after the check passed): concurrent readers at worst
    /// check a unit twice, and one that sees 1 sees the check's result.
    final class Checks: @unchecked Sendable {
        let path: String
        let passageSums: Column<UInt32>
        let postingSums: Column<UInt64>
        let vectorSums: Column<UInt32>
        private let flags: CheckedFlags
        private let dimsBase: Int, vectorsBase: Int

        init(path: String, passageSums: Column<UInt32>, postingSums: Column<UInt64>, vectorSums: Column<UInt32>) {
            self.path = path
            self.passageSums = passageSums
            self.postingSums = postingSums
            self.vectorSums = vectorSums
            dimsBase = passageSums.count
            vectorsBase = dimsBase + postingSums.count
            flags = CheckedFlags(count: vectorsBase + vectorSums.count)
        }

        private func checked(_ i: Int) -> Bool { flags.isSet(i) }
        private func markChecked(_ i: Int) { flags.set(i) }

        func damaged(_ what: String) -> Error { LoreError.indexDamaged(file: path, problem: what) }

        func postings(_ j: Int, _ r: Range<Int>, _ s: Segment) throws {
            guard !checked(dimsBase + j) else { return }
            guard s.postingSum(r) == postingSums[j] else { throw damaged("postings of dimension \(s.dims[j]) checksum") }
            var last: Int64 = -1
            for k in r {
                let id = Int64(s.ids[k])
                guard id > last, id < Int64(s.count) else { throw damaged("postings of dimension \(s.dims[j]) out of order") }
                last = id
            }
            markChecked(dimsBase + j)
        }

        func passage(_ i: Int, _ s: Segment) throws {
            guard !checked(i) else { return }
            guard s.passages.isConsistent(i) else { throw damaged("record of passage \(i) is inconsistent") }
            guard s.passageSum(i) == passageSums[i] else { throw damaged("passage \(i) checksum") }
            markChecked(i)
        }

        func vector(_ i: Int, _ s: Segment) throws {
            guard !checked(vectorsBase + i) else { return }
            guard s.vectorSum(i) == vectorSums[i] else { throw damaged("latent vector \(i) checksum") }
            markChecked(vectorsBase + i)
        }
    }

    // MARK: File

    static let magic = "LORESEG\0"

    /// The segment's sections (see docs/index-format.md).
    func sections() -> [(String, any ContiguousBytes)] {
        var head = ByteWriter()
        head.u64(UInt64(count))
        head.u64(UInt64(rank))
        var sources = ByteWriter()
        sources.u64(UInt64(passages.sources.count))
        for s in passages.sources { sources.string(s) }
        let passageSums = (0..<count).map(passageSum)
        let postingSums = (0..<dims.count).map { postingSum(Int(offsets[$0])..<Int(offsets[$0 + 1])) }
        let vectorSums = (0..<(rank > 0 ? count : 0)).map(vectorSum)
        return [("SHDR", head.data), ("PREC", passages.records.column), ("PSRC", sources.data),
                ("PSUM", Column(passageSums)), ("PTXT", passages.blob),
                ("PDIM", dims), ("POFF", offsets), ("PCHK", Column(postingSums)),
                ("PPAS", ids), ("PCNT", counts), ("LSUM", Column(vectorSums)), ("LVEC", vectors)]
    }

    /// The sections checked when a segment is opened: those read whole to open it (its header,
    /// its sources) or to find a term's postings (dimensions and offsets). The rest is checked a
    /// unit at a time on first use: a passage's record with its text, a term's postings, a
    /// vector; the per-unit checksums themselves need no check of their own, since a damaged one
    /// fails its unit's check, which is reported as damage. At 1M passages opening then checks 4.7
    /// MB of the segment instead of 46.6.
    static let sectionsCheckedAtOpen = ["SHDR", "PSRC", "PDIM", "POFF"]

    /// The segment of the opened file `f`, named `name` in its folder.
    static func open(_ f: SectionFile, name: String, dimensions: Int) throws -> Segment {
        try f.verify(sectionsCheckedAtOpen)
        let damaged = { (why: String) in LoreError.indexDamaged(file: f.path, problem: why) }
        var head = try f.reader("SHDR")
        let n = try head.int(), rank = try head.int()
        guard n <= f.file.size, rank <= 4096 else { throw damaged("segment header") }
        let records = try f.column("PREC", count: n, of: PassageStore.Record.self)
        var sr = try f.reader("PSRC")
        let sourceCount = try sr.int()
        guard sourceCount <= f.file.size else { throw damaged("sources") }
        var sources: [String] = []
        try sr.withCursor { c in
            for _ in 0..<sourceCount { sources.append(try c.string()) }
        }
        let blob = try f.data("PTXT")
        let dims = try f.column("PDIM", of: UInt32.self)
        let offsets = try f.column("POFF", count: dims.count + 1, of: UInt64.self)
        let ids = try f.column("PPAS", of: UInt32.self)
        let counts = try f.column("PCNT", count: ids.count, of: Int16.self)
        var previous: Int64 = -1
        for j in 0..<dims.count {
            guard Int64(dims[j]) > previous, Int(dims[j]) < dimensions, offsets[j] <= offsets[j + 1] else {
                throw damaged("postings are inconsistent")
            }
            previous = Int64(dims[j])
        }
        guard offsets[0] == 0, offsets[dims.count] == UInt64(ids.count) else { throw damaged("postings are inconsistent") }
        let vectors = try f.column("LVEC", count: n * rank, of: Int16.self)
        let checks = Checks(path: f.path, passageSums: try f.column("PSUM", count: n, of: UInt32.self),
                            postingSums: try f.column("PCHK", count: dims.count, of: UInt64.self),
                            vectorSums: try f.column("LSUM", count: rank > 0 ? n : 0, of: UInt32.self))
        let segment = Segment(name: name, passages: PassageStore(records: PassageStore.Records(records), sources: sources, blob: blob),
                              dims: dims, offsets: offsets, ids: ids, counts: counts, vectors: vectors, rank: rank,
                              fileSum: f.tableSum, checks: checks)
        return segment
    }
}
