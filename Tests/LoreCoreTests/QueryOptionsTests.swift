import XCTest
@testable import LoreCore

final class QueryOptionsTests: XCTestCase {
    /// The latent layer's window: ten candidates per answer asked for, from 100 to 1000, or the
    /// answers themselves when more are asked for; a window the user chose is kept as it is.
    func testCandidatesGrowWithTheAnswersAskedFor() throws {
        let automatic = QueryOptions()
        XCTAssertEqual([1, 3, 10, 11, 50, 100, 101, 1000, 5000].map { automatic.candidates(answers: $0) },
                       [100, 100, 100, 110, 500, 1000, 1000, 1000, 5000])
        var chosen = QueryOptions()
        chosen.candidates = 20
        XCTAssertEqual([1, 10, 100].map { chosen.candidates(answers: $0) }, [20, 20, 20])
        XCTAssertNoThrow(try chosen.validate())
        chosen.candidates = 0
        XCTAssertThrowsError(try chosen.validate())
    }
}
