import Foundation

/// Graded relevance judgments of one query: document id → grade (0 = judged not relevant).
///
/// Grades follow the TREC qrels convention: a grade of 1 or more means relevant (higher is
/// better), 0 means judged not relevant, and negative grades (some collections use -1 for "junk")
/// are treated like 0. A document absent from the judgments is unjudged, which every measure
/// here treats as not relevant, exactly like trec_eval.
public typealias Judgments = [String: Int]

/// Ranking-quality measures with trec_eval's definitions, so that Lore's numbers can be compared
/// with published results and with other engines evaluated by trec_eval, pytrec_eval or
/// ir_measures.
///
/// Every measure takes the ranking as given: `ranking[0]` is rank 1. trec_eval itself re-sorts a
/// run by score (breaking ties by document id); here ordering, ties included, is the caller's
/// business. Only the first `k` entries are looked at. A document id that repeats in the ranking
/// (which a ranking should not contain) counts only at its first rank; its later copies take up
/// a rank but earn nothing, so no measure can exceed 1. A `k` of 0 or less gives 0.
public enum Metrics {
    /// Normalised discounted cumulative gain at rank `k` (trec_eval's `ndcg_cut.k`, ir_measures'
    /// `nDCG@k`).
    ///
    /// The gain of a document is its grade (trec_eval's default linear gain; grades ≤ 0 and
    /// unjudged documents give 0), discounted by the log of its rank so that what is found
    /// early matters more:
    ///
    ///     DCG@k  = Σ_{r=1...min(k, n)} gain(ranking[r]) / log2(r + 1)
    ///     nDCG@k = DCG@k / IDCG@k
    ///
    /// where IDCG@k is the DCG@k of the ideal ranking: every judged grade > 0 of the query,
    /// sorted descending (whether or not those documents were retrieved). Graded gains reward
    /// putting the best documents first, which binary measures cannot see.
    ///
    /// - Returns: a value in [0, 1]; 0 when the query has no grade > 0 (IDCG = 0).
    public static func ndcg(ranking: [String], judgments: Judgments, k: Int) -> Double {
        guard k > 0 else { return 0 }
        let idealGrades = judgments.values.filter { $0 > 0 }.sorted(by: >)
        var idealDCG = 0.0
        for (index, grade) in idealGrades.prefix(k).enumerated() {
            idealDCG += Double(grade) / log2(Double(index + 2))
        }
        guard idealDCG > 0 else { return 0 }
        var dcg = 0.0
        var seen = Set<String>()
        for (index, id) in ranking.prefix(k).enumerated() where seen.insert(id).inserted {
            let grade = judgments[id] ?? 0
            if grade > 0 { dcg += Double(grade) / log2(Double(index + 2)) }
        }
        return dcg / idealDCG
    }

    /// Average precision over the top `k` (trec_eval's `map_cut.k`, ir_measures' `AP@k`).
    ///
    /// Binary: a document is relevant when its grade is ≥ 1. With R the total number of relevant
    /// documents of the query (all of them, whether retrieved or not, and *not* capped at k):
    ///
    ///     AP@k = (1 / R) Σ_{r ≤ k, ranking[r] relevant} P@r,   P@r = (relevant in top r) / r
    ///
    /// Dividing by all of R (rather than by min(R, k) or by the relevant found) is what makes AP
    /// a combined precision/recall measure: relevant documents never retrieved count as
    /// precision 0, so a system cannot score well by returning one good hit.
    ///
    /// - Returns: a value in [0, 1]; 0 when the query has no relevant document.
    public static func averagePrecision(ranking: [String], judgments: Judgments, k: Int) -> Double {
        let relevant = relevantCount(judgments)
        guard relevant > 0 else { return 0 }
        var sum = 0.0
        for (found, rank) in relevantRanks(ranking: ranking, judgments: judgments, k: k).enumerated() {
            sum += Double(found + 1) / Double(rank)
        }
        return sum / Double(relevant)
    }

    /// Recall at rank `k` (trec_eval's `recall.k`, ir_measures' `R@k`): the share of the query's
    /// relevant documents (grade ≥ 1) that appear in the top `k`.
    ///
    ///     R@k = |relevant ∩ top k| / |relevant|
    ///
    /// It tells how much of what exists a reader (or a re-ranker) would get to see at depth k.
    ///
    /// - Returns: a value in [0, 1]; 0 when the query has no relevant document.
    public static func recall(ranking: [String], judgments: Judgments, k: Int) -> Double {
        let relevant = relevantCount(judgments)
        guard relevant > 0 else { return 0 }
        let found = relevantRanks(ranking: ranking, judgments: judgments, k: k).count
        return Double(found) / Double(relevant)
    }

    /// Reciprocal rank at `k` (trec_eval's `recip_rank` on the run cut at k, ir_measures'
    /// `RR@k`): 1 / rank of the first relevant document (grade ≥ 1) within the top `k`, else 0.
    ///
    ///     RR@k = 1 / min{ r ≤ k : ranking[r] relevant }   (0 if there is none)
    ///
    /// It measures how far a user has to read before the first useful answer; its mean over
    /// queries is MRR@k.
    public static func reciprocalRank(ranking: [String], judgments: Judgments, k: Int) -> Double {
        guard let first = relevantRanks(ranking: ranking, judgments: judgments, k: k).first else { return 0 }
        return 1 / Double(first)
    }

    /// Number of relevant documents (grade ≥ 1) in the judgments.
    static func relevantCount(_ judgments: Judgments) -> Int {
        judgments.values.reduce(0) { $0 + ($1 >= 1 ? 1 : 0) }
    }

    /// The 1-based ranks, ascending, at which relevant documents (grade ≥ 1) first appear in the
    /// top `k` of the ranking.
    static func relevantRanks(ranking: [String], judgments: Judgments, k: Int) -> [Int] {
        guard k > 0 else { return [] }
        var ranks: [Int] = []
        var seen = Set<String>()
        for (index, id) in ranking.prefix(k).enumerated() where seen.insert(id).inserted {
            if let grade = judgments[id], grade >= 1 { ranks.append(index + 1) }
        }
        return ranks
    }
}

/// The usual BEIR-style summary of a run: the means of nDCG@10, MAP@100 (AP@100), Recall@100 and
/// MRR@10 (RR@10) over the evaluated queries.
///
/// The evaluated queries are those with at least one judged relevant document (grade ≥ 1);
/// queries without qrels, or whose qrels hold no relevant document, are skipped, since every
/// measure would be 0 (or undefined) for them whatever the system did.
public struct EvaluationSummary: Sendable, Equatable {
    /// Number of queries the means are taken over.
    public var queries: Int
    /// Mean nDCG@10 (graded gains).
    public var ndcg10: Double
    /// Mean AP@100 (MAP@100).
    public var map100: Double
    /// Mean Recall@100.
    public var recall100: Double
    /// Mean RR@10 (MRR@10).
    public var mrr10: Double

    /// Evaluates `rankings` against `qrels`.
    ///
    /// - Parameters:
    ///   - rankings: query id → ranked doc ids (best first, no duplicates). A query in qrels with
    ///     no ranking counts with all zeros (like trec_eval `-c`); a ranking for a query absent
    ///     from qrels is ignored.
    ///   - qrels: query id → judgments.
    ///
    /// All means are 0 when no query has a relevant document. Queries are summed in sorted id
    /// order, so the result does not depend on dictionary order.
    public init(rankings: [String: [String]], qrels: [String: Judgments]) {
        let evaluated = qrels.keys.filter { Metrics.relevantCount(qrels[$0]!) > 0 }.sorted()
        var ndcg = 0.0, map = 0.0, recall = 0.0, mrr = 0.0
        for query in evaluated {
            let judgments = qrels[query]!
            let ranking = rankings[query] ?? []
            ndcg += Metrics.ndcg(ranking: ranking, judgments: judgments, k: 10)
            map += Metrics.averagePrecision(ranking: ranking, judgments: judgments, k: 100)
            recall += Metrics.recall(ranking: ranking, judgments: judgments, k: 100)
            mrr += Metrics.reciprocalRank(ranking: ranking, judgments: judgments, k: 10)
        }
        queries = evaluated.count
        let n = Double(max(evaluated.count, 1))
        ndcg10 = ndcg / n
        map100 = map / n
        recall100 = recall / n
        mrr10 = mrr / n
    }
}
