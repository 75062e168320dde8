/// Turns text into index terms: tokens, minus English stop words, reduced to Snowball stems.
///
/// Figures and compounds with digits stay whole (`gpt-4`, `$15k`); their word parts and the
/// figure without its currency sign are added too, so `gpt` and `15k` also find them.
/// Not thread-safe (it owns a stemmer): give each thread its own.
public final class Analyzer {
    let tokenizer: Tokenizer
    private let stemmer = Stemmer()
    private let stopWords: Set<String>

    /// `foldsDiacritics`: whether Latin letters lose their diacritics (`Tokenizer`), as the
    /// index that the terms are for was built (`IndexConfig.foldDiacritics`).
    public init(foldsDiacritics: Bool = true, stopWords: Set<String> = StopWords.english) {
        tokenizer = Tokenizer(foldsDiacritics: foldsDiacritics)
        self.stopWords = stopWords
    }

    /// The index terms of `text`, in order of appearance.
    public func terms(_ text: String) -> [String] {
        var out: [String] = []
        tokenizer.forEachToken(in: text) { bytes, _ in appendTerms(of: String(decoding: bytes, as: UTF8.self), to: &out) }
        return out
    }

    /// Each token of `text` with the terms it yields (empty for stop words), for highlighting.
    public func analyzedTokens(_ text: String) -> [(token: Tokenizer.Token, terms: [String])] {
        tokenizer.tokens(text).map { token in (token, terms(ofToken: token.text)) }
    }

    /// The terms of one lower-cased token (none for a stop word).
    public func terms(ofToken token: String) -> [String] {
        var out: [String] = []
        appendTerms(of: token, to: &out)
        return out
    }

    /// Calls `body` with the stem of a lower-cased plain word given as bytes (its one term when it
    /// is not a stop word), valid during the call.
    public func withStem<R>(of word: [UInt8], _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        stemmer.withStem(of: word, body)
    }

    private func appendTerms(of word: String, to out: inout [String]) {
        if stopWords.contains(word) { return }
        guard word.utf8.contains(where: { !Self.isLetterByte($0) }) else {
            out.append(stemmer.stem(word))
            return
        }
        out.append(word)
        var bare = Substring(word)
        if let first = word.unicodeScalars.first, Tokenizer.isCurrency(first) {
            bare = word.dropFirst()
            out.append(String(bare))
        }
        if bare.contains("-") {
            for part in bare.split(separator: "-") where part.utf8.allSatisfy(Self.isLetterByte) {
                let p = String(part)
                if p.utf8.count > 1, !stopWords.contains(p) { out.append(stemmer.stem(p)) }
            }
        }
    }

    /// True for bytes that may belong to a plain word: ASCII letters, the apostrophe, and any
    /// byte of a multi-byte UTF-8 sequence (non-ASCII letters).
    @inline(__always) static func isLetterByte(_ b: UInt8) -> Bool {
        b >= 0x80 || b == 0x27 || ((b | 0x20) >= 97 && (b | 0x20) <= 122)
    }
}
