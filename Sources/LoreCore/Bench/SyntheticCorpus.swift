import Foundation

/// A deterministic synthetic corpus: a Zipfian vocabulary (s ≈ 1.07) of about 200k pseudo-words with
/// realistic English-like stems and inflections, passages of 40-300 words, and queries of 2-12 words
/// (half drawn by frequency, half uniformly from the vocabulary, so some are rare and some common).
///
/// Why: latency and scale benchmarks need corpora of any size (1k to 1M passages and beyond) that
/// behave like text to an indexer — a heavy-tailed term distribution, long and short posting lists,
/// words that share a stem, punctuation and figures for the tokenizer — without shipping gigabytes
/// of data, and that every run (and every peer tool) can regenerate bit for bit.
///
/// How:
/// - The vocabulary is built once in `init` from syllables (consonant-vowel-consonant patterns)
///   into stems of 1-4 syllables; about half the words are inflections of another word's stem
///   (-s, -ed, -ing, -tion, -ly, -ness, -er, -ment), so a Snowball stemmer folds several surface
///   words into one stem. Words are lowercase ASCII, at least 3 letters, unique, and never an
///   English stop word. Ranks are assigned by word length plus noise, so frequent words tend to
///   be short, as in real languages.
/// - Word frequencies follow Zipf's law: P(rank r) ∝ 1 / (r + 1)^1.07. The CDF is precomputed and
///   sampled by binary search, narrowed by a guide table, so a draw costs a few comparisons.
/// - Passage `i` is generated from its own SplitMix64 stream seeded by mixing `(seed, i)`, so any
///   passage can be produced on its own (random access), in parallel, or again later. Each passage
///   has three "topic" words (drawn from the Zipf tail) that recur in its title and text, as real
///   passages repeat their subject terms; the other words are plain Zipf draws.
public struct SyntheticCorpus: Sendable {
    /// The Zipf exponent `s` of the word-frequency distribution.
    public static let zipfExponent = 1.07

    /// The seed every passage, edit and query is derived from.
    public let seed: UInt64
    /// The vocabulary in rank order: `vocabulary[0]` is the most frequent word.
    public let vocabulary: [String]

    /// All words' UTF-8 bytes, concatenated in rank order; word r is `wordBytes[wordStarts[r]..<wordStarts[r + 1]]`.
    private let wordBytes: [UInt8]
    private let wordStarts: [Int32]
    /// cdf[r] = P(rank ≤ r); the last entry is exactly 1.
    private let cdf: [Double]
    /// guide[k] = the smallest rank r with cdf[r] > k / guideBuckets (k in 0...guideBuckets).
    private let guide: [Int32]
    /// Topic words are drawn from ranks ≥ topicFloor (the Zipf tail): cdf below that is topicBase.
    private let topicFloor: Int
    private let topicBase: Double

    private static let guideBuckets = 1 << 16

    /// Builds the vocabulary and its Zipf table (about 0.1-0.2 s for 200k words in a release build).
    ///
    /// - Parameters:
    ///   - seed: selects the vocabulary, passages and queries; equal seeds give identical corpora.
    ///   - vocabularySize: the number of distinct words (at least 20).
    public init(seed: UInt64 = 1, vocabularySize: Int = 200_000) {
        precondition(vocabularySize >= 20, "SyntheticCorpus needs a vocabulary of at least 20 words")
        self.seed = seed
        let words = Self.makeVocabulary(count: vocabularySize, seed: seed)
        vocabulary = words

        var bytes: [UInt8] = []
        bytes.reserveCapacity(words.count * 9)
        var starts: [Int32] = []
        starts.reserveCapacity(words.count + 1)
        for word in words {
            starts.append(Int32(bytes.count))
            bytes.append(contentsOf: word.utf8)
        }
        starts.append(Int32(bytes.count))
        wordBytes = bytes
        wordStarts = starts

        // Zipf CDF.
        let n = words.count
        var cumulative = [Double](repeating: 0, count: n)
        var total = 0.0
        for r in 0..<n {
            total += pow(Double(r + 1), -Self.zipfExponent)
            cumulative[r] = total
        }
        for r in 0..<n { cumulative[r] /= total }
        cumulative[n - 1] = 1
        cdf = cumulative

        let buckets = Self.guideBuckets
        var table = [Int32](repeating: 0, count: buckets + 1)
        var r = 0
        for k in 0...buckets {
            let threshold = Double(k) / Double(buckets)
            while r < n - 1 && cumulative[r] <= threshold { r += 1 }
            table[k] = Int32(r)
        }
        guide = table

        topicFloor = min(200, n / 4)
        topicBase = cumulative[topicFloor - 1]
    }

    // MARK: - Passages and queries

    /// Passage i (random access and deterministic: the same (seed, i) always gives the same text, so
    /// passages can be generated in parallel and re-generated for edits).
    ///
    /// The title has 2-6 words (the first capitalised); the text has 40-300 words (about 170 on
    /// average) in sentences of 4-21 words ending in periods, with occasional commas, most sentence
    /// starts capitalised, and about 2% of words replaced by figures such as "42", "3.5", "$12k",
    /// "$4.99", "17%" or "1987". Splitting the text on whitespace yields exactly its word count.
    public func passage(_ i: Int) -> (title: String, text: String) {
        editedPassage(i, revision: 0)
    }

    /// An edited version of passage i (for refresh benchmarks): same length class, different words,
    /// deterministic in (i, revision).
    ///
    /// The edit keeps the passage's title, topic words and exact word count (so the index sees
    /// the same section change its content, and the cost of re-indexing it is comparable), and
    /// redraws every word of the text from a stream seeded by (seed, i, revision). Revision 0 is the
    /// original: `editedPassage(i, revision: 0) == passage(i)`.
    public func editedPassage(_ i: Int, revision: Int) -> (title: String, text: String) {
        var title: [UInt8] = []
        var text: [UInt8] = []
        compose(i, revision: revision, title: &title, text: &text)
        return (String(decoding: title, as: UTF8.self), String(decoding: text, as: UTF8.self))
    }

    /// `count` queries of 2-12 words, deterministic in (seed, count).
    ///
    /// Query j comes from its own stream seeded by (seed, j), so `queries(count: 10)` is a prefix of
    /// `queries(count: 100)`. Lengths are uniform over 2...12 (even coverage for latency curves);
    /// each word is, with equal odds, a Zipf draw (usually a common word) or a uniform draw over the
    /// whole vocabulary (usually a rare one, possibly absent from a small corpus). A query has no
    /// repeated word.
    public func queries(count: Int) -> [String] {
        (0..<max(0, count)).map(query)
    }

    private func query(_ j: Int) -> String {
        withTables { t in
            var rng = SplitMix64(seed: Self.mix(seed, UInt64(truncatingIfNeeded: j), Salt.query))
            let length = 2 + rng.below(11)
            var ranks: [Int] = []
            ranks.reserveCapacity(length)
            while ranks.count < length {
                let rank = rng.below(2) == 0 ? t.zipfRank(rng.unit()) : rng.below(vocabulary.count)
                if !ranks.contains(rank) { ranks.append(rank) }
            }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(length * 10)
            for (w, rank) in ranks.enumerated() {
                if w > 0 { bytes.append(Byte.space) }
                t.appendWord(rank, capitalised: false, to: &bytes)
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    // MARK: - Writers

    /// Writes passages 0..<passages as Markdown notes, `passagesPerFile` passages a file (each passage
    /// a `## title` section; file begins with `# Note N`), into nested folders of at most 1000 files
    /// (e.g. folder/0000/000123.md). Returns the file paths written (relative). Creates `folder`.
    ///
    /// File f (counting from 0) is `String(f / 1000)` padded to 4 digits, then `f` padded to 6 digits
    /// (wider past a million files); it holds passages `f * passagesPerFile ..< (f + 1) * passagesPerFile`
    /// (the last file may hold fewer) and begins with `# Note f`. Folders are written in parallel.
    /// Existing files of the same names are overwritten; other files in `folder` are left alone.
    @discardableResult
    public func writeMarkdown(passages: Int, passagesPerFile: Int, to folder: String) throws -> [String] {
        precondition(passages >= 0 && passagesPerFile >= 1)
        let root = URL(fileURLWithPath: folder, isDirectory: true)
        try LoreError.makeFolder(root.path)
        let fileCount = (passages + passagesPerFile - 1) / passagesPerFile
        let filesPerFolder = 1000
        let folderCount = (fileCount + filesPerFolder - 1) / filesPerFolder
        for g in 0..<folderCount {
            let sub = root.appendingPathComponent(Self.padded(g, 4), isDirectory: true)
            try LoreError.makeFolder(sub.path)
        }

        // Each folder is written by one task, which reports its paths or its first failure.
        let results = concurrentMap(folderCount) { g -> (paths: [String], failure: LoreError?) in
            var paths: [String] = []
            var bytes: [UInt8] = []
            var title: [UInt8] = []
            var text: [UInt8] = []
            let subfolder = Self.padded(g, 4)
            for f in (g * filesPerFolder)..<min(fileCount, (g + 1) * filesPerFolder) {
                bytes.removeAll(keepingCapacity: true)
                bytes.append(contentsOf: "# Note \(f)\n".utf8)
                for i in (f * passagesPerFile)..<min(passages, (f + 1) * passagesPerFile) {
                    title.removeAll(keepingCapacity: true)
                    text.removeAll(keepingCapacity: true)
                    compose(i, revision: 0, title: &title, text: &text)
                    bytes.append(contentsOf: "\n## ".utf8)
                    bytes.append(contentsOf: title)
                    bytes.append(contentsOf: "\n\n".utf8)
                    bytes.append(contentsOf: text)
                    bytes.append(Byte.newline)
                }
                let relative = subfolder + "/" + Self.padded(f, 6) + ".md"
                // POSIX calls: several times faster than Data.write for many small files.
                if let failure = Self.writeFile(root.appendingPathComponent(relative).path, bytes) {
                    return (paths, failure)
                }
                paths.append(relative)
            }
            return (paths, nil)
        }
        if let failure = results.lazy.compactMap(\.failure).first {
            throw failure
        }
        let paths = results.flatMap(\.paths)
        return paths
    }

    /// Writes a BEIR-shaped copy for peer tools: folder/corpus.jsonl (one {"_id": "<i>", "title": ...,
    /// "text": ...} per line) and folder/queries.jsonl ({"_id": "q<j>", "text": ...}).
    ///
    /// Passages are generated in parallel batches and streamed to disk in order, so memory stays
    /// bounded for a million passages. No qrels are written (the corpus has no relevance judgments).
    /// Creates `folder`; replaces both files if present.
    public func writeJSONL(passages: Int, queries: [String], to folder: String) throws {
        precondition(passages >= 0)
        let root = URL(fileURLWithPath: folder, isDirectory: true)
        try LoreError.makeFolder(root.path)

        let corpus = try Self.openForWriting(root.appendingPathComponent("corpus.jsonl"))
        defer { try? corpus.close() }
        let batch = 16_384
        let slices = Parallel.cores * 2
        var start = 0
        while start < passages {
            let end = min(passages, start + batch)
            let first = start
            let chunks = concurrentMap(slices) { s -> [UInt8] in
                let count = end - first
                let from = first + count * s / slices, to = first + count * (s + 1) / slices
                var bytes: [UInt8] = []
                bytes.reserveCapacity((to - from) * 1_400)
                var title: [UInt8] = []
                var text: [UInt8] = []
                for i in from..<to {
                    title.removeAll(keepingCapacity: true)
                    text.removeAll(keepingCapacity: true)
                    compose(i, revision: 0, title: &title, text: &text)
                    bytes.append(contentsOf: "{\"_id\": \"\(i)\", \"title\": ".utf8)
                    Self.appendJSONString(title, to: &bytes)
                    bytes.append(contentsOf: ", \"text\": ".utf8)
                    Self.appendJSONString(text, to: &bytes)
                    bytes.append(contentsOf: "}\n".utf8)
                }
                return bytes
            }
            for chunk in chunks where !chunk.isEmpty { try corpus.write(contentsOf: chunk) }
            start = end
        }

        var lines: [UInt8] = []
        for (j, text) in queries.enumerated() {
            lines.append(contentsOf: "{\"_id\": \"q\(j)\", \"text\": ".utf8)
            Self.appendJSONString(Array(text.utf8), to: &lines)
            lines.append(contentsOf: "}\n".utf8)
        }
        let queriesFile = root.appendingPathComponent("queries.jsonl")
        try LoreError.writing(queriesFile.path) { try Data(lines).write(to: queriesFile) }
    }

    // MARK: - Generation

    // MARK: Rare words

    /// Passages 3g, 3g+1 and 3g+2 form group g. One group in `rareGroupOdds` (chosen by a hash of
    /// the seed and g) plants its own pseudo-word as the last word of its first 1 + g % 3
    /// passages: terms of document frequency 1, 2 and 3, alone in a corpus of any size (the Zipf
    /// vocabulary has none at 1M passages), for `lore bench`'s rare-term recall.
    static let rareGroupOdds: UInt64 = 100

    /// The pseudo-word of group g: "zq" and g in 18 consonants (no vowel, "s" or "y", so no stemmer
    /// rule applies and no vocabulary word is the same).
    static func rareWord(group g: Int) -> String {
        let letters = Array("bcdfghjkmnpqrtvwxz")
        var v = g, out = "zq"
        repeat { out.append(letters[v % letters.count]); v /= letters.count } while v > 0
        return out
    }

    static func rareWord(inPassage i: Int, seed: UInt64) -> String? {
        let g = i / 3
        guard mix(seed, UInt64(g), Salt.rare) % rareGroupOdds == 0, i % 3 <= g % 3 else { return nil }
        return rareWord(group: g)
    }

    /// The planted rare words of the first `passages` passages, each with the passages that hold it.
    public func rareWords(passages: Int) -> [(word: String, passages: [Int])] {
        stride(from: 0, to: passages, by: 3).compactMap { first -> (String, [Int])? in
            let g = first / 3
            let holders = (first..<min(first + 3, passages)).filter { Self.rareWord(inPassage: $0, seed: seed) != nil }
            return holders.isEmpty ? nil : (Self.rareWord(group: g), holders)
        }
    }

    private enum Salt {
        static let head: UInt64 = 0x6865_6164          // title, length, topics
        static let body: UInt64 = 0x626F_6479_0000_0000 // text words, plus the revision
        static let query: UInt64 = 0x7175_6572_7900
        static let vocabulary: UInt64 = 0x766F_6361_62
        static let rare: UInt64 = 0x7261_7265
    }

    private enum Byte {
        static let space = UInt8(ascii: " ")
        static let period = UInt8(ascii: ".")
        static let comma = UInt8(ascii: ",")
        static let newline = UInt8(ascii: "\n")
        static let dollar = UInt8(ascii: "$")
        static let percent = UInt8(ascii: "%")
        static let k = UInt8(ascii: "k")
        static let zero = UInt8(ascii: "0")
    }

    /// Appends passage i's title and (revision's) text bytes.
    private func compose(_ i: Int, revision: Int, title: inout [UInt8], text: inout [UInt8]) {
        withTables { t in
            var head = SplitMix64(seed: Self.mix(seed, UInt64(truncatingIfNeeded: i), Salt.head))
            // Triangular on 40...300, mean 170.
            let length = 40 + head.below(131) + head.below(131)
            let topics = (t.topicRank(head.unit()), t.topicRank(head.unit()), t.topicRank(head.unit()))
            @inline(__always) func topic(_ k: Int) -> Int {
                k == 0 ? topics.0 : (k == 1 ? topics.1 : topics.2)
            }

            let titleLength = 2 + head.below(5)
            title.reserveCapacity(title.count + titleLength * 10)
            var previous = -1
            for w in 0..<titleLength {
                // Half topic words (the first word always), half ordinary words; no word twice in a row.
                var rank = (w == 0 || head.below(2) == 0) ? topic(head.below(3)) : t.zipfRank(head.unit())
                if rank == previous { rank = topic(0) != previous ? topic(0) : (topic(1) != previous ? topic(1) : topic(2)) }
                if w > 0 { title.append(Byte.space) }
                t.appendWord(rank, capitalised: w == 0, to: &title)
                previous = rank
            }

            var body = SplitMix64(seed: Self.mix(seed, UInt64(truncatingIfNeeded: i),
                                                 Salt.body ^ UInt64(truncatingIfNeeded: revision)))
            text.reserveCapacity(text.count + length * 9)
            var sentenceLeft = 0
            for w in 0..<length {
                let startsSentence = sentenceLeft == 0
                if startsSentence {
                    sentenceLeft = 4 + body.below(18)
                    // Avoid a stub sentence of 1-3 words at the end: fold it into this one.
                    if length - w - sentenceLeft < 4 { sentenceLeft = length - w }
                }
                if w > 0 { text.append(Byte.space) }
                let roll = body.below(1000)
                if w == length - 1, let rare = Self.rareWord(inPassage: i, seed: seed) {
                    text.append(contentsOf: rare.utf8)
                } else if roll < 20 {
                    appendFigure(&body, to: &text)
                } else if roll < 120 {
                    t.appendWord(topic(body.below(3)), capitalised: startsSentence && body.below(4) != 0, to: &text)
                } else {
                    t.appendWord(t.zipfRank(body.unit()), capitalised: startsSentence && body.below(4) != 0, to: &text)
                }
                sentenceLeft -= 1
                if sentenceLeft == 0 {
                    text.append(Byte.period)
                } else if body.below(12) == 0 {
                    text.append(Byte.comma)
                }
            }
        }
    }

    /// The vocabulary and Zipf tables as raw buffers, for the inner loops (no retain/release or
    /// slice creation per word).
    private struct Tables {
        let wordBytes: UnsafeBufferPointer<UInt8>
        let wordStarts: UnsafeBufferPointer<Int32>
        let cdf: UnsafeBufferPointer<Double>
        let guide: UnsafeBufferPointer<Int32>
        let topicFloor: Int
        let topicBase: Double

        /// The rank whose CDF interval holds u ∈ [0, 1): the first r with cdf[r] > u.
        @inline(__always)
        func zipfRank(_ u: Double) -> Int {
            let k = min(Int(u * Double(SyntheticCorpus.guideBuckets)), SyntheticCorpus.guideBuckets - 1)
            var low = Int(guide[k]), high = Int(guide[k + 1])
            while low < high {
                let mid = (low + high) >> 1
                if cdf[mid] > u { high = mid } else { low = mid + 1 }
            }
            return low
        }

        /// A Zipf draw restricted to ranks ≥ topicFloor.
        @inline(__always)
        func topicRank(_ u: Double) -> Int {
            max(topicFloor, zipfRank(topicBase + (1 - topicBase) * u))
        }

        @inline(__always)
        func appendWord(_ rank: Int, capitalised: Bool, to out: inout [UInt8]) {
            var from = Int(wordStarts[rank])
            let to = Int(wordStarts[rank + 1])
            if capitalised {
                out.append(wordBytes[from] &- 32)
                from += 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: wordBytes[from..<to]))
        }
    }

    @inline(__always)
    private func withTables<R>(_ body: (Tables) -> R) -> R {
        wordBytes.withUnsafeBufferPointer { words in
            wordStarts.withUnsafeBufferPointer { starts in
                cdf.withUnsafeBufferPointer { cdf in
                    guide.withUnsafeBufferPointer { guide in
                        body(Tables(wordBytes: words, wordStarts: starts, cdf: cdf, guide: guide,
                                    topicFloor: topicFloor, topicBase: topicBase))
                    }
                }
            }
        }
    }

    private func appendFigure(_ rng: inout SplitMix64, to out: inout [UInt8]) {
        switch rng.below(6) {
        case 0:  // "42"
            Self.appendInteger(2 + rng.below(998), to: &out)
        case 1:  // "3.5"
            Self.appendInteger(rng.below(100), to: &out)
            out.append(Byte.period)
            Self.appendInteger(1 + rng.below(9), to: &out)
        case 2:  // "$12k"
            out.append(Byte.dollar)
            Self.appendInteger(1 + rng.below(999), to: &out)
            out.append(Byte.k)
        case 3:  // "17%"
            Self.appendInteger(1 + rng.below(99), to: &out)
            out.append(Byte.percent)
        case 4:  // "1987"
            Self.appendInteger(1900 + rng.below(130), to: &out)
        default:  // "$4.99"
            out.append(Byte.dollar)
            Self.appendInteger(1 + rng.below(99), to: &out)
            out.append(Byte.period)
            let cents = rng.below(100)
            out.append(Byte.zero + UInt8(cents / 10))
            out.append(Byte.zero + UInt8(cents % 10))
        }
    }

    private static func appendInteger(_ value: Int, to out: inout [UInt8]) {
        var v = value
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[count] = Byte.zero + UInt8(v % 10)
                v /= 10
                count += 1
            } while v > 0 && count < 8
            for d in stride(from: count - 1, through: 0, by: -1) { out.append(buffer[d]) }
        }
    }

    /// `value` in decimal, left-padded with zeros to at least `width` digits.
    private static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// SplitMix64's finaliser: a bijective 64-bit mix with full avalanche.
    @inline(__always)
    private static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A stream seed from (seed, index, salt): nested mixing, so nearby indices get unrelated streams.
    @inline(__always)
    private static func mix(_ seed: UInt64, _ index: UInt64, _ salt: UInt64) -> UInt64 {
        mix(mix(mix(seed) ^ index) ^ salt)
    }

    // MARK: - JSON

    /// `bytes` (UTF-8) as a JSON string literal: quotes and backslashes escaped, control characters
    /// as `\n`, `\r`, `\t` or `\u00XX`; other bytes (including non-ASCII UTF-8) copied as they are.
    static func appendJSONString(_ bytes: [UInt8], to out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for b in bytes {
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\n"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case UInt8(ascii: "\t"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0xF)])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// `text` as a JSON string literal (see `appendJSONString`).
    static func jsonString(_ text: String) -> String {
        var out: [UInt8] = []
        appendJSONString(Array(text.utf8), to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Creates or truncates the file at `path` and writes `bytes`; a message on failure, else nil.
    private static func writeFile(_ path: String, _ bytes: [UInt8]) -> LoreError? {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { return .writeFailed(path: path, reason: LoreError.reason()) }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                let failure = LoreError.writeFailed(path: path, reason: LoreError.reason())
                close(fd)
                return failure
            }
            written += n
        }
        guard close(fd) == 0 else { return .writeFailed(path: path, reason: LoreError.reason()) }
        return nil
    }

    private static func openForWriting(_ url: URL) throws -> FileHandle {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw LoreError.writeFailed(path: url.path, reason: LoreError.reason())
        }
        return try LoreError.writing(url.path) { try FileHandle(forWritingTo: url) }
    }

    // MARK: - Vocabulary

    private static let onsets: [[UInt8]] = [
        "b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z",
        "b", "d", "l", "m", "n", "p", "r", "s", "t", "c", "g", "h",
        "br", "cr", "dr", "fr", "gr", "pr", "tr", "bl", "cl", "fl", "gl", "pl", "sl",
        "sp", "st", "sk", "sc", "sm", "sn", "sw", "tw", "sh", "ch", "th", "wh", "qu", "ph",
    ].map { Array($0.utf8) }
    /// Vowels; "y" must stay last (it never starts a word).
    private static let vowels: [[UInt8]] = [
        "a", "e", "i", "o", "u", "a", "e", "i", "o", "a", "e", "i", "e",
        "ea", "ai", "ou", "oo", "ie", "io", "oa", "ee", "au", "y",
    ].map { Array($0.utf8) }
    private static let codas: [[UInt8]] = [
        "", "", "", "", "", "", "n", "r", "l", "s", "t", "m", "n", "r", "l", "d", "p", "g", "k",
        "nd", "nt", "rt", "st", "ck", "ng", "rn", "ld", "sh", "th", "x", "ct", "mp", "rm", "lk", "ft",
    ].map { Array($0.utf8) }
    /// English suffixes, repeated by rough frequency.
    private static let suffixes: [[UInt8]] = [
        "s", "s", "s", "s", "ed", "ed", "ed", "ing", "ing", "ing",
        "er", "er", "ly", "ly", "ness", "ment", "tion",
    ].map { Array($0.utf8) }

    /// `count` distinct pseudo-words in rank order (see the type's documentation).
    private static func makeVocabulary(count: Int, seed: UInt64) -> [String] {
        var rng = SplitMix64(seed: mix(seed, 0, Salt.vocabulary))
        var seen = Set<String>(minimumCapacity: count)
        var words: [String] = []
        words.reserveCapacity(count)
        let stopWords = StopWords.english

        @inline(__always) func add(_ bytes: [UInt8]) -> Bool {
            guard bytes.count >= 3, words.count < count else { return false }
            let word = String(decoding: bytes, as: UTF8.self)
            guard !stopWords.contains(word), seen.insert(word).inserted else { return false }
            words.append(word)
            return true
        }

        var stem: [UInt8] = []
        var form: [UInt8] = []
        while words.count < count {
            // Syllable count: 1 (20%), 2 (45%), 3 (27%), 4 (8%).
            let roll = rng.below(100)
            let syllables = roll < 20 ? 1 : (roll < 65 ? 2 : (roll < 92 ? 3 : 4))
            stem.removeAll(keepingCapacity: true)
            for s in 0..<syllables {
                // A vowel-initial word one time in six (never with "y"); later syllables always have an onset.
                let onset = s > 0 || rng.below(6) != 0
                if onset { stem.append(contentsOf: onsets[rng.below(onsets.count)]) }
                stem.append(contentsOf: vowels[rng.below(onset ? vowels.count : vowels.count - 1)])
                // Inner syllables close less often, so words stay pronounceable.
                if s == syllables - 1 || rng.below(4) == 0 {
                    stem.append(contentsOf: codas[rng.below(codas.count)])
                }
            }
            guard add(stem) else { continue }

            // Inflections of this stem: none (35%), one (30%), two (20%), three (15%).
            let inflectionRoll = rng.below(100)
            let inflections = inflectionRoll < 35 ? 0 : (inflectionRoll < 65 ? 1 : (inflectionRoll < 85 ? 2 : 3))
            for _ in 0..<inflections {
                let suffix = suffixes[rng.below(suffixes.count)]
                form = stem
                let last = stem[stem.count - 1]
                if last == UInt8(ascii: "e") && (suffix[0] == UInt8(ascii: "e") || suffix[0] == UInt8(ascii: "i")) {
                    form.removeLast()  // "cale" + "ing" → "caling"
                } else if suffix == [UInt8(ascii: "s")]
                            && (last == UInt8(ascii: "s") || last == UInt8(ascii: "x") || last == UInt8(ascii: "h")) {
                    form.append(UInt8(ascii: "e"))  // "brax" + "s" → "braxes"
                }
                form.append(contentsOf: suffix)
                _ = add(form)
            }
        }

        // Rank by length plus Gaussian noise (σ = 2.5 letters): short words tend to be frequent.
        var order = [(key: Double, index: Int)]()
        order.reserveCapacity(words.count)
        for (index, word) in words.enumerated() {
            order.append((Double(word.utf8.count) + 2.5 * Double(rng.nextGaussian()), index))
        }
        order.sort { $0.key < $1.key || ($0.key == $1.key && $0.index < $1.index) }
        return order.map { words[$0.index] }
    }
}

private extension SplitMix64 {
    /// A uniform integer in 0..<n (n < 2³²), by multiply-and-shift (bias below 2⁻³²·n).
    @inline(__always)
    mutating func below(_ n: Int) -> Int {
        Int(truncatingIfNeeded: ((next() >> 32) &* UInt64(n)) >> 32)
    }

    /// A uniform double in [0, 1).
    @inline(__always)
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }
}

