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

    /// Commits `index` into `folder` (new files first, the root last, then the old files are
    /// removed). Returns the index as written, its new files named. The caller holds the lock.
    @discardableResult
    public static func write(_ index: CorpusIndex, to folder: String) throws -> CorpusIndex {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
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
            try SectionFile.write(segment.sections(), magic: Segment.magic, to: folder + "/" + name)
            segments.append(segment.with(name: name))
        }
        var latentName = index.latentName
        if let latent = index.latent, latentName == nil || !names.contains(latentName!) {
            generation += 1
            latentName = "lsa-\(generation).lob"
            var rows = ByteWriter()
            rows.u64(UInt64(latent.rank))
            rows.u64(UInt64(latent.features.count))
            rows.array(latent.features)
            try SectionFile.write([("LROW", rows.data), ("LBAS", Column(latent.basis))], magic: latentMagic,
                                  to: folder + "/" + latentName!)
        }
        let written = CorpusIndex(config: index.config, files: index.files, segments: segments, lexical: index.lexical,
                                  latent: index.latent, latentName: index.latent == nil ? nil : latentName)
        try SectionFile.write(rootSections(written), magic: magic, to: folder + "/" + fileName)
        let dir = open(folder, O_RDONLY)
        if dir >= 0 { fsync(dir); close(dir) }
        // Files of earlier commits, and of writers killed before their commit.
        let referenced = Set(segments.map(\.name) + [written.latentName].compactMap { $0 })
        for name in names where (generationOf(name) != nil && !referenced.contains(name)) || name.hasSuffix(".lore-tmp") {
            unlink(folder + "/" + name)
        }
        return written
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
        }
        var segments = ByteWriter()
        segments.u64(UInt64(index.segments.count))
        for s in index.segments {
            segments.string(s.name)
            segments.u64(UInt64(s.count))
        }
        var latent = ByteWriter()
        latent.string(index.latentName ?? "")
        latent.u64(UInt64(index.latent?.changedSinceFit ?? 0))
        let lexical = index.lexical
        var stats = ByteWriter()
        stats.u64(UInt64(lexical.live))
        stats.u32(lexical.averageLength.bitPattern)
        stats.u64(UInt64(lexical.terms.count))
        return [("CONF", config), ("FILE", files.data), ("SEGS", segments.data), ("LATN", latent.data),
                ("LSTA", stats.data), ("TERM", lexical.terms), ("DFRQ", lexical.df), ("LNRM", lexical.lengthNorms),
                ("LMAX", lexical.maxWeights), ("LMIN", lexical.minWeights)]
    }

    // MARK: Reading

    /// Opens the index in `folder`: the root is read and checked whole, segments are mapped and
    /// their small sections checked; text, postings and vectors are checked as they are first read.
    public static func read(from folder: String) throws -> CorpusIndex {
        let path = folder + "/" + fileName
        guard FileManager.default.fileExists(atPath: path) else { throw Problem.missing(path) }
        // A writer may commit and remove the files of the root just read: read the new root.
        var attempt = 0
        while true {
            do {
                return try decode(folder: folder)
            } catch SegmentGone.gone where attempt < 3 {
                attempt += 1
            } catch SegmentGone.gone {
                throw Problem.damaged(path, "a file it refers to is missing")
            } catch let problem as Problem {
                throw problem
            } catch {
                throw Problem.damaged(path, "truncated or inconsistent")
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
            throw Problem.incompatible(path, "unknown configuration")
        }
        guard (4...31).contains(config.dimensionBits) else { throw Problem.incompatible(path, "dimension 2^\(config.dimensionBits)") }
        let d = config.dimensions

        var sr = try root.reader("SEGS")
        let segmentCount = Int(try sr.u64())
        guard segmentCount <= 1 << 20 else { throw Problem.damaged(path, "segment list") }
        var segments: [Segment] = []
        for _ in 0..<segmentCount {
            let name = try sr.string(), count = Int(try sr.u64())
            guard generationOf(name) != nil, !name.contains("/") else { throw Problem.damaged(path, "segment list") }
            let segment: Segment
            do { segment = try Segment.open(name, in: folder, dimensions: d) } catch Problem.missing { throw SegmentGone.gone }
            guard segment.count == count else { throw Problem.damaged(path, "segment \(name) does not match the index") }
            segments.append(segment)
        }
        let slots = segments.reduce(0) { $0 + $1.count }

        var fr = try root.reader("FILE")
        let fileCount = Int(try fr.u64())
        guard fileCount <= root.file.size else { throw ByteReader.Truncated() }
        var files: [ManifestEntry] = []
        files.reserveCapacity(fileCount)
        for _ in 0..<fileCount {
            let entry = ManifestEntry(path: try fr.string(), size: try fr.i64(), mtimeNanos: try fr.i64(),
                                      contentHash: try fr.u64(), firstPassage: Int(try fr.u64()),
                                      passageCount: Int(try fr.u64()))
            guard entry.slots.upperBound <= slots else { throw Problem.damaged(path, "manifest") }
            files.append(entry)
        }

        var st = try root.reader("LSTA")
        let live = Int(try st.u64())
        let averageLength = Float(bitPattern: try st.u32())
        let termCount = Int(try st.u64())
        guard termCount <= root.file.size else { throw Problem.damaged(path, "term count") }
        let norms = try root.column("LNRM", count: slots, of: Float.self)
        let terms = try root.column("TERM", count: termCount, of: UInt32.self)
        for t in 0..<termCount where (t > 0 && terms[t] <= terms[t - 1]) || Int(terms[t]) >= d {
            throw Problem.damaged(path, "term list")
        }
        let lexical = LexicalModel(weighting: config.weighting, live: live, terms: terms,
                                   df: try root.column("DFRQ", count: termCount, of: UInt32.self), lengthNorms: norms,
                                   averageLength: averageLength, maxWeights: try root.column("LMAX", count: termCount, of: Float.self),
                                   minWeights: try root.column("LMIN", count: termCount, of: Float.self))
        // Generated collections (lore bench) have passages but no notes.
        guard files.isEmpty || files.reduce(0, { $0 + $1.passageCount }) == live else { throw Problem.damaged(path, "manifest") }

        var lr = try root.reader("LATN")
        let latentName = try lr.string()
        let changedSinceFit = Int(try lr.u64())
        var latent: LatentModel? = nil
        if !latentName.isEmpty {
            guard generationOf(latentName) != nil, !latentName.contains("/") else { throw Problem.damaged(path, "latent file name") }
            let file: SectionFile
            do { file = try SectionFile.open(folder + "/" + latentName, magic: latentMagic) } catch Problem.missing { throw SegmentGone.gone }
            try file.verify(["LROW", "LBAS"])
            var rows = try file.reader("LROW")
            let rank = Int(try rows.u64())
            let used = Int(try rows.u64())
            guard used <= file.file.size, rank > 0, rank <= 100_000 else { throw Problem.damaged(file.path, "latent layer sizes") }
            let features = try rows.array(used, of: UInt32.self)
            guard features.allSatisfy({ Int($0) < config.dimensions }), let featureRow = FeatureIndex(unique: features),
                  segments.allSatisfy({ $0.rank == rank || $0.count == 0 }) else {
                throw Problem.damaged(file.path, "latent layer sizes")
            }
            latent = LatentModel(rank: rank, features: features, featureRow: featureRow, basis: try file.column("LBAS", count: used * rank, of: Float.self).array,
                                 changedSinceFit: changedSinceFit)
        }
        return CorpusIndex(config: config, files: files, segments: segments, lexical: lexical, latent: latent,
                           latentName: latent == nil ? nil : latentName)
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
