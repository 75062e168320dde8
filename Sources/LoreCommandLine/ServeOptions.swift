import Glibc
import ArgumentParser
import LoreCore

/// `lore serve`'s options, parsed by `lore` (for its help and to refuse a bad one at once) and
/// again by `lore-serve`, which it starts with them.
public struct ServeOptions: ParsableArguments {
    public init() {}

    @Option(help: "Serve HTTP on HOST:PORT instead of MCP on standard input and output (e.g. 127.0.0.1:8080).")
    public var http: String?

    @Flag(help: "Allow --http to listen on an address other than loopback (anyone who reaches it reads your notes).")
    public var allowRemote = false

    @Option(help: "Look at the notes for changes at most once per this many seconds (0: before every answer).")
    public var recheck: Double = 1

    @OptionGroup(title: "Notes and index") public var locations: Locations

    @OptionGroup(title: "Index settings (stored with the index; a change rebuilds it)") public var schema: SchemaOptions

    @OptionGroup(title: "Search settings") public var search: SearchOptions

    public func validate() throws {
        guard recheck.isFinite, (0...3600).contains(recheck) else { throw ValidationError("--recheck must be 0 to 3600 seconds") }
        if let http {
            let host: String
            do { (host, _) = try ServeAddress.parse(http) } catch { throw ValidationError(error.description) }
            if !allowRemote, !ServeAddress.isLoopback(host) {
                throw ValidationError("--http \(http) is not a loopback address: add --allow-remote to serve other machines")
            }
        } else if allowRemote {
            throw ValidationError("--allow-remote goes with --http")
        }
    }
}

/// The address `--http` names.
public enum ServeAddress {
    /// HOST:PORT (IPv6 in brackets: [::1]:8080), `localhost` standing for 127.0.0.1.
    public static func parse(_ text: String) throws(ServiceError) -> (host: String, port: UInt16) {
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else {
            throw .badRequest("--http takes HOST:PORT, such as 127.0.0.1:8080 (port 0 picks a free one): \(text)")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host == "localhost" || host.isEmpty { host = "127.0.0.1" }
        return (host, port)
    }

    /// Whether `host` (as `parse` gives it) is a loopback address written as one: an IPv4 address
    /// in 127.0.0.0/8 or IPv6's ::1. A name is not, even one that starts with "127." (such as
    /// 127.0.0.1.example.com, which DNS may point anywhere).
    public static func isLoopback(_ host: String) -> Bool {
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return UInt32(bigEndian: v4.s_addr) >> 24 == 127 }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, host, &v6) == 1 else { return false }
        return withUnsafeBytes(of: &v6) { Array($0) } == Array(repeating: 0, count: 15) + [1]
    }
}
