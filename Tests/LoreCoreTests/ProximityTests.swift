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
}
