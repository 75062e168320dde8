import XCTest
@testable import LoreCore

final class SnippetTests: XCTestCase {
    private let analyzer = Analyzer()

    func testLinesAroundTheMatchesWithEllipses() {
        let text = "First line about nothing.\nSecond line.\nThe zebra crossing.\nAfter the zebra.\nFifth.\nSixth.\nA lion here.\nLast."
        let h = Highlighter(question: "zebra lion", analyzer: analyzer)
        XCTAssertEqual(Snippet().of(text, matching: h), "…\nThe zebra crossing.\nAfter the zebra.\nFifth.\n…\nA lion here.\n…")
        var one = Snippet()
        one.maxLines = 2
        XCTAssertEqual(one.of("zebra\nx\nlion\ny", matching: h), "zebra\n…\nlion\n…", "matches before their neighbours")
        var two = Snippet()
        two.maxLines = 8
        XCTAssertEqual(two.of(text, matching: h),
                       "…\nThe zebra crossing.\nAfter the zebra.\nFifth.\n…\nA lion here.\nLast.")
    }

    func testShortPassageWhole_NoMatchShowsTheStart_LongLineCut() {
        let h = Highlighter(question: "zebra", analyzer: analyzer)
        XCTAssertEqual(Snippet().of("One.\nTwo.", matching: h), "One.\nTwo.")
        XCTAssertEqual(Snippet().of("a\nb\nc\nd\ne\nf", matching: h), "a\nb\nc\nd\n…")
        let words = (0..<100).map { $0 == 70 ? "zebra" : "w\($0)" }.joined(separator: " ")
        let cut = Snippet().of(words, matching: h)
        XCTAssertTrue(cut.hasPrefix("… w60 "), cut)
        XCTAssertTrue(cut.hasSuffix(" w99"), cut)
        XCTAssertEqual(cut.split(separator: " ").count, 41)
    }
}
