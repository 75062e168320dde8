/// Splits text into lower-cased words and figures, Unicode-aware.
///
/// A token is a run of letters and digits. Figures stay whole: a `.` `,` or `/` between two
/// digits joins (`99.9`, `4.5/5.0`; a thousands comma is dropped, so `1,000` is `1000`), a `-`
/// joins when a digit stands on either side (`gpt-4`, `3.5-turbo`), a currency sign before a digit
/// is kept (`$2m`), and an apostrophe between letters joins (`krishna's`).
public struct Tokenizer: Sendable {
    /// One token: its lower-cased text and where it stands, as offsets into the text's Unicode scalars.
    public struct Token: Equatable, Sendable {
        public var text: String
        public var range: Range<Int>
    }

    public init() {}

    /// The tokens of `text`, in order.
    public func tokens(_ text: String) -> [Token] {
        let scalars = Array(text.unicodeScalars)
        var result: [Token] = []
        var i = 0
        let n = scalars.count
        while i < n {
            let c = scalars[i]
            let startsCurrency = Self.isCurrency(c) && i + 1 < n && Self.isDigit(scalars[i + 1])
            guard Self.isWord(c) || startsCurrency else { i += 1; continue }
            let start = i
            var text = String.UnicodeScalarView()
            if startsCurrency { text.append(c); i += 1 }
            while i < n {
                let s = scalars[i]
                if Self.isWord(s) {
                    text.append(s); i += 1; continue
                }
                guard i + 1 < n, i > start, let joined = Self.connector(s, before: scalars[i - 1], after: scalars, i + 1) else { break }
                if let joined { text.append(joined) }
                i += 1
            }
            if i == start { i += 1; continue }
            result.append(Token(text: String(text).lowercased(), range: start..<i))
        }
        return result
    }

    /// How a non-word scalar between two parts of a token joins them: `nil` ends the token,
    /// `.some(nil)` joins and drops it (a thousands comma), `.some(c)` joins and keeps `c`.
    static func connector(_ s: Unicode.Scalar, before: Unicode.Scalar, after scalars: [Unicode.Scalar], _ j: Int) -> Unicode.Scalar?? {
        let after = scalars[j]
        switch s {
        case ".", "/":
            return isDigit(before) && isDigit(after) ? .some(s) : nil
        case ",":
            return isDigit(before) && threeDigitsFollow(scalars, j) ? .some(nil) : nil
        case "-", "\u{2010}", "\u{2011}":
            return isWord(before) && isWord(after) && (isDigit(before) || isDigit(after)) ? .some("-") : nil
        case "'", "\u{2019}":
            return isLetter(before) && isLetter(after) ? .some("'") : nil
        default:
            return nil
        }
    }

    static func threeDigitsFollow(_ s: [Unicode.Scalar], _ from: Int) -> Bool {
        guard from + 3 <= s.count else { return false }
        for j in from..<(from + 3) where !isDigit(s[j]) { return false }
        return from + 3 == s.count || !isDigit(s[from + 3])
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
        c == "$" || c.properties.generalCategory == .currencySymbol
    }
}
