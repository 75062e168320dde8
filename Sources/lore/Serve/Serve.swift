import ArgumentParser
import Foundation
import LoreCore

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the notes to an agent (MCP over stdio) or to a browser and scripts (HTTP).",
        discussion: """
        Without --http: the Model Context Protocol on standard input and output, with the tools
        search, get, multi_get and status. An agent's configuration starts it as
          lore serve --corpus ~/notes --index ~/.lore/index
        With --http HOST:PORT: a JSON API (/api/search, /api/get, /api/status) and a search page
        at /. Port 0 picks a free port; the address chosen is printed on standard error.
          $ lore serve --http 127.0.0.1:8080
        The index is refreshed before answering when the notes changed (looked at most once per
        --recheck seconds); every answer reads one generation of the index.
        """
    )

    @Option(help: "Serve HTTP on HOST:PORT instead of MCP on standard input and output (e.g. 127.0.0.1:8080).")
    var http: String?

    @Flag(help: "Allow --http to listen on an address other than loopback (anyone who reaches it reads your notes).")
    var allowRemote = false

    @Option(help: "Look at the notes for changes at most once per this many seconds (0: before every answer).")
    var recheck: Double = 1

    @OptionGroup(title: "Notes and index") var locations: Locations

    @OptionGroup(title: "Index settings (stored with the index; a change rebuilds it)") var schema: SchemaOptions

    @OptionGroup(title: "Search settings") var search: SearchOptions

    func validate() throws {
        guard recheck.isFinite, (0...3600).contains(recheck) else { throw ValidationError("--recheck must be 0 to 3600 seconds") }
        if let http {
            let (host, _) = try HTTPFront.parseAddress(http)
            if !allowRemote, !HTTPFront.isLoopback(host) {
                throw ValidationError("--http \(http) is not a loopback address: add --allow-remote to serve other machines")
            }
        } else if allowRemote {
            throw ValidationError("--allow-remote goes with --http")
        }
    }

    func run() throws {
        try reportingErrors {
            let service = NotesService(store: try locations.store, options: search.options, recheck: recheck,
                                       overrides: schema.apply, warn: printError)
            // Open (or build) the index before the first request, so that a broken setup fails now.
            _ = try service.snapshot()
            let http = self.http, allowRemote = self.allowRemote
            let version = Lore.configuration.version
            let outcome = Outcome()
            let done = DispatchSemaphore(value: 0)
            Task {
                do {
                    if let http { try await HTTPFront(service: service, allowRemote: allowRemote).serve(on: http) }
                    else { try await MCPTools.serve(service, version: version) }
                } catch {
                    outcome.set("\(error)")
                }
                done.signal()
            }
            done.wait()
            if let failure = outcome.failure { throw LoreError.serverStopped(reason: failure) }
        }
    }

    /// How the server task ended, handed back to the main thread.
    final class Outcome: @unchecked Sendable {
        private let lock = NSLock()
        private var message: String?
        func set(_ m: String) { lock.withLock { message = m } }
        var failure: String? { lock.withLock { message } }
    }
}
