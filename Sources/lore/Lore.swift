@preconcurrency import Glibc
import ArgumentParser
import Foundation
import LoreCommandLine
import LoreCore

@main
struct Lore: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lore",
        abstract: "Ask your notes questions: local semantic search over a folder of Markdown.",
        discussion: """
        Exit codes, as ripgrep's: 0 when passages answer, 1 when none does (lore ask), 2 on an error, \
        also for a bad option or argument. With --json or --jsonl an error is also one JSON object on
        standard output: {"error": "…"}.

        Which notes and index a command uses, first match wins: --corpus/--index; --collection or \
        $LORE_COLLECTION; ./corpus and ./index when the current folder has a corpus folder; the \
        default collection (the first added with lore collection add); ./corpus and ./index.
        """,
        version: loreVersion,
        subcommands: [Ask.self, Get.self, IndexCommand.self, Watch.self, CollectionCommand.self, Status.self, Serve.self, Eval.self, Bench.self]
    )

    static func main() { parseAndRun() }
}
