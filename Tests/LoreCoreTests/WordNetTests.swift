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

    func testMissingDatabaseIsNil() {
        XCTAssertNil(WordNet(folder: "/nonexistent-wordnet"))
    }
}
