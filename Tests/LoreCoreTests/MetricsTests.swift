import XCTest
@testable import LoreCore

/// Reference values: every expected number below was computed with pytrec_eval-terrier 0.5.11
/// (trec_eval 9.x measures `ndcg_cut.k`, `map_cut.k`, `recall.k`, and `recip_rank` on the run
/// truncated to its first k documents), cross-checked against ir_measures 0.4.3 (`nDCG@k`, `AP@k`,
/// `R@k`, `RR@k`) to 1e-12. The run given to them scored the i-th (0-based) document of a ranking
/// as `count - i`, so trec_eval's sort by score keeps the ranking's order. The simpler values are
/// also worked out by hand in the comments.
final class MetricsTests: XCTestCase {
    private let accuracy = 1e-9

    private func assertMeasures(
        _ ranking: [String], _ judgments: Judgments, k: Int,
        ndcg: Double, ap: Double, recall: Double, rr: Double,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertEqual(Metrics.ndcg(ranking: ranking, judgments: judgments, k: k), ndcg,
                       accuracy: accuracy, "nDCG@\(k)", file: file, line: line)
        XCTAssertEqual(Metrics.averagePrecision(ranking: ranking, judgments: judgments, k: k), ap,
                       accuracy: accuracy, "AP@\(k)", file: file, line: line)
        XCTAssertEqual(Metrics.recall(ranking: ranking, judgments: judgments, k: k), recall,
                       accuracy: accuracy, "R@\(k)", file: file, line: line)
        XCTAssertEqual(Metrics.reciprocalRank(ranking: ranking, judgments: judgments, k: k), rr,
                       accuracy: accuracy, "RR@\(k)", file: file, line: line)
    }

    /// Grades 3, 2, 1 are relevant with linear gain; 0 and -1 give no gain, are not relevant, and
    /// are left out of the ideal ranking (IDCG uses 3, 2, 1 only).
    func testGradedGainsAndCutoffs() {
        let judgments: Judgments = ["a": 3, "b": 2, "c": 1, "d": 0, "e": -1]
        // ranks:       1    2    3    4    5    6
        let ranking = ["d", "c", "x", "a", "e", "b"]
        // k=1: only d (grade 0) → everything 0.
        assertMeasures(ranking, judgments, k: 1, ndcg: 0, ap: 0, recall: 0, rr: 0)
        // k=3: DCG = 1/log2(3); IDCG = 3 + 2/log2(3) + 1/log2(4); AP = (1/2)/3; R = 1/3; RR = 1/2.
        assertMeasures(ranking, judgments, k: 3, ndcg: 0.13249650743056282,
                       ap: 1.0 / 6.0, recall: 1.0 / 3.0, rr: 0.5)
        // k=5: DCG += 3/log2(5); e (-1) at rank 5 adds nothing; AP = (1/2 + 2/4)/3.
        assertMeasures(ranking, judgments, k: 5, ndcg: 0.4038253175901445,
                       ap: 1.0 / 3.0, recall: 2.0 / 3.0, rr: 0.5)
        // k=10: DCG += 2/log2(7); AP = (1/2 + 2/4 + 3/6)/3 = 0.5.
        assertMeasures(ranking, judgments, k: 10, ndcg: 0.5534337579793253,
                       ap: 0.5, recall: 1, rr: 0.5)
        // A k beyond the ranking's length changes nothing.
        assertMeasures(ranking, judgments, k: 100, ndcg: 0.5534337579793253,
                       ap: 0.5, recall: 1, rr: 0.5)
    }

    func testIdealRankingScoresOne() {
        let judgments: Judgments = ["a": 3, "b": 2, "c": 1, "d": 0, "e": -1]
        let ranking = ["a", "b", "c", "d", "e"]
        // k=1: nDCG is 1 (the best document first), but AP and recall still divide by all 3 relevant.
        assertMeasures(ranking, judgments, k: 1, ndcg: 1, ap: 1.0 / 3.0, recall: 1.0 / 3.0, rr: 1)
        assertMeasures(ranking, judgments, k: 3, ndcg: 1, ap: 1, recall: 1, rr: 1)
        assertMeasures(ranking, judgments, k: 10, ndcg: 1, ap: 1, recall: 1, rr: 1)
    }

    /// Wrong order of two graded documents costs nDCG but not the binary measures.
    func testSwappedGradesLowerOnlyNDCG() {
        let judgments: Judgments = ["a": 3, "b": 1]
        // DCG = 1 + 3/log2(3); IDCG = 3 + 1/log2(3); pytrec_eval ndcg_cut_10 = 0.7967075809905066.
        let expected = (1 + 3 / log2(3.0)) / (3 + 1 / log2(3.0))
        XCTAssertEqual(expected, 0.7967075809905066, accuracy: 1e-12)
        assertMeasures(["b", "a"], judgments, k: 10, ndcg: 0.7967075809905066, ap: 1, recall: 1, rr: 1)
    }

    /// AP divides by all 5 relevant documents, not by the ones retrieved and not by min(R, k).
    func testAveragePrecisionDividesByAllRelevant() {
        let judgments: Judgments = ["r1": 1, "r2": 2, "r3": 1, "r4": 1, "r5": 1, "n1": 0]
        // ranks:        1     2     3    4     5    6
        let ranking = ["r1", "n1", "x", "r2", "y", "r3"]
        // k=1: AP = (1/1)/5 (not 1/1, which a min(R, k) denominator would give).
        assertMeasures(ranking, judgments, k: 1, ndcg: 0.5, ap: 0.2, recall: 0.2, rr: 1)
        assertMeasures(ranking, judgments, k: 3, ndcg: 0.31939394323979897, ap: 0.2, recall: 0.2, rr: 1)
        // k=5: AP = (1/1 + 2/4)/5.
        assertMeasures(ranking, judgments, k: 5, ndcg: 0.4714125333720195, ap: 0.3, recall: 0.4, rr: 1)
        // k=10: AP = (1/1 + 2/4 + 3/6)/5.
        assertMeasures(ranking, judgments, k: 10, ndcg: 0.5616267603358578, ap: 0.4, recall: 0.6, rr: 1)
    }

    func testNoRelevantDocumentRetrieved() {
        // x is judged not relevant, y and z are unjudged; the relevant a and b are never retrieved.
        let judgments: Judgments = ["a": 1, "b": 2, "x": 0]
        for k in [1, 3, 10, 100] {
            assertMeasures(["x", "y", "z"], judgments, k: k, ndcg: 0, ap: 0, recall: 0, rr: 0)
        }
        assertMeasures([], judgments, k: 10, ndcg: 0, ap: 0, recall: 0, rr: 0)
    }

    /// A relevant document just past the cut-off counts for nothing; inside it, it counts.
    func testRelevantBeyondCutoff() {
        let judgments: Judgments = ["a": 1, "b": 1]
        let ranking = (0..<12).map { "n\($0)" } + ["a"]   // a at rank 13
        assertMeasures(ranking, judgments, k: 10, ndcg: 0, ap: 0, recall: 0, rr: 0)
        assertMeasures(ranking, judgments, k: 12, ndcg: 0, ap: 0, recall: 0, rr: 0)
        // k=13: DCG = 1/log2(14); IDCG = 1 + 1/log2(3); AP = (1/13)/2; R = 1/2; RR = 1/13.
        assertMeasures(ranking, judgments, k: 13, ndcg: 0.16104282508920814,
                       ap: 0.038461538461538464, recall: 0.5, rr: 0.07692307692307693)
        assertMeasures(ranking, judgments, k: 100, ndcg: 0.16104282508920814,
                       ap: 0.038461538461538464, recall: 0.5, rr: 0.07692307692307693)
    }

    func testQueryWithoutRelevantDocumentsScoresZero() {
        assertMeasures(["a", "b"], [:], k: 10, ndcg: 0, ap: 0, recall: 0, rr: 0)
        assertMeasures(["a", "b"], ["a": 0, "b": -1], k: 10, ndcg: 0, ap: 0, recall: 0, rr: 0)
    }

    func testNonPositiveCutoffScoresZero() {
        let judgments: Judgments = ["a": 2]
        assertMeasures(["a"], judgments, k: 0, ndcg: 0, ap: 0, recall: 0, rr: 0)
        assertMeasures(["a"], judgments, k: -1, ndcg: 0, ap: 0, recall: 0, rr: 0)
    }

    /// Not a valid ranking, but repeats must not push a measure above 1: only the first copy counts.
    /// (Hand-computed: trec_eval has no reference value here, as a run may not repeat a document.)
    func testRepeatedDocumentCountsOnce() {
        let judgments: Judgments = ["a": 2, "b": 1]
        // a at 1, its copy at 2 (no gain), b at 3. DCG = 2 + 1/2; IDCG = 2 + 1/log2(3).
        let ndcg = 2.5 / (2 + 1 / log2(3.0))
        // AP = (1/1 + 2/3)/2.
        assertMeasures(["a", "a", "b"], judgments, k: 10, ndcg: ndcg, ap: 5.0 / 6.0, recall: 1, rr: 1)
        XCTAssertEqual(ndcg, 0.9502344167898356, accuracy: 1e-12)
    }

    /// The summary takes means over queries with a relevant document: q1, q2, q5, q6. q3 (only
    /// grades 0 and -1) is skipped, q4 (no qrels) is ignored, and q5 (no ranking) counts as zeros.
    /// Per query (pytrec_eval, see the top of the file; q5 set to zeros by hand):
    ///   q1: nDCG@10 0.4796249331362629, AP@100 0.27, R@100 1, RR@10 0.5
    ///   q2: all 1;  q5, q6: all 0.
    func testSummarySkipsQueriesWithoutRelevantJudgments() {
        let qrels: [String: Judgments] = [
            "q1": ["a": 2, "b": 1, "c": 0],
            "q2": ["d": 1],
            "q3": ["e": 0, "f": -1],
            "q5": ["g": 3],
            "q6": ["h": 1],
        ]
        let rankings: [String: [String]] = [
            "q1": ["c", "a"] + (0..<47).map { "n\($0)" } + ["b"],   // b at rank 50: in MAP@100, R@100 only
            "q2": ["d"],
            "q3": ["e", "f"],
            "q4": ["x"],
            "q6": (0..<119).map { "m\($0)" } + ["h"],                // h at rank 120: beyond every cut-off
        ]
        let summary = EvaluationSummary(rankings: rankings, qrels: qrels)
        XCTAssertEqual(summary.queries, 4)
        XCTAssertEqual(summary.ndcg10, 0.36990623328406574, accuracy: accuracy)
        XCTAssertEqual(summary.map100, 0.3175, accuracy: accuracy)
        XCTAssertEqual(summary.recall100, 0.5, accuracy: accuracy)
        XCTAssertEqual(summary.mrr10, 0.375, accuracy: accuracy)
    }

    func testSummaryOfNothingIsZero() {
        let summary = EvaluationSummary(rankings: ["q": ["a"]], qrels: ["q": ["a": 0]])
        XCTAssertEqual(summary.queries, 0)
        XCTAssertEqual(summary.ndcg10, 0)
        XCTAssertEqual(summary.map100, 0)
        XCTAssertEqual(summary.recall100, 0)
        XCTAssertEqual(summary.mrr10, 0)
    }
}
