import Foundation

/// Splits text into lower-cased words and figures, Unicode-aware, working on UTF-8 bytes.
///
/// A token is a run of letters and digits. Figures stay whole: a `.` `,` or `/` between two
/// digits joins (`99.9`, `4.5/5.0`; a thousands comma is dropped, so `1,000` is `1000`), a `-`
/// joins when a digit stands on either side (`gpt-4`, `3.5-turbo`), a currency sign before a digit
/// is kept (`$2m`), and an apostrophe between letters joins (`krishna's`). ASCII text takes a
/// byte-only path; other scripts are decoded and case-folded with Unicode's rules, and Latin
/// letters lose their diacritics (`Café` is `cafe`, `Zürich` `zurich`, `Straße` `strasse`) unless
/// `foldsDiacritics` is off, so that a word typed without its accents finds the word written with them.
/// Chinese and Japanese (and Korean, as Lucene's CJK analysis does) are written without spaces
/// between words: a run of their characters gives its overlapping pairs (`splitUnsegmented`).
public struct Tokenizer: Sendable {
    /// One token: its lower-cased text and where it stands, as UTF-8 byte offsets into the text.
    public struct Token: Equatable, Sendable {
        public var text: String
        public var range: Range<Int>
    }

    /// Whether Latin letters lose their diacritics (an index's `IndexConfig.foldDiacritics`).
    public let foldsDiacritics: Bool

    public init(foldsDiacritics: Bool = true) {
        self.foldsDiacritics = foldsDiacritics
    }

    /// The tokens of `text`, in order.
    public func tokens(_ text: String) -> [Token] {
        var out: [Token] = []
        forEachToken(in: text) { bytes, range in
            out.append(Token(text: String(decoding: bytes, as: UTF8.self), range: range))
        }
        return out
    }

    /// Calls `body` with each token's lower-cased UTF-8 bytes (valid only during the call) and
    /// its byte range in `text`. Allocates nothing for ASCII tokens.
    public func forEachToken(in text: String, _ body: (UnsafeBufferPointer<UInt8>, Range<Int>) -> Void) {
        var text = text
        text.withUTF8 { utf8 in
            var scratch = [UInt8]()
            scratch.reserveCapacity(64)
            var folded = [UInt8]()
            Self.scan(utf8, scratch: &scratch, folded: &folded, folding: foldsDiacritics, body)
        }
    }

    private static func scan(_ s: UnsafeBufferPointer<UInt8>, scratch: inout [UInt8], folded: inout [UInt8], folding: Bool,
                             _ body: (UnsafeBufferPointer<UInt8>, Range<Int>) -> Void) {
        let n = s.count
        var i = 0
        while i < n {
            let (c, width) = decode(s, i)
            let startsCurrency = isCurrency(c) && i + width < n && isDigit(decode(s, i + width).0)
            guard isWord(c) || startsCurrency else { i += width; continue }
            let start = i
            scratch.removeAll(keepingCapacity: true)
            var ascii = true
            var previous = c
            if startsCurrency {
                append(s, i, width, to: &scratch)
                ascii = ascii && c.isASCII
                i += width
            }
            while i < n {
                let (x, w) = decode(s, i)
                if isWord(x) {
                    append(s, i, w, to: &scratch)
                    ascii = ascii && x.isASCII
                    previous = x
                    i += w
                    continue
                }
                // Only . / , - ' and their Unicode look-alikes can join; anything else ends the token.
                guard i > start, i + w < n, !x.isASCII || isConnectorByte(UInt8(x.value)) else { break }
                let (after, afterWidth) = decode(s, i + w)
                guard let joined = connector(x, before: previous, after: after, s, i + w) else { break }
                if let joined { scratch.append(joined) }
                // The next scalar is a word scalar (every connector requires it): take it now.
                append(s, i + w, afterWidth, to: &scratch)
                ascii = ascii && after.isASCII
                previous = after
                i += w + afterWidth
            }
            if ascii {
                for j in scratch.indices where scratch[j] >= 65 && scratch[j] <= 90 { scratch[j] |= 0x20 }
                scratch.withUnsafeBufferPointer { body($0, start..<i) }
            } else if !scratch.contains(where: { $0 >= 0xE1 }) || !hasUnsegmented(s, start..<i) {
                emitLowered(scratch, start..<i, folded: &folded, folding: folding, body)
            } else {
                // Chinese or Japanese inside (the rare case: the ASCII path above never comes here).
                splitUnsegmented(s, start..<i, scratch: &scratch, folded: &folded, folding: folding, body)
            }
        }
    }

    /// `word` (UTF-8) lower-cased, and folded when `folding`, to `body`.
    private static func emitLowered(_ word: [UInt8], _ range: Range<Int>, folded: inout [UInt8], folding: Bool,
                                    _ body: (UnsafeBufferPointer<UInt8>, Range<Int>) -> Void) {
        var lowered = String(decoding: word, as: UTF8.self).lowercased()
        if folding {
            foldLatin(lowered, into: &folded)
            folded.withUnsafeBufferPointer { body($0, range) }
        } else {
            lowered.withUTF8 { body($0, range) }
        }
    }

    /// Whether the bytes of `range` hold a scalar of `isUnsegmented`.
    private static func hasUnsegmented(_ s: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        var i = range.lowerBound
        while i < range.upperBound {
            let (x, w) = decode(s, i)
            if isUnsegmented(x) { return true }
            i += w
        }
        return false
    }

    /// A token holding Chinese or Japanese, which are written without spaces between words: its
    /// runs of `isUnsegmented` scalars give their overlapping pairs ("東京の天気" → 東京, 京の,
    /// の天, 天気; a run of one scalar is itself), as search engines index them, so that a word of
    /// two or more characters is found by its pairs; the parts between ("ai" in "AI技术") are
    /// tokens of their own. The bytes of `range` are scanned again (a token is short).
    private static func splitUnsegmented(_ s: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, scratch: inout [UInt8],
                                         folded: inout [UInt8], folding: Bool,
                                         _ body: (UnsafeBufferPointer<UInt8>, Range<Int>) -> Void) {
        var i = range.lowerBound
        while i < range.upperBound {
            let unsegmented = isUnsegmented(decode(s, i).0)
            var starts = [i]
            while i < range.upperBound {
                let (x, w) = decode(s, i)
                guard isUnsegmented(x) == unsegmented else { break }
                i += w
                starts.append(i)
            }
            if unsegmented {
                let scalars = starts.count - 1
                for j in 0..<max(scalars - 1, 1) {
                    let pair = starts[j]..<starts[min(j + 2, scalars)]
                    scratch.removeAll(keepingCapacity: true)
                    append(s, pair.lowerBound, pair.count, to: &scratch)
                    scratch.withUnsafeBufferPointer { body($0, pair) }
                }
            } else {
                let part = starts[0]..<i
                emitLowered(Array(s[part]), part, folded: &folded, folding: folding, body)
            }
        }
    }

    /// Whether `c` belongs to a script written without spaces between words, or indexed as if it
    /// were (Han ideographs, Hiragana, Katakana, Hangul), as Lucene's CJK analysis takes them.
    @inline(__always) static func isUnsegmented(_ c: Unicode.Scalar) -> Bool {
        let v = c.value
        guard v >= 0x1100 else { return false }
        return (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v) || (0x3040...0x30FF).contains(v)
            || (0xAC00...0xD7AF).contains(v) || (0xF900...0xFAFF).contains(v) || (0x20000...0x3134F).contains(v)
            || (0x31F0...0x31FF).contains(v) || (0xFF66...0xFF9F).contains(v) || (0x1100...0x11FF).contains(v)
            || (0x3130...0x318F).contains(v)
    }

    @inline(__always) private static func append(_ s: UnsafeBufferPointer<UInt8>, _ i: Int, _ w: Int, to out: inout [UInt8]) {
        if w == 1 { out.append(s[i]) } else { for j in i..<(i + w) { out.append(s[j]) } }
    }

    /// The UTF-8 bytes of `word` (case-folded already) with the diacritics of its Latin letters
    /// taken off, into `out`: a letter of the Latin blocks keeps its base letter (`é` → `e`), a
    /// combining accent after a Latin letter goes (text written decomposed), and the letters that
    /// do not decompose are spelled as their plain equivalents (`ß` → `ss`, `æ` → `ae`, `ø` → `o`).
    /// Other scripts are left as they are: their combining marks (Devanagari's vowel signs,
    /// Hebrew's points) are part of the word.
    static func foldLatin(_ word: String, into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        var afterLatin = false
        for c in word.unicodeScalars {
            let v = c.value
            if v < 0x80 {
                out.append(UInt8(v))
                afterLatin = true
                continue
            }
            if (0x300...0x36F).contains(v) && afterLatin { continue }
            if let plain = latinFold(v) {
                out.append(contentsOf: plain.utf8)
                afterLatin = true
            } else {
                out.append(contentsOf: String(c).utf8)
                afterLatin = false
            }
        }
    }

    /// The plain spelling of Latin letter `v` (Latin-1 Supplement, Extended-A and -B, Extended
    /// Additional), or nil when it has none (not a Latin letter, or a letter that stays).
    @inline(__always) static func latinFold(_ v: UInt32) -> String? {
        if (0xC0...0x24F).contains(v) { return latinFolds[Int(v - 0xC0)] }
        if (0x1E00...0x1EFF).contains(v) { return latinFolds[Int(v - 0x1E00) + 0x190] }
        return nil
    }

    /// The table of `latinFold`, made once: each letter decomposed (Unicode's canonical
    /// decomposition) and its marks dropped when its base is a plain letter, else the spellings
    /// of the letters that do not decompose.
    static let latinFolds: [String?] = {
        let plain: [Unicode.Scalar: String] = [
            "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i", "ħ": "h", "ŧ": "t",
        ]
        let scalars = Array(0xC0...0x24F) + Array(0x1E00...0x1EFF)
        return scalars.map { v -> String? in
            guard let c = Unicode.Scalar(UInt32(v)) else { return nil }
            if let p = plain[c] { return p }
            let base = String(c).decomposedStringWithCanonicalMapping.unicodeScalars.filter { !(0x300...0x36F).contains($0.value) }
            guard let first = base.first, base.count == 1 else { return nil }
            if let p = plain[first] { return p }
            return first.isASCII ? String(first) : nil
        }
    }()

    /// The scalar at byte `i` and its width in bytes (valid UTF-8 is guaranteed by `String`).
    @inline(__always) static func decode(_ s: UnsafeBufferPointer<UInt8>, _ i: Int) -> (Unicode.Scalar, Int) {
        let b0 = s[i]
        if b0 < 0x80 { return (Unicode.Scalar(b0), 1) }
        var v: UInt32, w: Int
        if b0 < 0xE0 { v = UInt32(b0 & 0x1F); w = 2 } else if b0 < 0xF0 { v = UInt32(b0 & 0x0F); w = 3 } else {
            v = UInt32(b0 & 0x07); w = 4
        }
        for j in 1..<w { v = (v << 6) | UInt32(s[i + j] & 0x3F) }
        return (Unicode.Scalar(v) ?? "\u{FFFD}", w)
    }

    /// How a non-word scalar between two parts of a token joins them: `nil` ends the token,
    /// `.some(nil)` joins and drops it (a thousands comma), `.some(byte)` joins and keeps it.
    static func connector(_ c: Unicode.Scalar, before: Unicode.Scalar, after: Unicode.Scalar,
                          _ s: UnsafeBufferPointer<UInt8>, _ afterIndex: Int) -> UInt8?? {
        switch c {
        case ".", "/":
            return isDigit(before) && isDigit(after) ? .some(UInt8(c.value)) : nil
        case ",":
            return isDigit(before) && threeDigitsFollow(s, afterIndex) ? .some(nil) : nil
        case "-", "\u{2010}", "\u{2011}":
            return isWord(before) && isWord(after) && (isDigit(before) || isDigit(after)) ? .some(UInt8(ascii: "-")) : nil
        case "'", "\u{2019}":
            return isLetter(before) && isLetter(after) ? .some(UInt8(ascii: "'")) : nil
        default:
            return nil
        }
    }

    @inline(__always) static func isConnectorByte(_ b: UInt8) -> Bool {
        b == 46 || b == 47 || b == 44 || b == 45 || b == 39  // . / , - '
    }

    /// Exactly three ASCII digits at `from`, then no further digit.
    static func threeDigitsFollow(_ s: UnsafeBufferPointer<UInt8>, _ from: Int) -> Bool {
        guard from + 3 <= s.count else { return false }
        for j in from..<(from + 3) where !(s[j] >= 48 && s[j] <= 57) { return false }
        return from + 3 == s.count || !isDigit(decode(s, from + 3).0)
    }

    @inline(__always) static func isDigit(_ c: Unicode.Scalar) -> Bool {
        if c.isASCII { return c.value >= 48 && c.value <= 57 }
        return c.properties.numericType == .decimal
    }

    @inline(__always) static func isLetter(_ c: Unicode.Scalar) -> Bool {
        if c.isASCII { return (c.value | 0x20) >= 97 && (c.value | 0x20) <= 122 }
        return c.properties.isAlphabetic
    }

    @inline(__always) static func isWord(_ c: Unicode.Scalar) -> Bool {
        if c.isASCII {
            let v = c.value
            return (v >= 48 && v <= 57) || ((v | 0x20) >= 97 && (v | 0x20) <= 122)
        }
        let p = c.properties
        return p.isAlphabetic || p.numericType != nil || p.generalCategory == .nonspacingMark
    }

    static func isCurrency(_ c: Unicode.Scalar) -> Bool {
        c == "$" || (!c.isASCII && c.properties.generalCategory == .currencySymbol)
    }
}
