import ArgumentParser
import Foundation
import LoreCommandLine
import LoreCore

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmark build and query latency on generated corpora.",
        discussion: """
        Generates a deterministic corpus of each size (Zipfian vocabulary of 200k pseudo-words, \
        passages of 40-300 words), builds and reopens its index, and times 1000 questions. Each size \
        runs in its own process, so peak memory is its own. Results also go to \
        benchmarks/results/<date>-<machine>.json.
          $ lore bench --passages 1000,10000,100000
        """
    )

    // The help lists the groups in this order, the benchmark's own options first.
    @OptionGroup(title: "Benchmark") var options: BenchOptions

    var passages: String { options.passages }
    var queries: Int { options.queries }
    var seed: UInt64 { options.seed }
    var json: Bool { options.json }
    var results: String { options.results }
    var export: String? { options.export }
    var refresh: Bool { options.refresh }

    @OptionGroup(title: "Index settings") var schema: SchemaOptions
    @OptionGroup(title: "Search settings (timed as the defaults)") var search: SearchOptions

    /// Bounds of `--passages` sizes and `--queries`.
    static let sizeRange = 100...10_000_000, maxQueries = 100_000

    func validate() throws {
        _ = try parsedSizes()
        guard (1...Self.maxQueries).contains(queries) else { throw ValidationError("--queries must be 1 to \(Self.maxQueries)") }
    }

    private func parsedSizes() throws -> [Int] {
        try passages.split(separator: ",").map { s -> Int in
            guard let n = Int(s.trimmingCharacters(in: .whitespaces)), Self.sizeRange.contains(n) else {
                throw ValidationError("--passages takes sizes of \(Self.sizeRange.lowerBound) to \(Self.sizeRange.upperBound), comma-separated: got \(s)")
            }
            return n
        }
    }

    func run() throws {
        try reportingErrors {
            let sizes = try parsedSizes()
            if refresh { return try runRefresh(sizes) }
            var figures: [BenchmarkResult] = []
            if sizes.count == 1 {
                figures = [try runHere(sizes[0])]
            } else {
                for n in sizes { figures.append(try runChild(n)) }
            }
            if json {
                for f in figures { print(String(decoding: try JSONEncoder.sorted.encode(f), as: UTF8.self)) }
            } else {
                print(table(figures))
            }
            if !results.isEmpty && results != "none" { try save(figures) }
        }
    }

    private func runRefresh(_ sizes: [Int]) throws {
        var config = IndexConfig()
        schema.apply(to: &config)
        var rows: [RefreshResult] = []
        for n in sizes {
            let scratch = NSTemporaryDirectory() + "lore-bench-refresh-\(getpid())-\(n)"
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            rows.append(try Benchmark(passages: n, queries: 1, seed: seed, config: config)
                .runRefresh(scratch: scratch) { printError("[\(n)] \($0)") })
        }
        if json {
            for r in rows { print(String(decoding: try JSONEncoder.sorted.encode(r), as: UTF8.self)) }
            return
        }
        print("| passages | notes | full build ms | 1 note edited: refresh ms (share of full) | 1% of notes edited: refresh ms (share) | open to first answer ms |")
        print("|---|---|---|---|---|---|")
        for r in rows {
            print(String(format: "| %d | %d | %.0f | %.0f (%.1f%%) | %.0f (%.1f%%) | %.0f |", r.passages, r.files, r.full_build_ms,
                         r.refresh_one_file_ms, 100 * r.refresh_one_file_ms / r.full_build_ms, r.refresh_one_percent_ms,
                         100 * r.refresh_one_percent_ms / r.full_build_ms, r.open_to_first_answer_ms))
        }
    }

    private func runHere(_ n: Int) throws -> BenchmarkResult {
        var config = IndexConfig()
        schema.apply(to: &config)
        let scratch = NSTemporaryDirectory() + "lore-bench-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        return try Benchmark(passages: n, queries: queries, seed: seed, config: config, options: search.options)
            .run(scratch: scratch, export: export) { printError("[\(n)] \($0)") }
    }

    /// Runs one size in a child process (`lore bench --passages N --json --results ""`).
    private func runChild(_ n: Int) throws -> BenchmarkResult {
        var args = ["bench", "--passages", String(n), "--queries", String(queries), "--seed", String(seed), "--json", "--results", ""]
        if let export { args += ["--export", export + "/\(n)"] }
        args += CommandLine.arguments.drop(while: { $0 != "--" }).dropFirst()
        args += rankingArguments()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = args
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw LoreError.benchmarkFailed(passages: n) }
        return try JSONDecoder().decode(BenchmarkResult.self, from: data)
    }

    private func rankingArguments() -> [String] {
        let all = Array(CommandLine.arguments.dropFirst(2))
        var out: [String] = []
        var i = 0
        let own: Set<String> = ["--passages", "--queries", "--seed", "--results", "--export"]
        while i < all.count {
            if own.contains(all[i]) { i += 2; continue }
            if all[i] == "--json" { i += 1; continue }
            out.append(all[i])
            i += 1
        }
        return out
    }

    private func table(_ rows: [BenchmarkResult]) -> String {
        var out = "| passages | build passages/s | index MB | build peak RSS MB | open ms | p50 ms | p95 ms | p99 ms | lexical p50 | dense p50 | batch-64 q/s (single) | dense GB/s (read GB/s) | rare-term recall |\n"
        out += "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
        for r in rows {
            out += String(format: "| %d | %.0f | %.1f | %.0f | %.1f | %.3f | %.3f | %.3f | %.3f | %.3f | %.0f (%.0f) | %.1f (%.1f) | %d/%d |\n",
                          r.passages, r.build_passages_per_s, Double(r.index_bytes) / 1e6, Double(r.peak_rss_bytes) / 1e6,
                          r.open_ms, r.p50_ms, r.p95_ms, r.p99_ms, r.lexical_p50_ms, r.dense_p50_ms, r.batch64_qps,
                          r.single_qps, r.scan_gbps, r.bandwidth_gbps,
                          Int((r.rare_term_recall * Double(r.rare_terms)).rounded()), r.rare_terms)
        }
        out += "\nmean ms per query (defaults): "
        out += rows.map { r in
            "\(r.passages): " + ["tokenize", "lexical", "latent", "feedback", "proximity", "top_k"]
                .map { String(format: "%@ %.3f", $0, r.breakdown_ms[$0] ?? 0) }.joined(separator: ", ")
        }.joined(separator: "; ")
        return out
    }

    private func save(_ rows: [BenchmarkResult]) throws {
        try LoreError.makeFolder(results)
        let date = ISO8601DateFormatter.string(from: Date(), timeZone: .current, formatOptions: [.withFullDate])
        let path = "\(results)/\(date)-\(Machine.name).json"
        var object: [String: Any] = ["machine": Machine.description, "date": date,
                                     "command": CommandLine.arguments.dropFirst().joined(separator: " ")]
        object["results"] = try rows.map { try JSONSerialization.jsonObject(with: JSONEncoder.sorted.encode($0)) }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        try LoreError.writing(path) { try data.write(to: URL(fileURLWithPath: path)) }
        printError("results written to \(path)")
    }
}

/// What machine the figures come from.
enum Machine {
    static var cpu: String {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let line = info.split(separator: "\n").first { $0.hasPrefix("model name") }
        return line.map { $0.split(separator: ":", maxSplits: 1).last!.trimmingCharacters(in: .whitespaces) } ?? "unknown"
    }

    static var name: String {
        let slug = cpu.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }
        return String(slug).split(separator: "-").prefix(4).joined(separator: "-") + "-\(ProcessInfo.processInfo.activeProcessorCount)c"
    }

    static var description: String {
        let blas = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/etc/alternatives/libblas.so.3-x86_64-linux-gnu")) ?? "unknown"
        return "\(cpu), \(ProcessInfo.processInfo.activeProcessorCount) cores, BLAS \(blas)"
    }
}

struct BenchOptions: ParsableArguments {
    @Option(help: "Corpus sizes, comma-separated.")
    var passages: String = "1000,10000,100000"

    @Option(help: "Questions to time (single queries; batches of 64 reuse them).")
    var queries: Int = 1000

    @Option(help: "Seed of the generated corpus and questions.")
    var seed: UInt64 = 1

    @Flag(help: "Print JSON (one object per size) instead of a table.")
    var json = false

    @Option(help: "Folder for the results file; none (or an empty value) writes no file.")
    var results: String = "benchmarks/results"

    @Option(help: "Also write texts, questions and dense vectors here, for the peer benchmarks.")
    var export: String?

    @Flag(help: "Benchmark refreshes instead: notes on disk, a full build, edits of 1 note and of 1% of notes, open to first answer.")
    var refresh = false
}
