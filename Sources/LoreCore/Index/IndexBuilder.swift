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
public struct IndexBuilder {
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

        let embedder = HashedEmbedder(config: config)
        let splitter = NoteSplitter(maxWords: config.maxPassageWords)
        var entries: [ManifestEntry] = []
        var passages: [Passage] = []
        var counts = SparseRows()
        // For each passage, its index in `previous` when it was carried over unchanged.
        var reused: [Int?] = []
        for file in files {
            let before = old.removeValue(forKey: file.path)
            if let before, let prev = reusable, before.size == file.size, before.mtimeNanos == file.mtimeNanos {
                reuse(before, from: prev, as: file, into: &entries, &passages, &counts, &reused)
                report.unchanged += 1
                continue
            }
            let text: String, bytes: Data
            do { (text, bytes) = try corpus.readText(file) } catch {
                warn("\(error)")
                report.skipped += 1
                entries.append(skipped(file, hash: 0, at: passages.count))
                if before != nil { report.changed += 1 } else { report.added += 1 }
                continue
            }
            let hash = checksum64(bytes)
            if let before, let prev = reusable, before.contentHash == hash {
                // Touched, not changed: keep the passages, record the new time.
                reuse(before, from: prev, as: file, into: &entries, &passages, &counts, &reused)
                report.unchanged += 1
                continue
            }
            let split: (passages: [Passage], matter: FrontMatter)
            do { split = try splitter.passages(of: text, source: file.path) } catch {
                warn("skipped \(file.path): \(error)")
                report.skipped += 1
                entries.append(skipped(file, hash: hash, at: passages.count))
                if before != nil { report.changed += 1 } else { report.added += 1 }
                continue
            }
            let tags = split.matter.tags.joined(separator: " ")
            entries.append(ManifestEntry(path: file.path, size: file.size, mtimeNanos: file.mtimeNanos, contentHash: hash,
                                         firstPassage: passages.count, passageCount: split.passages.count))
            for p in split.passages {
                counts.append(embedder.counts(title: p.title, body: tags.isEmpty ? p.text : p.text + "\n" + tags))
            }
            passages += split.passages
            reused += Array(repeating: nil, count: split.passages.count)
            report.passagesEmbedded += split.passages.count
            if before == nil { report.added += 1 } else { report.changed += 1 }
        }
        report.removed += old.count
        guard !passages.isEmpty else {
            throw LoreError("no text to index in \(corpus.root.path): every note was skipped or empty")
        }
        let index = CorpusIndex(config: config, files: entries, passages: passages, counts: counts,
                                previous: reusable.map { ($0, reused) })
        report.passages = passages.count
        report.milliseconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6
        return (index, report)
    }

    /// A manifest entry without passages, for a note that could not be indexed: it is not read
    /// again (nor warned about again) until it changes.
    private func skipped(_ file: NoteFile, hash: UInt64, at first: Int) -> ManifestEntry {
        ManifestEntry(path: file.path, size: file.size, mtimeNanos: file.mtimeNanos, contentHash: hash,
                      firstPassage: first, passageCount: 0)
    }

    private func reuse(_ m: ManifestEntry, from prev: CorpusIndex, as file: NoteFile,
                       into entries: inout [ManifestEntry], _ passages: inout [Passage], _ counts: inout SparseRows,
                       _ reused: inout [Int?]) {
        var entry = m
        entry.firstPassage = passages.count
        entry.mtimeNanos = file.mtimeNanos
        entries.append(entry)
        let range = m.firstPassage..<(m.firstPassage + m.passageCount)
        passages += prev.passages[range]
        counts.append(rowsOf: prev.counts, range)
        reused += range.map { $0 }
    }
}
