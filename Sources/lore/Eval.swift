import ArgumentParser
import Foundation
import LoreCommandLine
import LoreCore

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure retrieval quality on test collections in BEIR format.",
        discussion: """
        Reads corpus.jsonl, queries.jsonl and qrels (qrels.tsv or qrels/test.tsv), indexes title + text, \
        answers every judged query, and prints trec_eval's nDCG@10, MAP@100, Recall@100 and MRR@10. \
        Given a folder of collections, prints one row per collection and their mean.
          $ lore eval ../shared/eval/cranfield
          $ lore eval ../shared/eval
        """
    )

    @Argument(help: "Folder of a collection, or a folder of collections.")
    var folder: String

    // The help lists the groups in this order, the output first.
    @OptionGroup(title: "Output") var output: EvalOutput

    var json: Bool { output.json }

    @OptionGroup(title: "Index settings") var schema: SchemaOptions

    @OptionGroup(title: "Search settings") var search: SearchOptions

    func run() throws {
        try reportingErrors {
            let folders = try EvaluationSuite.collections(in: folder)
            var config = IndexConfig()
            schema.apply(to: &config)
            var rows: [(name: String, documents: Int, outcome: Evaluation.Outcome)] = []
            if !json && folders.count > 1 {
                print("collection      queries  documents  nDCG@10  MAP@100  R@100   MRR@10")
            }
            for f in folders {
                let collection = try BEIRCollection(folder: f)
                let unasked = collection.judgedQueriesWithoutText
                if !unasked.isEmpty {
                    let some = unasked.prefix(5).joined(separator: ", ") + (unasked.count > 5 ? ", …" : "")
                    printError("\(collection.name): \(unasked.count) judged \(unasked.count == 1 ? "query has" : "queries have") no text in queries.jsonl (\(some)): left out")
                }
                let outcome = try Evaluation(collection: collection, config: config).run([search.options])[0]
                rows.append((collection.name, collection.documents.count, outcome))
                let s = outcome.summary
                if json {
                    print(object([("collection", collection.name), ("queries", s.queries),
                                  ("documents", collection.documents.count), ("ndcg@10", s.ndcg10), ("map@100", s.map100),
                                  ("recall@100", s.recall100), ("mrr@10", s.mrr10),
                                  ("took_ms", (outcome.milliseconds * 10).rounded() / 10)]))
                } else if folders.count > 1 {
                    print(String(format: "%@ %7d  %9d  %.4f   %.4f   %.4f  %.4f", collection.name.padding(toLength: 14, withPad: " ", startingAt: 0),
                                 s.queries, collection.documents.count, s.ndcg10, s.map100, s.recall100, s.mrr10))
                } else {
                    print("\(collection.name): \(s.queries) queries, \(collection.documents.count) documents")
                    print(String(format: "nDCG@10 %.4f   MAP@100 %.4f   Recall@100 %.4f   MRR@10 %.4f", s.ndcg10, s.map100, s.recall100, s.mrr10))
                    print(String(format: "indexed in %.0f ms, queries answered in %.0f ms", outcome.buildMilliseconds, outcome.milliseconds))
                }
            }
            guard rows.count > 1 else { return }
            func mean(_ key: KeyPath<EvaluationSummary, Double>) -> Double {
                rows.reduce(0) { $0 + $1.outcome.summary[keyPath: key] } / Double(rows.count)
            }
            if json {
                print(object([("collection", "mean"), ("collections", rows.count), ("ndcg@10", mean(\.ndcg10)),
                              ("map@100", mean(\.map100)), ("recall@100", mean(\.recall100)), ("mrr@10", mean(\.mrr10))]))
            } else {
                print(String(format: "mean                                %.4f   %.4f   %.4f  %.4f",
                             mean(\.ndcg10), mean(\.map100), mean(\.recall100), mean(\.mrr10)))
            }
        }
    }

    /// One JSON object, keys in the order given.
    private func object(_ fields: [(String, Any)]) -> String {
        "{" + fields.map { "\"\($0.0)\": \(jsonValue($0.1))" }.joined(separator: ", ") + "}"
    }

    private func jsonValue(_ v: Any) -> String {
        switch v {
        case let s as String: return String(decoding: try! JSONEncoder().encode(s), as: UTF8.self)
        case let d as Double: return String(format: "%.4f", d).replacingOccurrences(of: ".0000", with: ".0")
        default: return "\(v)"
        }
    }
}

struct EvalOutput: ParsableArguments {
    @Flag(help: "Print JSON: one object per collection, then the mean, one per line.")
    var json = false
}
