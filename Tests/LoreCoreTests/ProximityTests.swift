import Foundation
import XCTest
@testable import LoreCore

/// Term proximity: of two passages with the same words in another order, the one where the
/// question's words stand together ranks first; with proximity off they tie, and the earlier
/// passage comes first.
final class ProximityTests: XCTestCase {
    func testWordsTogetherRankFirst() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lore-proximity-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let notes = [
            "apart.md": "# Notes\n\nThe heat of the engine rose all morning while the crew waited for news of the transfer.\n",
            "together.md": "# Notes\n\nThe engine rose all morning while the crew waited for news of the heat transfer.\n",
            "other.md": "# Other\n\nA passage about gardens and tomatoes, with nothing of engines in it.\n",
        ]
        for (name, text) in notes { try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        var config = IndexConfig()
        config.latent.dimensions = 0
        let (index, _) = try IndexBuilder(corpus: folder.path, config: config).build(previous: nil)
        var off = QueryOptions()
        off.proximityWeight = 0
        let plain = try Searcher(index: index, options: off).search("heat transfer", k: 2)
        XCTAssertEqual(plain.map(\.passage.source), ["apart.md", "together.md"])
        XCTAssertEqual(plain[0].score, plain[1].score)
        let near = try Searcher(index: index).search("heat transfer", k: 2)
        XCTAssertEqual(near.map(\.passage.source), ["together.md", "apart.md"])
        XCTAssertGreaterThan(near[0].score, near[1].score)
        XCTAssertEqual(near[1].score, plain[0].score, accuracy: 1e-5, "words 15 tokens apart are not near")
    }

    /// A token whose first letter no question word has is not looked up, and nothing else
    /// changes: the words of those initials keep their dimensions and every token its place,
    /// through inflections, stop words, an apostrophe, a digit and a hyphen.
    func testInitialsSkipOnlyWordsThatCannotMatch() {
        let embedder = HashedEmbedder(config: IndexConfig())
        let text = "The boundaries of a boundary layer's 3-d flow, and 'tis time-sharing's BOUNDARY é"
        var all: [UInt32?] = []
        embedder.forEachTokenDimension(in: text) { _, d in all.append(d) }
        var initials = HashedEmbedder.Initials()
        for b in "bl".utf8 { initials.insert(b) }
        var kept: [UInt32?] = []
        embedder.forEachTokenDimension(in: text, initials: initials) { _, d in kept.append(d) }
        XCTAssertEqual(kept.count, all.count)
        let tokens = embedder.textAnalyzer.tokenizer.tokens(text).map(\.text)
        XCTAssertEqual(tokens.count, all.count)
        for (token, (a, k)) in zip(tokens, zip(all, kept)) {
            let first = token.utf8.first!
            if (97...122).contains(first) && !"bl".utf8.contains(first) {
                XCTAssertNil(k, token)
            } else {
                XCTAssertEqual(k, a, token)
            }
        }
        XCTAssertEqual(all[1], all[4], "boundaries and boundary share a stem")
        var any = HashedEmbedder.Initials()
        any.insert(UInt8(ascii: "'"))
        var every: [UInt32?] = []
        embedder.forEachTokenDimension(in: text, initials: any) { _, d in every.append(d) }
        XCTAssertEqual(every, all, "a word that does not start with a-z admits every token")
    }
}
