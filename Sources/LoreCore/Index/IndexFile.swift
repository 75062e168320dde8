import Foundation

/// The on-disk index: a folder of files in the `SectionFile` container (see docs/index-format.md).
///
/// - `lore.idx`, the root: settings, the manifest of notes, the list of segments, the
///   collection statistics (document frequencies, each slot's inverse divisor, the bounds used
///   for pruning) and the name of the latent basis file. Small: rewritten by every refresh.
/// - `seg-<n>.los`, segments: passages, postings and latent vectors. Immutable once written.
/// - `lsa-<n>.lob`, the latent basis. Written when the basis is fitted.
///
/// A commit writes new segment and basis files under fresh names, fsyncs them, then writes the
/// root beside the old one, fsyncs it and renames it over the old one, and fsyncs the folder:
/// a reader sees the old index or the new one, never a mix. Files no root refers to any more
/// are removed afterwards (a reader still holding them keeps its mapping).
public enum IndexFile {
    public static let fileName = "lore.idx"
    static let magic = "LOREIDX\0"
    static let latentMagic = "LORELSA\0"

    /// Creates `folder` and its parents as needed. Throws `indexNotAFolder` when it is a file,
    /// `writeFailed` with the system's reason when it cannot be made.
    public static func makeFolder(_ folder: String) throws {
        var st = stat()
        if stat(folder, &st) == 0, (st.st_mode & S_IFMT) != S_IFDIR { throw LoreError.indexNotAFolder(path: folder) }
        try LoreError.makeFolder(folder)
    }

    // MARK: Writing

    /// Commits `index` into `folder` (new files first, the root last, then the old files are
    /// removed). Returns the index as written, its new files named. The caller holds the lock.
    @discardableResult
    public static func write(_ index: CorpusIndex, to folder: String) throws -> CorpusIndex {
        try makeFolder(folder)
        // Files this commit wrote: removed again when it fails before its root is in place (a
        // full disk), so they do not wait for the next commit.
        var newFiles: [String] = []
        do {
            return try commit(index, to: folder, newFiles: &newFiles)
        } catch {
            for name in newFiles { unlink(folder + "/" + name) }
            throw error
        }
    }

    /// `write`'s steps: each new file's name goes to `newFiles` as soon as it is in place.
    private static func commit(_ index: CorpusIndex, to folder: String, newFiles: inout [String]) throws -> CorpusIndex {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        var generation = names.compactMap(generationOf).max() ?? 0
        var segments: [Segment] = []
        for segment in index.segments {
            if segment.isMapped && names.contains(segment.name) {
                segments.append(segment)
                continue
            }
            generation += 1
            let name = "seg-\(generation).los"
            let sum = try SectionFile.write(segment.sections(), magic: Segment.magic, to: folder + "/" + name)
            newFiles.append(name)
            segments.append(segment.with(name: name, fileSum: sum))
        }
        var latentName = index.latentName
        var latentSum = index.latentSum
        if let latent = index.latent, latentName == nil || !names.contains(latentName!) {
            generation += 1
            latentName = "lsa-\(generation).lob"
            var rows = ByteWriter()
            rows.u64(UInt64(latent.rank))
            rows.u64(UInt64(latent.features.count))
            rows.array(latent.features)
            latentSum = try SectionFile.write([("LROW", rows.data), ("LBAS", latent.basis), ("LBSM", Column(latent.rowSums))], magic: latentMagic,
                                              to: folder + "/" + latentName!)
            newFiles.append(latentName!)
        }
        let written = CorpusIndex(config: index.config, files: index.files, segments: segments, lexical: index.lexical,
                                  latent: index.latent, latentName: index.latent == nil ? nil : latentName,
                                  latentSum: index.latent == nil ? 0 : latentSum, notesFolder: index.notesFolder)
        try SectionFile.write(rootSections(written), magic: magic, to: folder + "/" + fileName)
        let dir = open(folder, O_RDONLY)
        if dir >= 0 { fsync(dir); close(dir) }
        removeFiles(notNamedBy: written, in: folder, names: names)
        return written
    }

    /// Removes the files of earlier commits, and of writers killed before their commit: segment
    /// and basis files that `index` (the committed root) does not name, and temporary files.
    /// `names`: the folder's entries, when the caller has listed them. The caller holds the lock.
    static func removeFiles(notNamedBy index: CorpusIndex, in folder: String, names: [String]? = nil) {
        let names = names ?? (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        let referenced = Set(index.segments.map(\.name) + [index.latentName].compactMap { $0 })
        for name in names where (generationOf(name) != nil && !referenced.contains(name)) || name.hasSuffix(".lore-tmp") {
            unlink(folder + "/" + name)
        }
    }

    /// A segment or basis file in `folder` that `index`'s root does not name and that is newer
    /// than every file it names, or nil. After a commit there is none: such a file is what an
    /// older root put back over a newer one leaves, or a writer killed between writing its
    /// files and renaming its root (only look when no writer is at work).
    static func fileNewerThanRoot(in folder: String, of index: CorpusIndex) -> String? {
        let named = Set(index.segments.map(\.name) + [index.latentName].compactMap { $0 })
        let newest = named.compactMap(generationOf).max() ?? 0
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.sorted().first { name in
            guard let g = generationOf(name) else { return false }
            return g > newest && !named.contains(name)
        }
    }

    /// The generation number in a segment or basis file name.
    static func generationOf(_ name: String) -> Int? {
        for (prefix, suffix) in [("seg-", ".los"), ("lsa-", ".lob")] where name.hasPrefix(prefix) && name.hasSuffix(suffix) {
            return Int(name.dropFirst(prefix.count).dropLast(suffix.count))
        }
        return nil
    }

    static func rootSections(_ index: CorpusIndex) -> [(String, any ContiguousBytes)] {
        let config = try! JSONEncoder.sorted.encode(index.config)
        var files = ByteWriter()
        files.u64(UInt64(index.files.count))
        for f in index.files {
            files.string(f.path)
            files.i64(f.size)
            files.i64(f.mtimeNanos)
            files.u64(f.contentHash)
            files.u64(UInt64(f.firstPassage))
            files.u64(UInt64(f.passageCount))
            files.u64(f.unreadable ? 1 : 0)
        }
        var segments = ByteWriter()
        segments.u64(UInt64(index.segments.count))
        for s in index.segments {
            segments.string(s.name)
            segments.u64(UInt64(s.count))
            segments.u64(s.fileSum)
        }
        var latent = ByteWriter()
        latent.string(index.latentName ?? "")
        latent.u64(UInt64(index.latent?.changedSinceFit ?? 0))
        latent.u64(index.latentSum)
        var notes = ByteWriter()
        notes.string(index.notesFolder)
        let lexical = index.lexical
        var stats = ByteWriter()
        stats.u64(UInt64(lexical.live))
        stats.u32(lexical.averageLength.bitPattern)
        stats.u64(UInt64(lexical.terms.count))
        return [("CONF", config), ("NOTE", notes.data), ("FILE", files.data), ("SEGS", segments.data), ("LATN", latent.data),
                ("LSTA", stats.data), ("TERM", lexical.terms), ("DFRQ", lexical.df), ("LNRM", lexical.lengthNorms),
                ("LCTX", lexical.contextRatios),
                ("LMAX", lexical.maxWeights), ("LMIN", lexical.minWeights)]
    }

    // MARK: Reading

    /// Opens the index in `folder`: the root is read and checked whole, segments are mapped and
    /// their small sections checked; text, postings and vectors are checked as they are first read.
    public static func read(from folder: String) throws -> CorpusIndex {
        let path = folder + "/" + fileName
        var st = stat()
        if stat(folder, &st) == 0, (st.st_mode & S_IFMT) != S_IFDIR { throw LoreError.indexNotAFolder(path: folder) }
        guard FileManager.default.fileExists(atPath: path) else { throw LoreError.indexMissing(file: path) }
        // A writer may commit and remove the files of the root just read: read the new root.
        var attempt = 0
        while true {
            do {
                return try decode(folder: folder)
            } catch SegmentGone.gone where attempt < 3 {
                attempt += 1
            } catch SegmentGone.gone {
                throw LoreError.indexDamaged(file: path, problem: "a file it refers to is missing")
            } catch let problem as LoreError {
                throw problem
            } catch {
                throw LoreError.indexDamaged(file: path, problem: "truncated or inconsistent")
            }
        }
    }

    private enum SegmentGone: Error { case gone }

    static func decode(folder: String) throws -> CorpusIndex {
        let root = try SectionFile.open(folder + "/" + fileName, magic: magic)
        let path = root.path
        try root.verify(Array(root.sections.keys))
        let config: IndexConfig
        do { config = try JSONDecoder().decode(IndexConfig.self, from: try root.data("CONF")) } catch {
            throw LoreError.indexIncompatible(file: path, reason: "unknown configuration")
        }
        guard (4...31).contains(config.dimensionBits) else { throw LoreError.indexIncompatible(file: path, reason: "dimension 2^\(config.dimensionBits)") }
        let d = config.dimensions

        var sr = try root.reader("SEGS")
        let segmentCount = try sr.int()
        guard segmentCount <= 1 << 20 else { throw LoreError.indexDamaged(file: path, problem: "segment list") }
        var segments: [Segment] = []
        for _ in 0..<segmentCount {
            let name = try sr.string(), count = try sr.int(), sum = try sr.u64()
            guard generationOf(name) != nil, !name.contains("/") else { throw LoreError.indexDamaged(file: path, problem: "segment list") }
            // The root names each file by its content: a file swapped, replaced or left from
            // another build is damage, never read as if it belonged.
            let file: SectionFile
            do { file = try SectionFile.open(folder + "/" + name, magic: Segment.magic) } catch LoreError.indexMissing { throw SegmentGone.gone }
            guard file.tableSum == sum else {
                throw LoreError.indexDamaged(file: file.path, problem: "not the segment \(fileName) was written with")
            }
            let segment = try Segment.open(file, name: name, dimensions: d)
            guard segment.count == count else { throw LoreError.indexDamaged(file: path, problem: "segment \(name) does not match the index") }
            segments.append(segment)
        }
        guard sr.position == sr.end else { throw LoreError.indexDamaged(file: path, problem: "segment list") }
        let slots = segments.reduce(0) { $0 + $1.count }

        var fr = try root.reader("FILE")
        let fileCount = try fr.int()
        guard fileCount <= root.file.size else { throw ByteReader.Truncated() }
        var files: [ManifestEntry] = []
        files.reserveCapacity(fileCount)
        try fr.withCursor { c in
            for _ in 0..<fileCount {
                let note = try c.string(), size = try c.i64(), mtime = try c.i64(), hash = try c.u64()
                let first = try c.int(), count = try c.int(), unreadable = try Self.flag(&c)
                let entry = ManifestEntry(path: note, size: size, mtimeNanos: mtime, contentHash: hash, firstPassage: first,
                                          passageCount: count, unreadable: unreadable)
                guard entry.firstPassage >= 0, entry.passageCount >= 0, entry.slots.upperBound <= slots else { throw LoreError.indexDamaged(file: path, problem: "manifest") }
                files.append(entry)
            }
        }

        var st = try root.reader("LSTA")
        let live = try st.int()
        let averageLength = Float(bitPattern: try st.u32())
        let termCount = try st.int()
        guard termCount <= root.file.size else { throw LoreError.indexDamaged(file: path, problem: "term count") }
        let norms = try root.column("LNRM", count: slots, of: Float.self)
        let ratios = try root.column("LCTX", count: slots, of: Float.self)
        let terms = try root.column("TERM", count: termCount, of: UInt32.self)
        for t in 0..<termCount where (t > 0 && terms[t] <= terms[t - 1]) || Int(terms[t]) >= d {
            throw LoreError.indexDamaged(file: path, problem: "term list")
        }
        let lexical = LexicalModel(weighting: config.weighting, live: live, terms: terms,
                                   df: try root.column("DFRQ", count: termCount, of: UInt32.self), lengthNorms: norms,
                                   contextRatios: ratios,
                                   averageLength: averageLength, maxWeights: try root.column("LMAX", count: termCount, of: Float.self),
                                   minWeights: try root.column("LMIN", count: termCount, of: Float.self))
        // Generated collections (lore bench) have passages but no notes.
        guard files.isEmpty || files.reduce(0, { $0 + $1.passageCount }) == live else { throw LoreError.indexDamaged(file: path, problem: "manifest") }

        var lr = try root.reader("LATN")
        let latentName = try lr.string()
        let changedSinceFit = try lr.int()
        let latentSum = try lr.u64()
        var latent: LatentModel? = nil
        if !latentName.isEmpty {
            guard generationOf(latentName) != nil, !latentName.contains("/") else { throw LoreError.indexDamaged(file: path, problem: "latent file name") }
            let file: SectionFile
            do { file = try SectionFile.open(folder + "/" + latentName, magic: latentMagic) } catch LoreError.indexMissing { throw SegmentGone.gone }
            guard file.tableSum == latentSum else {
                throw LoreError.indexDamaged(file: file.path, problem: "not the latent basis \(fileName) was written with")
            }
            // The basis rows are checked as questions read them (LBSM holds each row's checksum).
            try file.verify(["LROW", "LBSM"])
            var rows = try file.reader("LROW")
            let rank = try rows.int()
            let used = try rows.int()
            guard used <= file.file.size, rank > 0, rank <= 100_000 else { throw LoreError.indexDamaged(file: file.path, problem: "latent layer sizes") }
            let features = try rows.array(used, of: UInt32.self)
            guard features.allSatisfy({ Int($0) < config.dimensions }), let featureRow = FeatureIndex(unique: features),
                  segments.allSatisfy({ $0.rank == rank || $0.count == 0 }) else {
                throw LoreError.indexDamaged(file: file.path, problem: "latent layer sizes")
            }
            let checks = LatentModel.RowChecks(path: file.path, sums: try file.column("LBSM", count: used, of: UInt32.self))
            latent = LatentModel(rank: rank, features: features, featureRow: featureRow,
                                 basis: try file.column("LBAS", count: used * rank, of: Float.self), rowChecks: checks,
                                 changedSinceFit: changedSinceFit)
        }
        var nr = try root.reader("NOTE")
        let notesFolder = try nr.string()
        return CorpusIndex(config: config, files: files, segments: segments, lexical: lexical, latent: latent,
                           latentName: latent == nil ? nil : latentName, latentSum: latent == nil ? 0 : latentSum,
                           notesFolder: notesFolder)
    }

    /// A manifest flag: 0 or 1, anything else is damage.
    private static func flag(_ reader: inout ByteCursor) throws -> Bool {
        let v = try reader.u64()
        guard v <= 1 else { throw ByteReader.Truncated() }
        return v == 1
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
