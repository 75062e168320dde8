import Foundation
import XCTest

/// `--help` lists the options most runs use first, the locations next, the ranking settings last,
/// and shows each option's default.
final class HelpTests: XCTestCase {
    /// The options of a help text, in order, each with its whole description (wrapped lines joined).
    private func options(_ help: String) -> [(name: String, text: String)] {
        var out: [(name: String, text: String)] = []
        for line in help.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("  -") {
                let name = line.dropFirst(2).split(separator: " ").first.map(String.init) ?? ""
                out.append((name.hasSuffix(",") ? String(name.dropLast()) : name, String(line)))
            } else if line.hasPrefix("     "), !out.isEmpty {
                out[out.count - 1].text += " " + line.trimmingCharacters(in: .whitespaces)
            }
        }
        return out
    }

    private func help(_ command: String) throws -> String {
        let r = try LoreProcess.run([command, "--help"])
        XCTAssertEqual(r.status, 0, r.stderr)
        return r.stdout
    }

    func testAskListsBasicOptionsFirstAndRankingLast() throws {
        let help = try help("ask")
        let names = options(help).map(\.name)
        XCTAssertEqual(names, ["-k", "--json", "--jsonl", "--files", "--full", "--min-score", "--group", "--color",
                               "--collection", "--corpus", "--index", "--no-ignore",
                               "--dimension-bits", "--title-boost", "--k1", "--b", "--latent-dims", "--latent-power-iterations",
                               "--latent-fit-sample", "--latent-seed", "--signed-hash",
                               "--latent-weight", "--related-weight", "--proximity-weight", "--proximity-depth", "--drop-request-phrases", "--candidates", "--feedback-docs", "--feedback-beta",
                               "--feedback-terms", "--version", "-h"])
        XCTAssertTrue(help.contains("\n  -k <k>                  How many passages to show (1 to 10000). (default: 5)\n"), help)
        // Every option that takes a value says what it is when left out.
        for (name, text) in options(help) where text.contains("<") {
            XCTAssertTrue(text.contains("default: "), "\(name): \(text)")
        }
        let described = Dictionary(options(help).map { ($0.name, $0.text) }) { a, _ in a }
        for (name, shown) in [("--k1", "(default: 1.2)"), ("--b", "(default: 0.75)"), ("--title-boost", "(default: 2)"),
                              ("--dimension-bits", "(default: 31)"), ("--latent-dims", "(default: 200)"), ("--latent-seed", "(default: 42)"),
                              ("--signed-hash", "(default: true)"), ("--related-weight", "(default: 1: a synonym counts as the word)"), ("--proximity-depth", "(default: 20)"), ("--drop-request-phrases", "(default: true)"),
                              ("--feedback-docs", "(default: 3)"), ("--color", "default: auto)")] {
            XCTAssertTrue(described[name]?.contains(shown) == true, "\(name): \(described[name] ?? "missing")")
        }
        // Sections in that order, and the location precedence.
        let sections = help.split(separator: "\n").filter { $0.hasSuffix(":") && $0.first?.isUppercase == true }
        XCTAssertEqual(sections, ["ARGUMENTS:", "ANSWER:", "NOTES AND INDEX:", "INDEX SETTINGS (STORED WITH THE INDEX; A CHANGE REBUILDS IT):",
                                  "SEARCH SETTINGS (THIS QUESTION ONLY):", "OPTIONS:"])
        XCTAssertTrue(described["--collection"]?.contains(
            "(default: $LORE_COLLECTION). Which notes and index are used is chosen in this order: --corpus/--index; --collection or $LORE_COLLECTION; ./corpus and ./index when ./corpus exists; the default collection (the first added); ./corpus and ./index.") == true,
                      described["--collection"] ?? "")
    }

    func testIndexEvalAndBenchListTheirOwnOptionsFirst() throws {
        XCTAssertEqual(options(try help("index")).map(\.name).prefix(6),
                       ["--rebuild", "--collection", "--corpus", "--index", "--no-ignore", "--dimension-bits"])
        XCTAssertEqual(options(try help("eval")).map(\.name).prefix(2), ["--json", "--dimension-bits"])
        let eval = options(try help("eval")).map(\.name)
        XCTAssertLessThan(eval.firstIndex(of: "--signed-hash")!, eval.firstIndex(of: "--latent-weight")!)
        let bench = options(try help("bench"))
        XCTAssertEqual(bench.map(\.name).prefix(8),
                       ["--passages", "--queries", "--seed", "--json", "--results", "--export", "--refresh", "--dimension-bits"])
        XCTAssertTrue(bench[1].text.contains("(default: 1000)"), bench[1].text)
        let root = try LoreProcess.run(["--help"]).stdout
        XCTAssertTrue(root.contains("Which notes and index a command uses, first match wins: --corpus/--index;\n--collection or $LORE_COLLECTION;"), root)
    }
}
