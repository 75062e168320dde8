import Foundation

/// A reader of the WordNet 3.0 database as Debian's `wordnet-base` installs it
/// (/usr/share/wordnet; the format is documented in wndb(5WN)): per part of speech, `index.POS`
/// lists each lemma (sorted, one per line) with its synsets by sense frequency, and `data.POS`
/// holds each synset on one line at the byte offset that names it: its words, its pointers to
/// other synsets, and its gloss. The files are memory-mapped and looked up in place (binary search
/// over the index, one seek per synset), so opening costs nothing and a word costs a few probes.
/// Inflected forms reach their lemma through the exception lists and the suffix rules of
/// WordNet's morphy.
public final class WordNet: @unchecked Sendable {
    public enum PartOfSpeech: String, CaseIterable, Sendable {
        case noun, verb, adj, adv
        var symbol: UInt8 {
            switch self {
            case .noun: return UInt8(ascii: "n")
            case .verb: return UInt8(ascii: "v")
            case .adj: return UInt8(ascii: "a")
            case .adv: return UInt8(ascii: "r")
            }
        }
        init?(symbol: UInt8) {
            switch symbol {
            case UInt8(ascii: "n"): self = .noun
            case UInt8(ascii: "v"): self = .verb
            case UInt8(ascii: "a"), UInt8(ascii: "s"): self = .adj
            case UInt8(ascii: "r"): self = .adv
            default: return nil
            }
        }
    }

    /// One synset: its words (lower case, spaces for underscores), its pointers, its gloss.
    public struct Synset: Sendable {
        public var words: [String]
        /// (pointer symbol, target offset, target part of speech).
        public var pointers: [(symbol: String, offset: Int, pos: PartOfSpeech)]
        public var gloss: String
    }

    private let index: [PartOfSpeech: Data]
    private let data: [PartOfSpeech: Data]
    /// `POS.exc`: inflected forms and their lemmas, one form a line, sorted (looked up like the index).
    private let exceptions: [PartOfSpeech: Data]

    /// Where Debian installs the database.
    public static let defaultFolder = "/usr/share/wordnet"

    /// Opens the database in `folder`; nil when any of its files is missing or unreadable.
    public init?(folder: String = WordNet.defaultFolder) {
        var index: [PartOfSpeech: Data] = [:], data: [PartOfSpeech: Data] = [:]
        var exceptions: [PartOfSpeech: Data] = [:]
        for pos in PartOfSpeech.allCases {
            guard let i = try? Data(contentsOf: URL(fileURLWithPath: "\(folder)/index.\(pos.rawValue)"), options: .alwaysMapped),
                  let d = try? Data(contentsOf: URL(fileURLWithPath: "\(folder)/data.\(pos.rawValue)"), options: .alwaysMapped),
                  !i.isEmpty, !d.isEmpty
            else { return nil }
            index[pos] = i
            data[pos] = d
            exceptions[pos] = (try? Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(pos.rawValue).exc"), options: .alwaysMapped))
                ?? Data()
        }
        self.index = index
        self.data = data
        self.exceptions = exceptions
    }

    /// The synset offsets of `lemma` (lower case, underscores for spaces) as `pos`, most
    /// frequent sense first; empty when WordNet lacks it.
    public func senses(of lemma: String, _ pos: PartOfSpeech) -> [Int] {
        guard let file = index[pos], let line = Self.findLine(file, key: Array(lemma.utf8)) else { return [] }
        let fields = line.split(separator: UInt8(ascii: " "))
        // lemma pos synset_cnt p_cnt [ptr_symbol × p_cnt] sense_cnt tagsense_cnt [offset × synset_cnt]
        guard fields.count >= 6, let synsets = Int(ascii: fields[2]), let pointers = Int(ascii: fields[3]) else { return [] }
        let first = 4 + pointers + 2
        guard fields.count >= first + synsets else { return [] }
        return fields[first..<(first + synsets)].compactMap { Int(ascii: $0) }
    }

    /// The synset at `offset` of `pos`'s data file, or nil when the offset does not start one.
    public func synset(_ offset: Int, _ pos: PartOfSpeech) -> Synset? {
        guard let file = data[pos], offset >= 0, offset < file.count else { return nil }
        return file.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Synset? in
            let bytes = raw.bindMemory(to: UInt8.self)
            var end = offset
            while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
            let line = Array(bytes[offset..<end])
            let bar = line.firstIndex(of: UInt8(ascii: "|")) ?? line.count
            let gloss = bar < line.count ? String(decoding: line[(bar + 1)...], as: UTF8.self).trimmingCharacters(in: .whitespaces) : ""
            let fields = line[..<bar].split(separator: UInt8(ascii: " "))
            // offset lex_filenum ss_type w_cnt(hex) [word lex_id] × w_cnt p_cnt [ptr offset pos src/tgt] × p_cnt …
            guard fields.count >= 4, Int(ascii: fields[0]) == offset, let words = Int(ascii: fields[3], radix: 16) else { return nil }
            var cursor = 4
            var out: [String] = []
            for _ in 0..<words {
                guard cursor < fields.count else { return nil }
                var word = String(decoding: fields[cursor], as: UTF8.self).lowercased().replacingOccurrences(of: "_", with: " ")
                // Adjectives may carry a syntactic marker: "(a)", "(p)", "(ip)".
                if let paren = word.firstIndex(of: "(") { word = String(word[..<paren]) }
                out.append(word)
                cursor += 2
            }
            guard cursor < fields.count, let count = Int(ascii: fields[cursor]) else { return nil }
            cursor += 1
            var pointers: [(String, Int, PartOfSpeech)] = []
            for _ in 0..<count {
                guard cursor + 3 < fields.count, let target = Int(ascii: fields[cursor + 1]),
                      let symbol = fields[cursor + 2].first, let pos = PartOfSpeech(symbol: symbol) else { return nil }
                pointers.append((String(decoding: fields[cursor], as: UTF8.self), target, pos))
                cursor += 4
            }
            return Synset(words: out, pointers: pointers.map { (symbol: $0.0, offset: $0.1, pos: $0.2) }, gloss: gloss)
        }
    }

    /// The synsets whose definition (the gloss before its first quoted example) uses `word` (lower
    /// case, as a whole word), in every part of speech: "dad" is "an informal term for a father",
    /// so `father` finds it. Scans the data files (about 22 MB; a few milliseconds).
    public func synsetsDefining(_ word: String) -> [(offset: Int, pos: PartOfSpeech)] {
        let needle = Array(word.utf8)
        guard !needle.isEmpty else { return [] }
        var out: [(Int, PartOfSpeech)] = []
        for pos in PartOfSpeech.allCases {
            guard let file = data[pos] else { continue }
            file.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                let bytes = raw.bindMemory(to: UInt8.self)
                func isLetter(_ b: UInt8) -> Bool {
                    (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(b)
                        || b == UInt8(ascii: "-") || b == UInt8(ascii: "_")
                }
                var lastLine = -1
                // memchr finds the needle's rarest letter (English letter frequencies), so that
                // a common first letter does not stop the scan every few bytes; the rest of the
                // needle is compared around each stop.
                let j = needle.indices.min { Self.letterRank(needle[$0]) < Self.letterRank(needle[$1]) }!
                var from = j
                while from + needle.count - j <= bytes.count {
                    guard let base = bytes.baseAddress,
                          let hit = memchr(base + from, Int32(needle[j]), bytes.count - from - (needle.count - j) + 1) else { break }
                    let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self)) - j
                    from = at + j + 1
                    guard needle.indices.allSatisfy({ bytes[at + $0] == needle[$0] }) else { continue }
                    let end = at + needle.count
                    guard at > 0, !isLetter(bytes[at - 1]), end >= bytes.count || !isLetter(bytes[end]) else { continue }
                    var start = at
                    while start > 0 && bytes[start - 1] != UInt8(ascii: "\n") { start -= 1 }
                    guard start != lastLine, bytes[start] != UInt8(ascii: " ") else { continue }
                    // The hit must lie in the definition: after the bar, before any quote.
                    var bar = start
                    while bar < at && bytes[bar] != UInt8(ascii: "|") { bar += 1 }
                    guard bar < at else { continue }
                    var quoted = false
                    for i in bar..<at where bytes[i] == UInt8(ascii: "\"") { quoted = true; break }
                    guard !quoted else { continue }
                    // The line starts with the synset's offset.
                    var digitsEnd = start
                    while digitsEnd < at && bytes[digitsEnd] != UInt8(ascii: " ") { digitsEnd += 1 }
                    guard let offset = Int(ascii: bytes[start..<digitsEnd]) else { continue }
                    lastLine = start
                    out.append((offset, pos))
                }
            }
        }
        return out
    }

    /// How common a byte is in English text, lower for rarer: 26 for `e` down to 1 for `z` (either
    /// case), and -1 for anything else (a hyphen, a digit), rarer still.
    static func letterRank(_ b: UInt8) -> Int {
        guard let i = Self.commonestFirst.firstIndex(of: b | 0x20) else { return -1 }
        return Self.commonestFirst.count - i
    }

    private static let commonestFirst = Array("etaoinshrdlcumwfgypbvkjxqz".utf8)

    /// The lemmas `word` (lower case) may be an inflection of as `pos`, per morphy: the word
    /// itself, its exceptions (`went` → `go`), and its suffix rules (`couches` → `couch`), each
    /// kept only when WordNet holds it.
    public func lemmas(of word: String, _ pos: PartOfSpeech) -> [String] {
        let word = word.replacingOccurrences(of: " ", with: "_")
        var candidates = [word]
        if let file = exceptions[pos], !file.isEmpty, let line = Self.findLine(file, key: Array(word.utf8)) {
            candidates += line.split(separator: UInt8(ascii: " ")).dropFirst().map { String(decoding: $0, as: UTF8.self) }
        }
        for (suffix, ending) in Self.rules[pos] ?? [] where word.hasSuffix(suffix) && word.count > suffix.count + 1 {
            candidates.append(String(word.dropLast(suffix.count)) + ending)
        }
        var seen: Set<String> = []
        return candidates.filter { seen.insert($0).inserted && !senses(of: $0, pos).isEmpty }
    }

    /// morphy's detachment rules (suffix, replacement) per part of speech.
    private static let rules: [PartOfSpeech: [(String, String)]] = [
        .noun: [("s", ""), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"), ("men", "man"), ("ies", "y")],
        .verb: [("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", "")],
        .adj: [("er", ""), ("est", ""), ("er", "e"), ("est", "e")],
    ]

    /// The line of a sorted index file whose first field is `key` (header lines start with a
    /// space and sort first), by binary search over byte positions.
    private static func findLine(_ file: Data, key: [UInt8]) -> ArraySlice<UInt8>? {
        file.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> ArraySlice<UInt8>? in
            let bytes = raw.bindMemory(to: UInt8.self)
            var lo = 0, hi = bytes.count
            while lo < hi {
                let mid = (lo + hi) / 2
                // The line holding mid.
                var start = mid
                while start > 0 && bytes[start - 1] != UInt8(ascii: "\n") { start -= 1 }
                var end = mid
                while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
                var fieldEnd = start
                while fieldEnd < end && bytes[fieldEnd] != UInt8(ascii: " ") { fieldEnd += 1 }
                let field = UnsafeBufferPointer(rebasing: bytes[start..<fieldEnd])
                if start < end && bytes[start] == UInt8(ascii: " ") {
                    lo = end + 1  // a header line sorts before every lemma
                } else if field.elementsEqual(key) {
                    return ArraySlice(bytes[start..<end])
                } else if field.lexicographicallyPrecedes(key) {
                    lo = end + 1
                } else {
                    hi = start
                }
            }
            return nil
        }
    }
}

private extension Int {
    /// A number written in ASCII digits (radix 10 or 16); nil for anything else.
    init?<C: Collection>(ascii: C, radix: Int = 10) where C.Element == UInt8 {
        guard !ascii.isEmpty, ascii.count < 18 else { return nil }
        var v = 0
        for b in ascii {
            let d: Int
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = Int(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f") where radix == 16: d = Int(b - UInt8(ascii: "a")) + 10
            default: return nil
            }
            v = v * radix + d
        }
        self = v
    }
}
