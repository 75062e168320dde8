import Foundation

/// What a build or refresh did, for the one line `lore index` prints.
public struct BuildReport: Sendable {
    public var added = 0, changed = 0, removed = 0, unchanged = 0
    public var passagesEmbedded = 0
    public var passages = 0
    public var milliseconds = 0.0
    /// Notes that could not be indexed (binary, not UTF-8, empty).
    public var skipped = 0

    public var isNoOp: Bool { added == 0 && changed == 0 && removed == 0 }

    public var summary: String {
        let time = String(format: "%.0f ms", milliseconds)
        if isNoOp { return "index is up to date: \(counted(passages, "passage")) from \(counted(unchanged, "note"))" }
        return "\(changed) changed, \(added) added, \(removed) removed: \(counted(passagesEmbedded, "passage")) embedded in \(time) (\(passages) in all)"
    }
}

/// Builds an index from a corpus folder, or refreshes an existing one.
///
/// A refresh compares the notes with the manifest: notes whose size and modification time match
/// keep their passages where they are; added and changed notes are read, embedded and written as
/// one new segment; the old passages of changed and deleted notes become dead slots. The
/// collection statistics are then derived again from the postings of all live passages, so a
/// refresh scores exactly like a full build. A refresh is a full build instead when the latent
/// basis is due to be fitted again (see `IndexConfig.Latent`), or when the index holds more dead
/// slots than live ones.
/// When a refresh would make more than `maxSegments` segments, the segments after the first are
/// merged with the new passages into one (re-embedded from their stored text, vectors kept).
public struct IndexBuilder: Sendable {
    public let corpus: CorpusReader
    public let config: IndexConfig
    /// Segments an index may have before a refresh merges all but the first.
    public static let maxSegments = 8

    public init(corpus: String, config: IndexConfig, respectIgnores: Bool = true) {
        self.corpus = CorpusReader(root: corpus, respectIgnores: respectIgnores)
        self.config = config
    }

    /// True when the notes on disk differ (by path, size or time) from the manifest of `index`,
    /// or a note that could not be read when the index was built can be read now. `listed` is
    /// the folder's listing when the caller has made it (nil: list it now).
    public func isStale(_ index: CorpusIndex, listed: [NoteFile]? = nil) throws -> Bool {
        let files = try listed ?? corpus.listFiles()
        guard files.count == index.files.count else { return true }
        for (f, m) in zip(files, index.files) where f.path != m.path || f.size != m.size || f.mtimeNanos != m.mtimeNanos {
            return true
        }
        for m in index.files where m.unreadable && corpus.canRead(m.path) { return true }
        return false
    }

    /// Builds the index, reusing what `previous` holds for notes that did not change (pass nil
    /// for a full build), from the folder as `listed` (nil: list it now). Throws when the folder
    /// is missing or yields no passage. Each note that cannot be indexed is passed to `warn` with
    /// the reason, as it is met; the stages of the work go to `progress`.
    public func build(previous: CorpusIndex?, listed: NoteListing? = nil, warn: (String) -> Void = { _ in },
                      progress: BuildProgress? = nil) throws -> (CorpusIndex, BuildReport) {
        let start = DispatchTime.now()
        var report = BuildReport()
        let files: [NoteFile]
        if let listed {
            listed.warnings.forEach(warn)
            files = listed.files
        } else {
            files = try corpus.listFiles(warn: warn)
        }
        guard !files.isEmpty else {
            throw LoreError.noNotes(folder: corpus.root.path)
        }
        let reusable = previous.flatMap { $0.config == config ? $0 : nil }
        var old: [String: ManifestEntry] = [:]
        old.reserveCapacity(reusable?.files.count ?? 0)
        for m in reusable?.files ?? [] { old[m.path] = m }

        // Notes whose size and time match the manifest are carried over without reading them;
        // the others are read, split and embedded in parallel (one embedder per worker).
        let previousEntries = files.map { old.removeValue(forKey: $0.path) }
        let toRead = files.indices.filter { i in
            guard let before = previousEntries[i], reusable != nil else { return true }
            return before.size != files[i].size || before.mtimeNanos != files[i].mtimeNanos || before.unreadable
        }
        progress?(.listed(notes: files.count, toRead: toRead.count))
        let outcomes = readAndEmbed(toRead.map { files[$0] }, previous: toRead.map { previousEntries[$0] }, progress: progress)
        var outcomeOf: [Int: ReadOutcome] = [:]
        for (j, i) in toRead.enumerated() { outcomeOf[i] = outcomes[j] }

        // New passages take the slots after the existing ones.
        let base = reusable?.slots ?? 0
        var entries: [ManifestEntry] = []
        var passages = PassageStore()
        var counts = SparseRows()
        var removed: [Range<Int>] = old.values.map(\.slots)
        for (i, file) in files.enumerated() {
            let before = previousEntries[i]
            switch outcomeOf[i] {
            case nil, .unchanged?:
                var entry = before!
                entry.mtimeNanos = file.mtimeNanos
                entry.unreadable = false
                entries.append(entry)
                report.unchanged += 1
            case .skipped(let warning, let hash, let unreadable)?:
                warn(warning)
                report.skipped += 1
                entries.append(ManifestEntry(path: file.path, size: file.size, mtimeNanos: file.mtimeNanos, contentHash: hash,
                                             firstPassage: base + passages.count, passageCount: 0, unreadable: unreadable))
                if let before, before.unreadable, unreadable, before.size == file.size, before.mtimeNanos == file.mtimeNanos {
                    // Still unreadable, and otherwise as it was: nothing changed.
                    entries[entries.count - 1].firstPassage = before.firstPassage
                    report.unchanged += 1
                } else if let before { report.changed += 1; removed.append(before.slots) }
                else { report.added += 1 }
            case .embedded(let hash, let split, let tags, let rows, let problems)?:
                problems.forEach(warn)
                entries.append(ManifestEntry(path: file.path, size: file.size, mtimeNanos: file.mtimeNanos, contentHash: hash,
                                             firstPassage: base + passages.count, passageCount: split.count))
                for p in split { passages.append(p, tags: tags) }
                counts.append(rowsOf: rows, 0..<rows.count)
                report.passagesEmbedded += split.count
                if let before { report.changed += 1; removed.append(before.slots) }
                else { report.added += 1 }
            }
        }
        report.removed += old.count
        progress?(.embedded(notes: toRead.count, passages: passages.count))
        let removedCount = removed.reduce(0) { $0 + $1.count }
        let live = (reusable?.passageCount ?? 0) - removedCount + passages.count
        guard live > 0 else {
            throw LoreError.noText(folder: corpus.root.path)
        }
        var index: CorpusIndex
        if let reusable {
            if report.isNoOp {
                index = CorpusIndex(config: config, files: entries, segments: reusable.segments, lexical: reusable.lexical,
                                    latent: reusable.latent, latentName: reusable.latentName, latentSum: reusable.latentSum)
            } else if let refreshed = try refresh(reusable, entries: entries, passages: passages, counts: counts,
                                                  removed: removed, removedCount: removedCount, live: live) {
                index = refreshed
            } else {
                // A full build: read every note again.
                let (full, fullReport) = try build(previous: nil, warn: { _ in }, progress: progress)
                report.passagesEmbedded = fullReport.passagesEmbedded
                index = full
            }
        } else {
            index = try Self.assemble(config: config, files: entries, passages: passages, counts: counts, progress: progress)
        }
        index = index.with(notesFolder: corpus.resolvedRoot)
        report.passages = index.passageCount
        report.milliseconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6
        return (index, report)
    }

    /// Adds the new passages as a segment and derives the statistics again; nil when the
    /// refresh must be a full build instead.
    private func refresh(_ previous: CorpusIndex, entries: [ManifestEntry], passages: PassageStore, counts: SparseRows,
                         removed: [Range<Int>], removedCount: Int, live: Int) throws -> CorpusIndex? {
        let changed = (previous.latent?.changedSinceFit ?? 0) + removedCount + passages.count
        let latentConfig = config.latent
        if latentConfig.dimensions > 0 {
            if previous.latent == nil || live <= latentConfig.exactRefitBelow
                || Float(changed) > latentConfig.refitAfterChange * Float(live) { return nil }
        }
        if previous.slots + passages.count - live > live { return nil }

        var alive = (0..<previous.slots).map { previous.lexical.isLive($0) }
        for r in removed { for slot in r { alive[slot] = false } }
        var segments = previous.segments
        var entries = entries
        var newPassages = passages, newCounts = counts
        // Vectors carried over from merged segments, for the passages that start the new segment.
        var carried: [Int16] = []
        if segments.count + (passages.count == 0 ? 0 : 1) > Self.maxSegments {
            // Merge: the live passages of every segment but the first, then the new ones, become
            // one segment. Their counts come from their stored text; their vectors are kept.
            let keep = segments[0].count
            var merged = PassageStore()
            var newSlot = [Int](repeating: -1, count: previous.slots)
            for slot in keep..<previous.slots where alive[slot] {
                let (segment, i) = previous.locate(slot)
                _ = try segment.embeddingInput(i)
                newSlot[slot] = keep + merged.count
                merged.append(from: segment.passages, i..<(i + 1))
                if previous.latent != nil { carried += try segment.vector(i) }
            }
            var mergedCounts = Self.embed(merged, config: config)
            let newBase = keep + merged.count
            merged.append(from: passages, 0..<passages.count)
            mergedCounts.append(rowsOf: counts, 0..<counts.count)
            for j in entries.indices {
                let first = entries[j].firstPassage
                if first >= previous.slots { entries[j].firstPassage = newBase + first - previous.slots }
                else if first >= keep { entries[j].firstPassage = entries[j].passageCount > 0 ? newSlot[first] : newBase }
            }
            segments = [segments[0]]
            alive = Array(alive[0..<keep])
            newPassages = merged
            newCounts = mergedCounts
        }
        let base = alive.count
        alive += Array(repeating: true, count: newPassages.count)
        if newPassages.count > 0 {
            segments.append(Segment(name: "", passages: newPassages, counts: newCounts))
        }
        let lexical = try LexicalModel(segments: segments, alive: alive, config: config)
        var latent = previous.latent
        if let model = latent {
            if newPassages.count > 0 {
                var rows = SparseRows()
                let first = carried.count / max(model.rank, 1)
                for i in first..<newPassages.count {
                    rows.append(lexical.weightedRow(newCounts.row(i), slot: base + i))
                }
                segments[segments.count - 1] = segments.last!.with(vectors: carried + Segment.quantize(try model.project(rows)),
                                                                   rank: model.rank)
            }
            latent = model.with(changedSinceFit: changed)
        }
        return CorpusIndex(config: config, files: entries, segments: segments, lexical: lexical, latent: latent,
                           latentName: previous.latentName, latentSum: previous.latentSum)
    }

    /// A full build from passages and their hashed counts: one segment, its statistics, and the
    /// latent basis fitted on at most `fitSample` evenly spaced passages (a stage of `progress`).
    public static func assemble(config: IndexConfig, files: [ManifestEntry], passages: PassageStore,
                                counts: SparseRows, progress: BuildProgress? = nil) throws -> CorpusIndex {
        var segment = Segment(name: "", passages: passages, counts: counts)
        let n = passages.count
        let lexical = try LexicalModel(segments: [segment], alive: Array(repeating: true, count: n), config: config)
        var latent: LatentModel? = nil
        if config.latent.dimensions > 0 {
            let sampleSize = min(n, max(config.latent.fitSample, 1))
            progress?(.fittingLatent(passages: sampleSize))
            let sample = weightedRows(sampleSize, of: counts, lexical) { s in s * n / sampleSize }
            if let model = LatentModel(fittedOn: sample, config: config.latent) {
                // Projected in chunks straight into the stored fixed point (at 1M passages, 400 MB
                // of vectors that an array would hold twice while it was copied).
                let rank = model.rank
                let vectors = try Column<Int16>(repeating: 0, count: n * rank) { out in
                    func store(_ projected: [Float], from passage: Int) {
                        precondition(passage * rank + projected.count <= out.count)  // a buffer is not bounds-checked
                        for (k, x) in projected.enumerated() { out[passage * rank + k] = Segment.quantize(x) }
                    }
                    if sampleSize == n {
                        // The sample is every passage, in order: its rows are the ones to project.
                        store(try model.project(sample), from: 0)
                    } else {
                        let chunk = 8192
                        for start in stride(from: 0, to: n, by: chunk) {
                            let rows = weightedRows(min(chunk, n - start), of: counts, lexical) { start + $0 }
                            store(try model.project(rows), from: start)
                        }
                    }
                }
                segment = segment.with(vectors: vectors, rank: rank)
                latent = model
            }
        }
        return CorpusIndex(config: config, files: files, segments: [segment], lexical: lexical, latent: latent,
                           latentName: nil)
    }

    /// The weighted rows of the passages `slot(0)`, …, `slot(count - 1)` of `counts`, weighted on
    /// all cores (a term lookup per nonzero), in order.
    private static func weightedRows(_ count: Int, of counts: SparseRows, _ lexical: LexicalModel,
                                     slot: (Int) -> Int) -> SparseRows {
        let parts = 8
        let pieces = concurrentMap(parts) { p -> SparseRows in
            var rows = SparseRows()
            for j in (count * p / parts)..<(count * (p + 1) / parts) {
                let i = slot(j)
                rows.append(lexical.weightedRow(counts.row(i), slot: i))
            }
            return rows
        }
        var rows = SparseRows()
        for piece in pieces { rows.append(rowsOf: piece, 0..<piece.count) }
        return rows
    }

    /// Embeds the passages of `store` on all cores, in order: for test collections and generated
    /// corpora that are not folders of notes.
    public static func embed(_ store: PassageStore, config: IndexConfig) -> SparseRows {
        // Chunks of 4096 passages, or fewer when that would leave the cores few to share: at 10k
        // passages, chunks of 4096 were three, one core embedding two of them (`lore bench
        // --passages 10000`: embedding 155-161 ms with 4096, 138-144 with 1024). Not smaller at
        // scale: chunks of 1024 took the build of 1M passages from 4,089 to 4,255 MB of peak RSS
        // and its embedding from 9.0 to 10.3 s.
        let chunk = max(1024, min(4096, store.count / (Parallel.cores * 4)))
        var rows = concurrentMap((store.count + chunk - 1) / chunk, state: { _ in HashedEmbedder(config: config) }) { c, embedder in
            var r = SparseRows()
            for i in (c * chunk)..<min((c + 1) * chunk, store.count) {
                let input = store.embeddingInput(i)
                r.append(embedder.counts(title: input.title, body: input.body, tags: input.tags))
            }
            return r
        }
        var all = SparseRows()
        let total = rows.reduce(0) { $0 + $1.nonzeros }
        all.indices.reserveCapacity(total)
        all.values.reserveCapacity(total)
        all.offsets.reserveCapacity(store.count + 1)
        for c in rows.indices {
            all.append(rowsOf: rows[c], 0..<rows[c].count)
            rows[c] = SparseRows()  // let each chunk go as soon as it is copied
        }
        return all
    }

    /// What reading one note gave.
    enum ReadOutcome {
        /// Same bytes as in the manifest (only touched): carried over.
        case unchanged
        /// Not indexable: the warning, the content hash when the bytes could be read, and whether
        /// they could not be (to be tried again).
        case skipped(String, UInt64, unreadable: Bool)
        /// Read, split and embedded; with a line for each thing to tell of it (read in another
        /// encoding than UTF-8, front matter left out).
        case embedded(UInt64, [Passage], String, SparseRows, [String])
    }

    /// Reads, splits and embeds `files` on all cores; results in the order of `files`. Each note
    /// done is counted to `progress`, one call at a time.
    func readAndEmbed(_ files: [NoteFile], previous: [ManifestEntry?], progress: BuildProgress? = nil) -> [ReadOutcome] {
        let splitter = NoteSplitter(maxWords: config.maxPassageWords)
        let counter = progress.map { DoneCounter(total: files.count, report: $0) }
        return concurrentMap(files.count, state: { _ in HashedEmbedder(config: config) }) { j, embedder in
            defer { counter?.tick() }
            return readOne(files[j], previous: previous[j], splitter: splitter, embedder: embedder)
        }
    }

    /// Counts notes done across workers and reports each count in order.
    private final class DoneCounter: @unchecked Sendable {
        private let lock = NSLock()
        private var done = 0
        private let total: Int
        private let report: BuildProgress

        init(total: Int, report: @escaping BuildProgress) {
            self.total = total
            self.report = report
        }

        func tick() {
            lock.lock()
            defer { lock.unlock() }
            done += 1
            report(.reading(done: done, total: total))
        }
    }

    private func readOne(_ file: NoteFile, previous: ManifestEntry?, splitter: NoteSplitter,
                         embedder: HashedEmbedder) -> ReadOutcome {
        let text: String, bytes: Data, notice: String?
        do { (text, bytes, notice) = try corpus.readText(file) } catch {
            if case LoreError.noteUnreadable = error { return .skipped("\(error)", 0, unreadable: true) }
            return .skipped("\(error)", 0, unreadable: false)
        }
        let hash = checksum64(bytes)
        if let previous, previous.contentHash == hash { return .unchanged }
        let split = splitter.passages(of: text, source: file.path)
        let tags = split.matter.tags.joined(separator: " ")
        var rows = SparseRows()
        for p in split.passages {
            rows.append(embedder.counts(title: p.title, body: p.text, tags: tags))
        }
        return .embedded(hash, split.passages, tags, rows, [notice, split.problem].compactMap { $0 })
    }

}
