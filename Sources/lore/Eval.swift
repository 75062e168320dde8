import ArgumentParser
import Foundation
import LoreCore

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure retrieval quality on a test collection in BEIR format.",
        discussion: """
        Reads corpus.jsonl, queries.jsonl and qrels (qrels.tsv or qrels/test.tsv), indexes title + text,
        answers every judged query, and prints trec_eval's nDCG@10, MAP@100, Recall@100 and MRR@10.
          $ lore eval ../shared/eval/cranfield
        """
    )

    @Argument(help: "Folder of the collection.")
    var folder: String

    @Flag(help: "Print one JSON object.")
    var json = false

    @OptionGroup(title: "Ranking") var ranking: RankingOptions

    func run() throws {
        try reportingErrors {
            let collection = try BEIRCollection(folder: folder)
            var config = IndexConfig()
            ranking.apply(to: &config)
            let outcome = try Evaluation(collection: collection, config: config).run()
            let s = outcome.summary
            if json {
                let object: [(String, Any)] = [
                    ("collection", collection.name), ("queries", s.queries), ("documents", collection.documents.count),
                    ("ndcg@10", s.ndcg10), ("map@100", s.map100), ("recall@100", s.recall100), ("mrr@10", s.mrr10),
                    ("took_ms", (outcome.milliseconds * 10).rounded() / 10),
                ]
                print("{" + object.map { "\"\($0.0)\": \(jsonValue($0.1))" }.joined(separator: ", ") + "}")
            } else {
                print("\(collection.name): \(s.queries) queries, \(collection.documents.count) documents")
                print(String(format: "nDCG@10 %.4f   MAP@100 %.4f   Recall@100 %.4f   MRR@10 %.4f", s.ndcg10, s.map100, s.recall100, s.mrr10))
                print(String(format: "indexed in %.0f ms, queries answered in %.0f ms", outcome.buildMilliseconds, outcome.milliseconds))
            }
        }
    }

    private func jsonValue(_ v: Any) -> String {
        switch v {
        case let s as String: return String(decoding: try! JSONEncoder().encode(s), as: UTF8.self)
        case let d as Double: return String(format: "%.4f", d).replacingOccurrences(of: ".0000", with: ".0")
        default: return "\(v)"
        }
    }
}
