@preconcurrency import Glibc
import ArgumentParser
import Foundation
import LoreCommandLine
import LoreCore

/// Set by SIGINT or SIGTERM; `lore watch` checks it between looks at the folder.
nonisolated(unsafe) private var stopRequested: sig_atomic_t = 0

struct Watch: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Keep the index up to date while you edit your notes (Ctrl-C stops).",
        discussion: """
        Prints one line per refresh:
          $ lore watch
          index is up to date: 131 passages from 32 notes
          1 changed, 0 added, 0 removed: 4 passages embedded in 7 ms (131 in all)
        """
    )

    @OptionGroup(title: "Notes and index") var locations: Locations

    func run() throws {
        signal(SIGINT) { _ in stopRequested = 1 }
        signal(SIGTERM) { _ in stopRequested = 1 }
        let store = try reportingErrors { try locations.store }
        Watcher(store: store).run(shouldStop: { stopRequested != 0 },
                                  report: { print($0); fflush(stdout) },
                                  warn: printError)
        printError("stopped watching \(store.corpusPath)")
    }
}
