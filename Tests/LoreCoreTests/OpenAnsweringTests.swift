import Foundation
import XCTest
@testable import LoreCore

/// `IndexStore.open(answering:)` answers from the index as read while the notes are listed; the
/// answer comes back only when that index is the one opened.
final class OpenAnsweringTests: XCTestCase {
    private func folder() -> TemporaryCorpus {
        let t = TemporaryCorpus()
        t.write("a.md", "# Walrus\n\nThe walrus eats clams.\n")
        t.write("b.md", "# Okapi\n\nThe okapi lives in the forest.\n")
        return t
    }

    /// Two notes, their store, and its index built (the folder is removed when the
    /// `TemporaryCorpus` goes, so a test keeps it to its end).
    private func built() throws -> (TemporaryCorpus, IndexStore) {
        let t = folder()
        let store = IndexStore(corpus: t.corpus, index: t.index)
        _ = try store.open()
        return (t, store)
    }

    /// The passages the answer saw, and the index it saw them in.
    private func open(_ store: IndexStore, overrides: @escaping (inout IndexConfig) -> Void = { _ in },
                      answer: @escaping (CorpusIndex) throws -> Int = { $0.passageCount })
        throws -> (opened: IndexStore.Opened, answer: Int?, seen: CorpusIndex?) {
        var seen: CorpusIndex?
        let (opened, value) = try store.open(overrides: overrides, answering: { index in
            seen = index
            return try answer(index)
        })
        return (opened, value, seen)
    }

    func testAnAnswerFromACurrentIndexComesBack() throws {
        let t = folder()
        let store = IndexStore(corpus: t.corpus, index: t.index)
        // No index yet: built, and nothing was there to answer from.
        var r = try open(store)
        XCTAssertNotNil(r.opened.reason)
        XCTAssertNil(r.answer)
        XCTAssertNil(r.seen)
        r = try open(store)
        XCTAssertNil(r.opened.reason)
        XCTAssertEqual(r.answer, 2)
        XCTAssertTrue(r.seen === r.opened.index)
    }

    func testAnAnswerFromAStaleIndexIsDropped() throws {
        let (t, store) = try built()
        t.write("c.md", "# Narwhal\n\nNarwhals have a tusk.\n")
        let r = try open(store)
        XCTAssertEqual(r.opened.reason, "notes changed since the index was built: refreshing it")
        XCTAssertEqual(r.opened.index.passageCount, 3)
        // The answer ran on the index as it was, and was dropped.
        XCTAssertEqual(r.seen?.passageCount, 2)
        XCTAssertNil(r.answer)
    }

    func testNoAnswerWhenTheSettingsChange() throws {
        let (t, store) = try built()
        let r = try open(store, overrides: { $0.titleBoost = 3 })
        XCTAssertEqual(r.opened.reason, "settings changed: rebuilding the index")
        XCTAssertNil(r.seen)
        XCTAssertNil(r.answer)
        withExtendedLifetime(t) {}
    }

    func testAnAnswerThatThrowsComesBackAsNothing() throws {
        let (t, store) = try built()
        let r = try open(store, answer: { _ in throw LoreError.indexDamaged(file: "x", problem: "test") })
        XCTAssertNil(r.opened.reason)
        XCTAssertNotNil(r.seen)
        XCTAssertNil(r.answer)
        withExtendedLifetime(t) {}
    }

    func testAnswersFromTheIndexWhenTheNotesFolderIsGone() throws {
        let (t, store) = try built()
        try FileManager.default.removeItem(atPath: t.corpus)
        var warnings: [String] = []
        let (opened, value) = try store.open(warn: { warnings.append($0) }, answering: { $0.passageCount })
        XCTAssertNil(opened.reason)
        XCTAssertEqual(value, 2)
        XCTAssertEqual(warnings, ["notes folder \(t.corpus) not found: answering from the index in \(t.index) as it was built"])
    }
}
