import ArgumentParser
import Foundation
import LoreCommandLine
import LoreCore

struct Ask: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Answer a question with the best passages of your notes.",
        discussion: """
        Builds or refreshes the index first when the notes changed. The question may be quoted or \
        not; `-` reads it from standard input.
          $ lore ask "How much did mixing the two OpenAI models save?" -k 1
          $ lore ask who approved the extra budget
          $ echo "uptime of the platform" | lore ask -
        """
    )

    @Argument(help: "The question, in plain language (its words, quoted or not; - reads standard input).")
    var words: [String]

    // The help lists the groups in this order, the options most questions use first.
    @OptionGroup(title: "Answer") var answer: AnswerOptions

    /// The most passages one answer shows.
    static let maxK = AnswerOptions.maxK

    @OptionGroup(title: "Notes and index") var locations: Locations

    @OptionGroup(title: "Index settings (stored with the index; a change rebuilds it)") var schema: SchemaOptions

    @OptionGroup(title: "Search settings (this question only)") var search: SearchOptions

    /// The question: the words joined, or standard input for `-`.
    private func question() -> String {
        guard words == ["-"] else { return words.joined(separator: " ") }
        return String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    }

    func run() throws {
        let (k, group, minScore) = (answer.k, answer.group, answer.minScore)
        try reportingErrors {
            let request = SearchRequest(question: question(), k: k, group: group, minScore: minScore)
            try request.validate()
            let question = request.question
            let store = try locations.store
            let progress = ProgressLine()
            defer { progress.clear() }
            let service = NotesService(store: store, options: search.options, overrides: schema.apply,
                                       warn: progress.warn, progress: progress.callback)
            let found = try service.find(request)
            progress.clear()
            let (results, took) = (found.results, found.took)
            let corpus = store.corpusPath
            if answer.json {
                print(Output.json(question: question, took: took, results: results, corpus: corpus))
            } else if answer.jsonl {
                for r in results { print(Output.jsonLine(r, corpus: corpus)) }
            } else if answer.files {
                var seen: Set<String> = []
                for r in results where seen.insert(r.passage.source).inserted { print(Output.source(r.passage, corpus: corpus)) }
            } else {
                let matcher = Highlighter(question: question, analyzer: found.analyzer,
                                          dropsRequestPhrases: search.options.dropsRequestPhrases)
                print(Output.text(results: results, corpus: corpus, matcher: matcher, colored: answer.colored, full: answer.full),
                      terminator: "")
            }
            // As grep and ripgrep: 1 when nothing answers, so scripts can tell.
            if results.isEmpty { throw ExitCode(1) }
        }
    }
}

/// What `lore ask` shows, and how much: the options most questions use, listed first in the help.
struct AnswerOptions: ParsableArguments {
    /// The most passages one answer shows.
    static let maxK = 10_000

    @Option(name: .short, parsing: .unconditional, help: "How many passages to show (1 to \(AnswerOptions.maxK)).")
    var k: Int = 5

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    @Flag(help: "Print one JSON object per passage, one a line (JSON Lines).")
    var jsonl = false

    @Flag(help: "Print only the paths of the notes that answer, best first, each once (as rg -l).")
    var files = false

    @Flag(help: "Print whole passages, not the lines around the question's words.")
    var full = false

    @Option(parsing: .unconditional, help: "Leave out passages scoring under this (with the latent layer, the best lexical match counts 1) (default: none).")
    var minScore: Float?

    @Flag(help: "One passage per note: each note's best, notes ranked by it.")
    var group = false

    @Option(help: "Colour: auto (on a terminal, unless NO_COLOR is set and not empty, or TERM is dumb), always or never.")
    var color: ColorChoice = .auto

    enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
        case auto, always, never
    }

    func validate() throws {
        guard (1...Self.maxK).contains(k) else { throw ValidationError("-k must be 1 to \(Self.maxK)") }
        if let m = minScore, !m.isFinite { throw ValidationError("--min-score must be a number") }
        if [json, jsonl, files].filter({ $0 }).count > 1 { throw ValidationError("--json, --jsonl and --files do not go together") }
    }

    /// Whether the text output gets colours.
    var colored: Bool {
        switch color {
        case .always: return true
        case .never: return false
        case .auto:
            let env = ProcessInfo.processInfo.environment
            // NO_COLOR counts when it is set to something (no-color.org: present and not empty).
            return isatty(STDOUT_FILENO) == 1 && (env["NO_COLOR"] ?? "").isEmpty && env["TERM"] != "dumb"
        }
    }
}
