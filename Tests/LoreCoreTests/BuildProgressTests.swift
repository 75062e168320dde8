import Foundation
import XCTest
@testable import LoreCore

/// The stages a build reports to its progress callback, in order.
final class BuildProgressTests: XCTestCase {
    /// Collects the stages (the callback may be called from a worker thread).
    final class Stages: @unchecked Sendable {
        private let lock = NSLock()
        private var stages: [BuildStage] = []
        var callback: BuildProgress { { [self] s in lock.lock(); stages.append(s); lock.unlock() } }
        func take() -> [BuildStage] { lock.lock(); defer { stages = []; lock.unlock() }; return stages }
    }

    private func folder() -> TemporaryCorpus {
        let t = TemporaryCorpus()
        t.write("a.md", "# Walrus\n\nThe walrus eats clams.\n\n## Ice\n\nIt rests on the ice.\n")
        t.write("b.md", "# Okapi\n\nThe okapi lives in the forest.\n")
        t.write("c/d.txt", "Narwhals have a tusk.\n")
        return t
    }

    func testFullBuildThenRefreshThenNothing() throws {
        let t = folder()
        let store = IndexStore(corpus: t.corpus, index: t.index)
        let stages = Stages()
        _ = try store.update(rebuild: true, overrides: { $0.latent.dimensions = 0 }, progress: stages.callback)
        XCTAssertEqual(stages.take(), [.listed(notes: 3, toRead: 3), .reading(done: 1, total: 3), .reading(done: 2, total: 3),
                                       .reading(done: 3, total: 3), .embedded(notes: 3, passages: 4), .writing])
        t.write("b.md", "# Okapi\n\nThe okapi lives in the forest of the Congo.\n")
        _ = try store.update(rebuild: false, progress: stages.callback)
        XCTAssertEqual(stages.take(), [.listed(notes: 3, toRead: 1), .reading(done: 1, total: 1),
                                       .embedded(notes: 1, passages: 1), .writing])
        // Nothing changed: nothing is written (the root keeps its bytes and its time).
        let root = t.index + "/" + IndexFile.fileName
        let before = try FileManager.default.attributesOfItem(atPath: root)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: root))
        usleep(20_000)
        let (index, report) = try store.update(rebuild: false, progress: stages.callback)
        XCTAssertEqual(stages.take(), [.listed(notes: 3, toRead: 0), .embedded(notes: 0, passages: 0)])
        XCTAssertEqual(report.summary, "index is up to date: 4 passages from 3 notes")
        XCTAssertEqual(index.passageCount, 4)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: root)[.modificationDate] as? Date, before[.modificationDate] as? Date)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: root)), bytes)
        // What a killed writer left still goes.
        for name in ["seg-0.los", "lore.idx.1.lore-tmp"] { XCTAssertTrue(FileManager.default.createFile(atPath: t.index + "/" + name, contents: Data("x".utf8))) }
        _ = try store.update(rebuild: false)
        let names = try FileManager.default.contentsOfDirectory(atPath: t.index)
        XCTAssertFalse(names.contains("seg-0.los") || names.contains("lore.idx.1.lore-tmp"), "\(names)")
    }

    func testLatentFitComesBeforeWriting() throws {
        let t = folder()
        let store = IndexStore(corpus: t.corpus, index: t.index)
        let stages = Stages()
        let opened = try store.open(progress: stages.callback)
        XCTAssertNotNil(opened.report)
        XCTAssertEqual(stages.take(), [.listed(notes: 3, toRead: 3), .reading(done: 1, total: 3), .reading(done: 2, total: 3),
                                       .reading(done: 3, total: 3), .embedded(notes: 3, passages: 4),
                                       .fittingLatent(passages: 4), .writing])
        // An index this small fits its basis again on every change: the refresh becomes a full build.
        t.write("b.md", "# Okapi\n\nThe okapi lives in the forest of the Congo.\n")
        _ = try store.open(progress: stages.callback)
        XCTAssertEqual(stages.take(), [.listed(notes: 3, toRead: 1), .reading(done: 1, total: 1), .embedded(notes: 1, passages: 1),
                                       .listed(notes: 3, toRead: 3), .reading(done: 1, total: 3), .reading(done: 2, total: 3),
                                       .reading(done: 3, total: 3), .embedded(notes: 3, passages: 4),
                                       .fittingLatent(passages: 4), .writing])
        // Up to date: opened as it is, nothing built.
        _ = try store.open(progress: stages.callback)
        XCTAssertEqual(stages.take(), [])
    }

    /// A build given a listing builds those notes and says its warnings, without listing again.
    func testABuildUsesTheListingGiven() throws {
        let t = folder()
        var listed = try CorpusReader(root: t.corpus).listing()
        XCTAssertEqual(listed.files.map(\.path), ["a.md", "b.md", "c/d.txt"])
        XCTAssertEqual(listed.warnings, [])
        listed.files.removeFirst()
        listed.warnings = ["a line from the listing"]
        var warnings: [String] = []
        let (index, _) = try IndexBuilder(corpus: t.corpus, config: IndexConfig())
            .build(previous: nil, listed: listed, warn: { warnings.append($0) })
        XCTAssertEqual(index.files.map(\.path), ["b.md", "c/d.txt"])
        XCTAssertEqual(warnings, ["a line from the listing"])
    }
}
