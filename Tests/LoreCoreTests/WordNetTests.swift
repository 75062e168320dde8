import Foundation
import XCTest
@testable import LoreCore

/// The WordNet reader against the database's own files, read here line by line.
final class WordNetTests: XCTestCase {
    func testEveryLemmaIsFoundWithItsSynsets() throws {
        guard let wordnet = WordNet() else { throw XCTSkip("WordNet (Debian's wordnet-base) is not installed") }
        for pos in WordNet.PartOfSpeech.allCases {
            let text = try String(contentsOfFile: "\(WordNet.defaultFolder)/index.\(pos.rawValue)", encoding: .utf8)
            var checked = 0
            for line in text.split(separator: "\n") where !line.hasPrefix(" ") {
                let f = line.split(separator: " ")
                let synsets = Int(f[2])!, pointers = Int(f[3])!
                let offsets = f[(6 + pointers)..<(6 + pointers + synsets)].map { Int($0)! }
                XCTAssertEqual(wordnet.senses(of: String(f[0]), pos), offsets, String(f[0]))
                for o in offsets.prefix(1) {
                    let synset = try XCTUnwrap(wordnet.synset(o, pos), "\(f[0]) \(o)")
                    XCTAssertTrue(synset.words.contains(String(f[0]).replacingOccurrences(of: "_", with: " ")), "\(f[0])")
                }
                checked += 1
            }
            XCTAssertGreaterThan(checked, 3000, pos.rawValue)
        }
        XCTAssertEqual(wordnet.senses(of: "aaaa-not-a-word", .noun), [])
        XCTAssertNil(wordnet.synset(12345, .noun), "an offset inside a line is not a synset")
    }

    /// The reverse dictionary: every synset whose definition uses the word, and no other, checked
    /// against the data files read line by line.
    func testSynsetsDefiningAWordAreThoseWhoseDefinitionUsesIt() throws {
        guard let wordnet = WordNet() else { throw XCTSkip("WordNet (Debian's wordnet-base) is not installed") }
        for word in ["father", "visitor", "hospitality", "x-ray", "jazz"] {
            var expected: [String] = []
            for pos in WordNet.PartOfSpeech.allCases {
                let text = try String(contentsOfFile: "\(WordNet.defaultFolder)/data.\(pos.rawValue)", encoding: .utf8)
                for line in text.split(separator: "\n") where !line.hasPrefix(" ") {
                    guard let bar = line.firstIndex(of: "|") else { continue }
                    let definition = line[line.index(after: bar)...].split(separator: "\"", maxSplits: 1, omittingEmptySubsequences: false)[0]
                    let words = definition.split { !($0.isLetter || $0 == "-" || $0 == "_") }
                    if words.contains(where: { $0 == word }) { expected.append("\(pos.rawValue) \(line.prefix(8))") }
                }
            }
            let found = wordnet.synsetsDefining(word).map { "\($0.pos.rawValue) \(String(format: "%08d", $0.offset))" }
            XCTAssertEqual(found, expected, word)
            XCTAssertFalse(found.isEmpty, word)
        }
        let dad = try XCTUnwrap(wordnet.senses(of: "dad", .noun).first)
        XCTAssertTrue(wordnet.synsetsDefining("father").contains { $0.offset == dad && $0.pos == .noun })
        XCTAssertEqual(wordnet.synsetsDefining("zzqxv").count, 0)
    }

    /// The strings one edit from a word: each deletion, swap of unequal neighbours, change and
    /// insertion of a letter.
    func testEditsOfAWord() {
        var edits: [String] = []
        RelatedWords.forEachEdit(of: "abc") { edits.append(String(decoding: $0, as: UTF8.self)) }
        XCTAssertEqual(edits.count, 3 + 2 + 3 * 25 + 4 * 26)
        XCTAssertEqual(Array(edits.prefix(4)), ["bc", "bac", "bbc", "cbc"])
        for e in ["ac", "ab", "acb", "abx", "zabc", "abcz", "axbc"] { XCTAssertTrue(edits.contains(e), e) }
        XCTAssertFalse(edits.contains("abc"))
    }

    /// A word WordNet lacks, of five plain letters or more, may be a typo; a word WordNet knows
    /// (or an inflection of one), a short one, or one with other than plain letters is not.
    func testWhatMayBeATypo() throws {
        guard let wordnet = WordNet() else { throw XCTSkip("WordNet (Debian's wordnet-base) is not installed") }
        let related = RelatedWords(wordnet: wordnet)
        for word in ["recieve", "recieved", "managment", "nortwind"] { XCTAssertTrue(related.mayBeTypo(word), word) }
        for word in ["receive", "received", "management", "teh", "gpt-4", "café", String(repeating: "ab", count: 16)] {
            XCTAssertFalse(related.mayBeTypo(word), word)
        }
        XCTAssertTrue(related.knows("received"))
        XCTAssertFalse(related.knows("recieved"))
    }

    func testMissingDatabaseIsNil() {
        XCTAssertNil(WordNet(folder: "/nonexistent-wordnet"))
    }
}
