import Foundation

/// What a build or refresh did, for the one line `lore index` prints.
public struct BuildReport: Sendable {
    public var added = 0, changed = 0, removed = 0, unchanged = 0
    public var passagesEmbedded = 0
    public var passages = 0
    public var milliseconds = 0.0
    /// Notes that could not be indexed (binary, not UTF-8, empty, bad YAML).
    public var skipped = 0

    public var isNoOp: Bool { added == 0 && changed == 0 && removed == 0 }

    public var summary: String {
        let time = String(format: "%.0f ms", milliseconds)
        if isNoOp { return "index is up to date: \(passages) passages from \(unchanged) notes" }
        return "\(changed) changed, \(added) added, \(removed) removed: \(passagesEmbedded) passages embedded in \(time) (\(passages) in all)"
    }
}

/// Builds an index from a corpus folder, or refreshes an existing one: notes whose size and
/// modification time match the manifest keep their passages and counts, only added and changed
/// notes are read and embedded, deleted ones are dropped. The scoring layers are then derived
/// from the counts of all passages, so a refresh gives exactly what a full build gives.
public struct IndexBuilder: Sendable {
    public let corpus: CorpusReader
    public let config: IndexConfig

    public init(corpus: String, config: IndexConfig) {
        self.corpus = CorpusReader(root: corpus)
        self.config = config
    }

    /// True when the notes on disk differ (by path, size or time) from the manifest of `index`.
    public func isStale(_ index: CorpusIndex) throws -> Bool {
        let files = try corpus.listFiles()
        guard files.count == index.files.count else { return true }
        for (f, m) in zip(files, index.files) where f.path != m.path || f.size != m.size || f.mtimeNanos != m.mtimeNanos {
            return true
        }
        return false
    }

    /// Builds the index, reusing what `previous` holds for notes that did not change (pass nil
    /// for a full build). Throws when the folder is missing or yields no passage.
    /// Each note that cannot be indexed is passed to `warn` with the reason, as it is met.
    public func build(previous: CorpusIndex?, warn: (String) -> Void = { _ in }) throws -> (CorpusIndex, BuildReport) {
        let start = DispatchTime.now()
        var report = BuildReport()
        let files = try corpus.listFiles()
        guard !files.isEmpty else {
            throw LoreError("no notes in \(corpus.root.path): Lore indexes .md, .markdown and .txt files")
        }
        let reusable = previous.flatMap { $0.config.sameEmbedding(config) ? $0 : nil }
        var old: [String: ManifestEntry] = [:]
        for m in reusable?.files ?? [] { old[m.path] = m }

        // Notes whose size and time match the manifest are carried over without reading them;
        // the others are read, split and embedded in parallel (one embedder per worker).
        let previousEntries = files.map { old.removeValue(forKey: $0.path) }
        let toRead = files.indices.filter { i in
            guard let before = previousEntries[i], reusable != nil else { return true }
            return before.size != files[i].size || before.mtimeNanos != files[i].mtimeNanos
        }
        let outcomes = readAndEmbed(toRead.map { files[$0] }, previous: toRead.map { previousEntries[$0] })
        var outcomeOf: [Int: ReadOutcome] = [:]
        for (j, i) in toRead.enumerated() { outcomeOf[i] = outcomes[j] }

        var entries: [ManifestEntry] = []
        var passages = PassageStore()
        var counts = SparseRows()
        // For each passage, its index in `previous` when it was carried over unchanged.
        var reused: [Int?] = []
        for (i, file) in files.enumerated() {
            let before = previousEntries[i]
            let outcome = outcomeOf[i]
            switch outcome {
            case nil, .unchanged?:
                reuse(before!, from: reusable!, as: file, into: &entries, &passages, &counts, &reused)
                report.unchanged += 1
            case .skipped(let warning, let hash)?:
                warn(warning)
                report.skipped += 1
                entries.append(ManifestEntry(path: file.path, size: file.size, mtimeNanos: file.mtimeNanos, contentHash: hash,
                                             firstPassage: passages.count, passageCount: 0))
                if before != nil { report.changed += 1 } else { report.added += 1 }
            case .embedded(let hash, let split, let rows)?:
                entries.append(ManifestEntry(path: file.path, size: file.size, mtimeNanos: file.mtimeNanos, contentHash: hash,
                                             firstPassage: passages.count, passageCount: split.count))
                for p in split { passages.append(p) }
                counts.append(rowsOf: rows, 0..<rows.count)
                reused += Array(repeating: nil, count: split.count)
                report.passagesEmbedded += split.count
                if before == nil { report.added += 1 } else { report.changed += 1 }
            }
        }
        report.removed += old.count
        guard passages.count > 0 else {
            throw LoreError("no text to index in \(corpus.root.path): every note was skipped or empty")
        }
        let index = CorpusIndex(config: config, files: entries, passages: passages, counts: counts,
                                previous: reusable.map { ($0, reused) })
        report.passages = passages.count
        report.milliseconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6
        return (index, report)
    }

    /// Embeds the passages of `store` on all cores, in order: for test collections and generated
    /// corpora that are not folders of notes.
    public static func embed(_ store: PassageStore, config: IndexConfig) -> SparseRows {
        let workers = max(ProcessInfo.processInfo.activeProcessorCount, 1)
        let chunk = 4096
        let chunks = (store.count + chunk - 1) / chunk
        let rows = UnsafeMutableBufferPointer<SparseRows>.allocate(capacity: chunks)
        rows.initialize(repeating: SparseRows())
        defer { rows.deallocate() }
        let box = UncheckedSendable(rows)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let embedder = HashedEmbedder(config: config)
            for c in stride(from: w, to: chunks, by: workers) {
                var r = SparseRows()
                for i in (c * chunk)..<min((c + 1) * chunk, store.count) {
                    let p = store[i]
                    r.append(embedder.counts(title: p.title, body: p.text))
                }
                box.value[c] = r
            }
        }
        var all = SparseRows()
        let total = rows.reduce(0) { $0 + $1.nonzeros }
        all.indices.reserveCapacity(total)
        all.values.reserveCapacity(total)
        all.offsets.reserveCapacity(store.count + 1)
        for c in 0..<chunks { all.append(rowsOf: rows[c], 0..<rows[c].count) }
        return all
    }

    /// What reading one note gave.
    enum ReadOutcome {
        /// Same bytes as in the manifest (only touched): carried over.
        case unchanged
        /// Not indexable: the warning, and the content hash when the bytes could be read.
        case skipped(String, UInt64)
        case embedded(UInt64, [Passage], SparseRows)
    }

    /// Reads, splits and embeds `files` on all cores; results in the order of `files`.
    func readAndEmbed(_ files: [NoteFile], previous: [ManifestEntry?]) -> [ReadOutcome] {
        let results = UnsafeMutableBufferPointer<ReadOutcome>.allocate(capacity: files.count)
        results.initialize(repeating: .unchanged)
        defer { results.deallocate() }
        let box = UncheckedSendable(results)
        let workers = min(max(ProcessInfo.processInfo.activeProcessorCount, 1), max(files.count, 1))
        let splitter = NoteSplitter(maxWords: config.maxPassageWords)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let embedder = HashedEmbedder(config: config)
            for j in stride(from: w, to: files.count, by: workers) {
                box.value[j] = readOne(files[j], previous: previous[j], splitter: splitter, embedder: embedder)
            }
        }
        return Array(results)
    }

    private func readOne(_ file: NoteFile, previous: ManifestEntry?, splitter: NoteSplitter,
                         embedder: HashedEmbedder) -> ReadOutcome {
        let text: String, bytes: Data
        do { (text, bytes) = try corpus.readText(file) } catch { return .skipped("\(error)", 0) }
        let hash = checksum64(bytes)
        if let previous, previous.contentHash == hash { return .unchanged }
        let split: (passages: [Passage], matter: FrontMatter)
        do { split = try splitter.passages(of: text, source: file.path) } catch {
            return .skipped("skipped \(file.path): \(error)", hash)
        }
        let tags = split.matter.tags.joined(separator: " ")
        var rows = SparseRows()
        for p in split.passages {
            rows.append(embedder.counts(title: p.title, body: tags.isEmpty ? p.text : p.text + "\n" + tags))
        }
        return .embedded(hash, split.passages, rows)
    }

    private func reuse(_ m: ManifestEntry, from prev: CorpusIndex, as file: NoteFile,
                       into entries: inout [ManifestEntry], _ passages: inout PassageStore, _ counts: inout SparseRows,
                       _ reused: inout [Int?]) {
        var entry = m
        entry.firstPassage = passages.count
        entry.mtimeNanos = file.mtimeNanos
        entries.append(entry)
        let range = m.firstPassage..<(m.firstPassage + m.passageCount)
        passages.append(from: prev.passages, range)
        counts.append(rowsOf: prev.counts, range)
        reused += range.map { $0 }
    }
}
