import Foundation

/// The on-disk index: one file, `lore.idx`, in the index folder. Layout (all integers
/// little-endian; see docs/index-format.md for every field):
///
/// - header, 32 bytes: magic `LOREIDX\0`, format version (u32), endianness mark 0x01020304 (u32),
///   section count (u32), reserved (u32), checksum of the section table (u64);
/// - section table, 32 bytes a section: tag (4 ASCII bytes), reserved (u32), offset (u64),
///   length (u64), checksum64 of the section's bytes (u64);
/// - the sections, each starting on a 64-byte boundary (so arrays can be mapped in place).
///
/// A file is written beside the old one, fsynced and renamed over it: a reader sees the old index
/// or the new one, never a mix.
public enum IndexFile {
    public static let fileName = "lore.idx"
    public static let formatVersion: UInt32 = 1
    static let magic = Data("LOREIDX\0".utf8)
    static let endianMark: UInt32 = 0x0102_0304

    /// Why an index cannot be used; the message names the file and the fix.
    public enum Problem: Error, CustomStringConvertible {
        case missing(String)
        case damaged(String, String)
        case incompatible(String, String)

        public var description: String {
            switch self {
            case .missing(let path): return "no index at \(path): run `lore index` to build it"
            case .damaged(let path, let why):
                return "index \(path) is damaged (\(why)): run `lore index --rebuild` to build it again"
            case .incompatible(let path, let why):
                return "index \(path) cannot be read by this version of lore (\(why)): run `lore index --rebuild`"
            }
        }
    }

    // MARK: Writing

    /// Writes `index` into `folder` atomically (temporary file, fsync, rename, fsync of the folder).
    public static func write(_ index: CorpusIndex, to folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let target = folder + "/" + fileName
        let temporary = folder + "/.\(fileName).\(getpid()).lore-tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw LoreError("cannot write \(temporary): \(String(cString: strerror(errno)))") }
        var ok = true
        for piece in layout(index) where ok {
            ok = piece.withUnsafeBytes { raw -> Bool in
                var done = 0
                while done < raw.count {
                    let n = Foundation.write(fd, raw.baseAddress! + done, raw.count - done)
                    if n <= 0 { return false }
                    done += n
                }
                return true
            }
        }
        ok = ok && fsync(fd) == 0
        close(fd)
        guard ok, rename(temporary, target) == 0 else {
            let why = String(cString: strerror(errno))
            unlink(temporary)
            throw LoreError("cannot write the index \(target): \(why)")
        }
        let dir = open(folder, O_RDONLY)
        if dir >= 0 { fsync(dir); close(dir) }
    }

    /// The whole file in one buffer (for tests).
    static func encode(_ index: CorpusIndex) -> Data {
        layout(index).reduce(into: Data()) { data, piece in piece.withUnsafeBytes { data.append(contentsOf: $0) } }
    }

    /// The file as a sequence of pieces to write one after the other: header, section table,
    /// then each section and its padding. Large arrays are written from where they are, not copied.
    static func layout(_ index: CorpusIndex) -> [any ContiguousBytes] {
        var sections: [(String, any ContiguousBytes)] = []
        let config = try! JSONEncoder.sorted.encode(index.config)
        sections.append(("CONF", config))

        var files = ByteWriter()
        files.u64(UInt64(index.files.count))
        for f in index.files {
            files.string(f.path)
            files.i64(f.size)
            files.i64(f.mtimeNanos)
            files.u64(f.contentHash)
            files.u64(UInt64(f.firstPassage))
            files.u64(UInt64(f.passageCount))
        }
        sections.append(("FILE", files.data))

        let store = index.passages
        var records = ByteWriter()
        for r in store.records {
            records.u64(r.offset)
            records.array([r.titleLength, r.textLength, r.firstLine, r.lastLine, r.source, r.reserved])
        }
        var sources = ByteWriter()
        sources.u64(UInt64(store.sources.count))
        for s in store.sources { sources.string(s) }
        sections += [("PREC", records.data), ("PSRC", sources.data), ("PTXT", store.blob)]

        let counts = index.counts
        sections += [("COFF", raw(counts.offsets.map { UInt64($0) })), ("CIDX", raw(counts.indices)), ("CVAL", raw(counts.values))]

        let lexical = index.lexical
        sections += [("LSTA", raw([lexical.averageLength])), ("LIDF", raw(lexical.idf)), ("LDIV", raw(lexical.divisors)),
                     ("POFF", raw(lexical.postingOffsets.map { UInt64($0) })), ("PPAS", raw(lexical.postingPassages)),
                     ("PWGT", raw(lexical.postingWeights))]

        if let latent = index.latent {
            var rows = ByteWriter(); rows.u64(UInt64(latent.rank)); rows.u64(UInt64(latent.changedSinceFit))
            rows.array(latent.featureRow)
            sections += [("LROW", rows.data), ("LBAS", raw(latent.basis)), ("LVEC", raw(latent.passageVectors))]
        }

        let headerSize = 32, entrySize = 32
        var table = ByteWriter()
        var offset = align(headerSize + entrySize * sections.count)
        var body: [any ContiguousBytes] = []
        for (i, (tag, bytes)) in sections.enumerated() {
            let length = bytes.withUnsafeBytes { $0.count }
            table.data.append(contentsOf: Array(tag.utf8))
            table.u32(0)
            table.u64(UInt64(offset))
            table.u64(UInt64(length))
            table.u64(bytes.withUnsafeBytes { checksum64($0) })
            body.append(bytes)
            // Padding between sections only: the file ends with the last section's last byte.
            guard i + 1 < sections.count else { break }
            let start = align(offset + length)
            body.append(Data(count: start - offset - length))
            offset = start
        }
        var header = ByteWriter()
        header.data.append(magic)
        header.u32(formatVersion)
        header.u32(endianMark)
        header.u32(UInt32(sections.count))
        header.u32(0)
        header.u64(checksum64(table.data))
        var head = header.data
        head.append(table.data)
        head.append(Data(count: align(head.count) - head.count))
        return [head] + body
    }

    /// An array's bytes as the file stores them (little-endian).
    static func raw<T: FixedWidthInteger>(_ a: [T]) -> any ContiguousBytes {
        #if _endian(little)
        return ArrayBytes(array: a)
        #else
        var w = ByteWriter(); w.array(a); return w.data
        #endif
    }

    static func raw(_ a: [Float]) -> any ContiguousBytes {
        #if _endian(little)
        return ArrayBytes(array: a)
        #else
        var w = ByteWriter(); w.floats(a); return w.data
        #endif
    }

    static func align(_ n: Int) -> Int { (n + 63) & ~63 }

    // MARK: Reading

    /// True when an index file exists in `folder`.
    public static func exists(in folder: String) -> Bool {
        FileManager.default.fileExists(atPath: folder + "/" + fileName)
    }

    /// Opens the index in `folder`, checking every section's checksum.
    public static func read(from folder: String) throws -> CorpusIndex {
        let path = folder + "/" + fileName
        guard FileManager.default.fileExists(atPath: path) else { throw Problem.missing(path) }
        let data = try map(path)
        do {
            return try decode(data, path: path)
        } catch let problem as Problem {
            throw problem
        } catch {
            throw Problem.damaged(path, "truncated or inconsistent")
        }
    }

    /// The file's bytes, memory-mapped read-only: opening reads only the pages that are used.
    static func map(_ path: String) throws -> Data {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw Problem.damaged(path, "cannot be opened: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw Problem.damaged(path, "cannot be read") }
        let size = Int(st.st_size)
        guard size > 0 else { return Data() }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw Problem.damaged(path, "cannot be mapped: \(String(cString: strerror(errno)))")
        }
        return Data(bytesNoCopy: base, count: size, deallocator: .custom { pointer, count in munmap(pointer, count) })
    }

    static func decode(_ data: Data, path: String) throws -> CorpusIndex {
        var header = ByteReader(data, range: 0..<data.count)
        guard data.count >= 32, try header.bytes(8) == magic else { throw Problem.damaged(path, "not a lore index") }
        let version = try header.u32()
        let mark = try header.u32()
        guard mark == endianMark else { throw Problem.incompatible(path, "written with another byte order") }
        guard version == formatVersion else {
            throw Problem.incompatible(path, "format version \(version), this lore reads version \(formatVersion)")
        }
        let count = Int(try header.u32())
        _ = try header.u32()
        let tableSum = try header.u64()
        guard count < 1024, 32 + 32 * count <= data.count else { throw Problem.damaged(path, "bad section table") }
        let tableRange = 32..<(32 + 32 * count)
        guard checksum64(data, tableRange) == tableSum else { throw Problem.damaged(path, "section table checksum") }
        var table = ByteReader(data, range: tableRange)
        var sections: [String: Range<Int>] = [:]
        for _ in 0..<count {
            let tag = String(decoding: try table.bytes(4), as: UTF8.self)
            _ = try table.u32()
            let offset = Int(try table.u64()), length = Int(try table.u64()), sum = try table.u64()
            guard offset >= 0, length >= 0, offset + length <= data.count else {
                throw Problem.damaged(path, "section \(tag) runs past the end of the file (truncated?)")
            }
            guard checksum64(data, offset..<(offset + length)) == sum else {
                throw Problem.damaged(path, "section \(tag) checksum")
            }
            sections[tag] = offset..<(offset + length)
        }
        func section(_ tag: String) throws -> ByteReader {
            guard let r = sections[tag] else { throw Problem.damaged(path, "section \(tag) is missing") }
            return ByteReader(data, range: r)
        }
        func length(_ tag: String) -> Int { sections[tag]?.count ?? 0 }

        let confRange = try section("CONF")
        let config: IndexConfig
        do { config = try JSONDecoder().decode(IndexConfig.self, from: data.subdata(in: confRange.position..<confRange.end)) } catch {
            throw Problem.incompatible(path, "unknown configuration")
        }
        guard (4...24).contains(config.dimensionBits) else { throw Problem.incompatible(path, "dimension 2^\(config.dimensionBits)") }

        var fr = try section("FILE")
        let fileCount = Int(try fr.u64())
        guard fileCount <= data.count else { throw ByteReader.Truncated() }
        var files: [ManifestEntry] = []
        files.reserveCapacity(fileCount)
        for _ in 0..<fileCount {
            files.append(ManifestEntry(path: try fr.string(), size: try fr.i64(), mtimeNanos: try fr.i64(),
                                       contentHash: try fr.u64(), firstPassage: Int(try fr.u64()),
                                       passageCount: Int(try fr.u64())))
        }

        let recordBytes = 32
        let passageCount = length("PREC") / recordBytes
        var rr = try section("PREC")
        var records: [PassageStore.Record] = []
        records.reserveCapacity(passageCount)
        let blobRange = try section("PTXT")
        let blobLength = blobRange.end - blobRange.position
        var sr = try section("PSRC")
        let sourceCount = Int(try sr.u64())
        guard sourceCount <= data.count else { throw ByteReader.Truncated() }
        var sources: [String] = []
        for _ in 0..<sourceCount { sources.append(try sr.string()) }
        for _ in 0..<passageCount {
            let offset = try rr.u64()
            let f = try rr.array(6, of: UInt32.self)
            guard Int(offset) + Int(f[0]) + Int(f[1]) <= blobLength, Int(f[4]) < sourceCount else {
                throw Problem.damaged(path, "passage records are inconsistent")
            }
            records.append(PassageStore.Record(offset: offset, titleLength: f[0], textLength: f[1], firstLine: f[2],
                                               lastLine: f[3], source: f[4], reserved: f[5]))
        }
        let passages = PassageStore(records: records, sources: sources,
                                    blob: data[blobRange.position..<blobRange.end])

        var or = try section("COFF"), ir = try section("CIDX"), vr = try section("CVAL")
        let offsets = try or.array(length("COFF") / 8, of: UInt64.self).map { Int($0) }
        let indices = try ir.array(length("CIDX") / 4, of: UInt32.self)
        let values = try vr.floats(length("CVAL") / 4)
        guard offsets.count == passageCount + 1, offsets.first == 0, offsets.last == indices.count,
              values.count == indices.count, zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }),
              indices.allSatisfy({ Int($0) < config.dimensions }) else {
            throw Problem.damaged(path, "term counts are inconsistent")
        }
        let counts = SparseRows(offsets: offsets, indices: indices, values: values)

        var latent: LatentModel? = nil
        if sections["LROW"] != nil {
            var lr = try section("LROW"), lb = try section("LBAS"), lv = try section("LVEC")
            let rank = Int(try lr.u64())
            let changedSinceFit = Int(try lr.u64())
            let featureRow = try lr.array(config.dimensions, of: Int32.self)
            let used = featureRow.filter { $0 >= 0 }.count
            guard featureRow.allSatisfy({ Int($0) < used }) else { throw Problem.damaged(path, "latent layer rows") }
            guard rank > 0, length("LBAS") == used * rank * 4, length("LVEC") == passageCount * rank * 4 else {
                throw Problem.damaged(path, "latent layer sizes")
            }
            latent = LatentModel(rank: rank, featureRow: featureRow, basis: try lb.floats(used * rank),
                                 passageVectors: try lv.floats(passageCount * rank), changedSinceFit: changedSinceFit)
        }
        let d = config.dimensions
        var st = try section("LSTA"), ir2 = try section("LIDF"), dr = try section("LDIV")
        var por = try section("POFF"), ppr = try section("PPAS"), pwr = try section("PWGT")
        let averageLength = try st.floats(1)[0]
        let idf = try ir2.floats(d)
        let divisors = try dr.floats(passageCount)
        let postingOffsets = try por.array(d + 1, of: UInt64.self).map { Int($0) }
        let postingPassages = try ppr.array(indices.count, of: UInt32.self)
        let postingWeights = try pwr.floats(indices.count)
        guard postingOffsets.first == 0, postingOffsets.last == indices.count,
              zip(postingOffsets, postingOffsets.dropFirst()).allSatisfy({ $0 <= $1 }),
              postingPassages.allSatisfy({ Int($0) < passageCount }) else {
            throw Problem.damaged(path, "postings are inconsistent")
        }
        let lexical = LexicalModel(passages: passageCount, dimensions: d, weighting: config.weighting, idf: idf,
                                   divisors: divisors, averageLength: averageLength, postingOffsets: postingOffsets,
                                   postingPassages: postingPassages, postingWeights: postingWeights)
        return CorpusIndex(config: config, files: files, passages: passages, counts: counts, lexical: lexical, latent: latent)
    }

}

/// An array's memory seen as bytes, without copying it.
struct ArrayBytes<T>: ContiguousBytes {
    let array: [T]
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try array.withUnsafeBytes(body)
    }
}

extension JSONEncoder {
    /// An encoder with sorted keys: the index's configuration and `lore bench`'s JSON.
    public static var sorted: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }
}
