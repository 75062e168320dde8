@preconcurrency import Glibc
import ArgumentParser
import Foundation
import LoreCommandLine
import LoreCore

/// The server `lore serve` starts in its place (see `Serve` in `lore`): MCP over standard input
/// and output, or HTTP with --http.
@main
struct LoreServe: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lore serve", version: loreVersion)

    @OptionGroup var options: ServeOptions

    static func main() { parseAndRun() }

    func run() throws {
        try reportingErrors {
            let service = NotesService(store: try options.locations.store, options: options.search.options,
                                       recheck: options.recheck, overrides: options.schema.apply, warn: printError)
            // Open (or build) the index before the first request, so that a broken setup fails now.
            _ = try service.snapshot()
            let http = options.http, allowRemote = options.allowRemote
            let outcome = Outcome()
            let done = DispatchSemaphore(value: 0)
            Task {
                do {
                    if let http { try await HTTPFront(service: service, allowRemote: allowRemote).serve(on: http) }
                    else { try await MCPTools.serve(service, version: loreVersion) }
                } catch {
                    outcome.set(error as? LoreError ?? .serverStopped(reason: "\(error)"))
                }
                done.signal()
            }
            done.wait()
            if let failure = outcome.failure { throw failure }
        }
    }

    /// How the server task ended, handed back to the main thread.
    final class Outcome: @unchecked Sendable {
        private let lock = NSLock()
        private var error: LoreError?
        func set(_ e: LoreError) { lock.withLock { error = e } }
        var failure: LoreError? { lock.withLock { error } }
    }
}
