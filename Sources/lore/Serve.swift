@preconcurrency import Glibc
import ArgumentParser
import Foundation
import LoreCommandLine
import LoreCore

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the notes to an agent (MCP over stdio) or to a browser and scripts (HTTP).",
        discussion: """
        Without --http: the Model Context Protocol on standard input and output, with the tools \
        search, get, multi_get and status. An agent's configuration starts it as
          lore serve --corpus ~/notes --index ~/.lore/index
        With --http HOST:PORT: a JSON API (/api/search, /api/get, /api/multi_get, /api/status) and a search page \
        at /. Port 0 picks a free port; the address chosen is printed on standard error.
          $ lore serve --http 127.0.0.1:8080
        The index is refreshed before answering when the notes changed (looked at most once per \
        --recheck seconds); every answer reads one generation of the index.
        """
    )

    @OptionGroup var options: ServeOptions

    /// Runs `lore-serve` (built beside `lore`) in this process's place with the same arguments:
    /// the servers' libraries (an MCP SDK that links libcurl, an HTTP server) are loaded only by
    /// the command that uses them, not by every `lore ask`.
    func run() throws {
        try reportingErrors {
            let here = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            let server = here.appendingPathComponent("lore-serve").path
            guard FileManager.default.isExecutableFile(atPath: server) else { throw LoreError.serverMissing(path: server) }
            let arguments = [server] + CommandLine.arguments.drop { $0 != "serve" }.dropFirst()
            var argv = arguments.map { strdup($0) } + [nil]
            execv(server, &argv)
            throw LoreError.serverStopped(reason: "cannot start \(server): \(String(cString: strerror(errno)))")
        }
    }
}
