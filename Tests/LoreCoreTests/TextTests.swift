import XCTest
@testable import LoreCore

final class TokenizerTests: XCTestCase {
    private func words(_ s: String) -> [String] { Tokenizer().tokens(s).map(\.text) }

    func testFiguresStayWhole() {
        XCTAssertEqual(words("99.9% uptime, $15K monthly and $2M budget"), ["99.9", "uptime", "$15k", "monthly", "and", "$2m", "budget"])
        XCTAssertEqual(words("rated 4.5/5.0 (was 3.2)."), ["rated", "4.5/5.0", "was", "3.2"])
        XCTAssertEqual(words("GPT-4 vs. GPT-3.5-turbo"), ["gpt-4", "vs", "gpt-3.5-turbo"])
        XCTAssertEqual(words("tested 1,000 sample queries, 12, 345"), ["tested", "1000", "sample", "queries", "12", "345"])
    }

    func testHyphensWithoutDigitsSplit() {
        XCTAssertEqual(words("cross-functional self-evolution"), ["cross", "functional", "self", "evolution"])
    }

    func testUnicodeCaseFoldingDiacriticsAndApostrophes() {
        XCTAssertEqual(words("Krishna’s NAÏVE Überblick déjà-vu"), ["krishna's", "naive", "uberblick", "deja", "vu"])
        XCTAssertEqual(words("Café Zürich STRASSE Straße Ærø Łódź Œuvre Ångström"),
                       ["cafe", "zurich", "strasse", "strasse", "aero", "lodz", "oeuvre", "angstrom"])
        XCTAssertEqual(words("Tiếng Việt İstanbul ǂ"), ["tieng", "viet", "istanbul", "ǂ"])
    }

    func testDecomposedAccentsFoldToo() {
        // "café" and "Zürich" written with combining accents (as some systems store text).
        XCTAssertEqual(words("cafe\u{301} Zu\u{308}rich"), ["cafe", "zurich"])
    }

    func testOtherScriptsKeepTheirMarks() {
        // Devanagari's vowel signs and Greek's accents are part of their words.
        XCTAssertEqual(words("हिंदी Ελληνικά Москва"), ["हिंदी", "ελληνικά", "москва"])
    }

    func testChineseAndJapaneseRunsGiveOverlappingPairs() {
        XCTAssertEqual(words("東京の天気。"), ["東京", "京の", "の天", "天気"])
        XCTAssertEqual(words("AI技术 and 猫"), ["ai", "技术", "and", "猫"])
        XCTAssertEqual(words("ラーメン"), ["ラー", "ーメ", "メン"])
        let text = "我们在北京"
        let utf8 = Array(text.utf8)
        let spans = Tokenizer().tokens(text).map { String(decoding: utf8[$0.range], as: UTF8.self) }
        XCTAssertEqual(spans, ["我们", "们在", "在北", "北京"])
    }

    func testFoldingCanBeOff() {
        XCTAssertEqual(Tokenizer(foldsDiacritics: false).tokens("Café Zürich").map(\.text), ["café", "zürich"])
        XCTAssertEqual(Analyzer(foldsDiacritics: false).terms("naïve résumés"), ["naïv", "résumé"])
        XCTAssertEqual(Analyzer().terms("naïve résumés"), ["naiv", "resum"])
    }

    func testRangesAreUTF8OffsetsIntoTheText() {
        let text = "Déjà cut costs by 60%."
        let utf8 = Array(text.utf8)
        let spans = Tokenizer().tokens(text).map { String(decoding: utf8[$0.range], as: UTF8.self) }
        XCTAssertEqual(spans, ["Déjà", "cut", "costs", "by", "60"])
    }
}

final class RequestPhrasesTests: XCTestCase {
    private func topic(_ s: String) -> [String] { Analyzer().terms(RequestPhrases.removed(from: s)) }

    func testTheAskingGoesAndTheTopicStays() {
        XCTAssertEqual(topic("I am interested in articles written by Udo Pooch"), ["articl", "written", "udo", "pooch"])
        XCTAssertEqual(topic("Interested in robotics. We are not interested in arm motion."), ["robot", "arm", "motion"])
        XCTAssertEqual(topic("I’d like to know about distributed algorithms"), ["distribut", "algorithm"])
        XCTAssertEqual(topic("please tell me about the Lisbon trip"), ["lisbon", "trip"])
        XCTAssertEqual(topic("we're looking for a sofa; I want to find the receipt"), ["sofa", "receipt"])
        XCTAssertEqual(topic("I WOULD BE INTERESTED IN PAPERS ON INDEXING. Please send me reviews"), ["paper", "index", "review"])
        XCTAssertEqual(topic("we need to know the visa fee"), ["visa", "fee"])
    }

    func testTheNotesNamedAsWhereToLookGo() {
        XCTAssertEqual(topic("what did I write about the sofa delivery?"), ["sofa", "deliveri"])
        XCTAssertEqual(topic("Find my notes on sourdough; check our notes too"), ["sourdough"])
        XCTAssertEqual(topic("the note about Biscuit in the notes, as I jotted down"), ["biscuit"])
        // Notes that are the topic stay.
        XCTAssertEqual(topic("the release notes for 2.0 and the notes from the retro"), ["releas", "note", "2.0", "note", "retro"])
    }

    func testOnlyWholePhrasesGo() {
        // Words of a phrase used otherwise keep their meaning.
        XCTAssertEqual(topic("uninterested investors; interested parties"), ["uninterest", "investor", "interest", "parti"])
        XCTAssertEqual(topic("what did I like about the hotel"), ["like", "hotel"])
        XCTAssertEqual(topic("show the interest rate"), ["show", "interest", "rate"])
    }
}

final class AnalyzerTests: XCTestCase {
    func testStopWordsGoAndSnowballStemsStay() {
        // Expected stems from Snowball's English stemmer (Python snowballstemmer 2.x gives the same).
        XCTAssertEqual(Analyzer().terms("The leaders were mentoring stakeholders on policies"),
                       ["leader", "mentor", "stakehold", "polici"])
        XCTAssertEqual(Analyzer().terms("Krishna's onboarding and scalability"), ["krishna", "onboard", "scalabl"])
    }

    func testFiguresKeepWholeFormAndParts() {
        XCTAssertEqual(Analyzer().terms("GPT-3.5-turbo saved $15K"), ["gpt-3.5-turbo", "gpt", "turbo", "save", "$15k", "15k"])
        XCTAssertEqual(Analyzer().terms("99.9 uptime"), ["99.9", "uptim"])
    }
}

final class MurmurHash3Tests: XCTestCase {
    /// Reference values from an independent implementation: Python's `mmh3` package (PyPI,
    /// the C++ reference code), `mmh3.hash(s.encode('utf-8'), seed, signed=False)`.
    func testMatchesReferenceValues() {
        let cases: [(String, UInt32, UInt32)] = [
            ("", 0, 0), ("", 1, 1_364_076_727), ("a", 0, 1_009_084_850), ("abc", 0, 3_017_643_002),
            ("abcd", 0, 1_139_631_978), ("hello", 0, 613_153_351), ("hello, world", 0x4C6F_7265, 2_624_942_555),
            ("gpt-4", 0x4C6F_7265, 1_102_685_259), ("leadership", 0x4C6F_7265, 2_421_043_043),
            ("naïve", 0x4C6F_7265, 3_903_697_979),
        ]
        for (text, seed, expected) in cases {
            XCTAssertEqual(MurmurHash3.x86_32(text, seed: seed), expected, "\(text) seed \(seed)")
        }
    }

    func testFeatureUsesLowBitsAndSignBit() {
        let embedder = HashedEmbedder(config: IndexConfig())
        let (index, sign) = embedder.feature("leadership")
        XCTAssertEqual(index, 2_421_043_043 & 0x7FFF_FFFF)
        var small = IndexConfig()
        small.dimensionBits = 16
        XCTAssertEqual(HashedEmbedder(config: small).feature("leadership").index, 2_421_043_043 & 0xFFFF)
        XCTAssertEqual(sign, 2_421_043_043 >> 31 == 1 ? -1 : 1)
    }
}

final class HighlighterTests: XCTestCase {
    func testMarksWordsWhoseTermsMatchTheQuestion() {
        let h = Highlighter(question: "saving costs with GPT-4", analyzer: Analyzer())
        let marked = h.segments("Déjà: GPT-4 saved $15K of cost.").map { $0.match ? "[\($0.text)]" : $0.text }.joined()
        XCTAssertEqual(marked, "Déjà: [GPT-4] [saved] $15K of [cost].")
    }

    func testOverlappingPairsAreMarkedOnce() {
        let h = Highlighter(question: "人工智能", analyzer: Analyzer())
        let marked = h.segments("讨论人工智能技术").map { $0.match ? "[\($0.text)]" : $0.text }.joined()
        XCTAssertEqual(marked, "讨论[人工智能]技术")
    }

    func testMarksWhatTheSearchMatched() {
        let text = "Tom is interested in zebras."
        func marked(_ drops: Bool) -> String {
            Highlighter(question: "I am interested in zebras", analyzer: Analyzer(), dropsRequestPhrases: drops)
                .segments(text).map { $0.match ? "[\($0.text)]" : $0.text }.joined()
        }
        XCTAssertEqual(marked(true), "Tom is interested in [zebras].")
        XCTAssertEqual(marked(false), "Tom is [interested] in [zebras].")
    }
}

final class EmbedderTests: XCTestCase {
    /// The cached fast path gives the same counts as hashing the analyzer's terms one by one.
    func testCountsEqualHashingTheTerms() {
        let embedder = HashedEmbedder(config: IndexConfig())
        let text = "Krishna's team cut costs by 60% with GPT-4 and GPT-3.5-turbo; NAÏVE naïve café, cafés: $15K, 1,000 queries."
        for _ in 0..<2 {  // the second pass hits the cache
            var expected: [UInt32: Float] = [:]
            for t in Analyzer().terms(text) {
                let (i, sign) = embedder.feature(t)
                expected[i, default: 0] += sign
            }
            let v = embedder.counts(query: text)
            XCTAssertEqual(v.indices, expected.filter { $0.value != 0 }.keys.sorted())
            XCTAssertEqual(v.values, v.indices.map { expected[$0]! })
        }
    }
}
