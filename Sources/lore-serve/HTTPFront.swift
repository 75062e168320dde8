import FlyingFox
import FlyingSocks
import Foundation
import LoreCommandLine
import LoreCore

/// The HTTP face of `lore serve`: a JSON API over one `NotesService` and the search page.
///
///     GET /api/search?q=QUESTION&k=5[&path=FOLDER/][&tag=TAG][&full=1]
///     GET /api/get?path=PATH[&lines=A-B]
///     GET /api/multi_get?path=PATH&path=PATH…[&glob=GLOB][&max_bytes=N]
///     GET /api/status
///     GET /                      the page
///
/// JSON with sorted keys; a refusal is `{"error": "…"}` with a 4xx status (400 a bad parameter,
/// 403 a path outside the notes folder or a foreign Host, 404 no such note or route).
struct HTTPFront: Sendable {
    let service: NotesService
    /// False when bound to loopback: requests must then name a loopback host (a page elsewhere
    /// cannot reach the server through a DNS name rebound to 127.0.0.1).
    var allowRemote = false

    /// The most passages one HTTP search answers.
    static let maxK = 1000

    /// Listens on `address` until the process is stopped, after printing the address on stderr.
    func serve(on address: String) async throws {
        let (host, port) = try ServeAddress.parse(address)
        let server = host.contains(":")
            ? HTTPServer(address: try sockaddr_in6.inet6(ip6: host, port: port), timeout: 30, logger: .disabled)
            : HTTPServer(address: try sockaddr_in.inet(ip4: host, port: port), timeout: 30, logger: .disabled)
        let front = self
        await server.appendRoute("GET /api/search") { await front.answer($0, front.search) }
        await server.appendRoute("GET /api/get") { await front.answer($0, front.get) }
        await server.appendRoute("GET /api/multi_get") { await front.answer($0, front.multiGet) }
        await server.appendRoute("GET /api/status") { await front.answer($0) { _ in LoreJSON.encode(try front.service.status()) } }
        await server.appendRoute("GET /") { request in
            if let refusal = front.foreignHost(request) { return refusal }
            return HTTPResponse(statusCode: .ok, headers: [
                .contentType: "text/html; charset=utf-8",
                HTTPHeader("Content-Security-Policy"): "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:",
                HTTPHeader("X-Content-Type-Options"): "nosniff",
            ], body: Data(SearchPage.html.utf8))
        }
        await server.appendRoute("*") { _ in Self.error(.notFound, "no such page: try /, /api/search?q=…, /api/get?path=…, /api/status") }
        let task = Task { try await server.run() }
        try await server.waitUntilListening(timeout: 10)
        if let bound = await server.listeningAddress {
            let shown: String
            switch bound {
            case .ip4(let ip, let port): shown = "\(ip):\(port)"; Self.noDelay(listeningOn: port)
            case .ip6(let ip, let port): shown = "[\(ip)]:\(port)"; Self.noDelay(listeningOn: port)
            case .unix(let path): shown = path
            }
            printError("serving http://\(shown)/ (notes: \(service.store.corpusPath), index: \(service.store.indexPath))")
        }
        try await task.value
    }

    /// Sets TCP_NODELAY on the listening socket of `port`, which the connections it accepts
    /// inherit (Linux). FlyingFox writes a response's head and body in two sends, and without it
    /// Nagle's algorithm holds the body until the client's delayed ACK: 40 ms per request on
    /// loopback. FlyingFox keeps its socket to itself, so it is found among this process's
    /// descriptors by its local port.
    static func noDelay(listeningOn port: UInt16) {
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd"))?.compactMap { Int32($0) } ?? []
        for fd in fds {
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let named = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) == 0 }
            }
            guard named else { continue }
            let local: UInt16
            switch Int32(storage.ss_family) {
            case AF_INET: local = withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) } }
            case AF_INET6: local = withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin6_port) } }
            default: continue
            }
            var listening: Int32 = 0
            var size = socklen_t(MemoryLayout<Int32>.size)
            guard local == port, getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &size) == 0, listening == 1 else { continue }
            var on: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
        }
    }

    // MARK: Routes

    private func search(_ q: Query) throws -> String {
        guard let question = q["q"] else { throw ServiceError.badRequest("q (the question) is required") }
        let k = try q.int("k") ?? 10
        guard (1...Self.maxK).contains(k) else { throw ServiceError.badRequest("k must be 1 to \(Self.maxK)") }
        let request = SearchRequest(question: question, k: k, pathPrefix: q["path"], tag: q["tag"])
        return LoreJSON.encode(try service.search(request, full: q.flag("full")))
    }

    private func get(_ q: Query) throws -> String {
        guard let target = q["path"] else { throw ServiceError.badRequest("path is required") }
        var (path, lines) = try NotesService.parseTarget(target)
        if let spec = q["lines"] { lines = try NotesService.parseLines(spec) }
        return LoreJSON.encode(try service.get(path, lines: lines))
    }

    private func multiGet(_ q: Query) throws -> String {
        LoreJSON.encode(try service.multiGet(paths: q.all("path"), glob: q["glob"], maxBytes: try q.int("max_bytes") ?? 100_000))
    }

    // MARK: Plumbing

    /// Runs `body` off the server's threads (searching is CPU work) and makes its JSON, or its
    /// refusal, the response.
    private func answer(_ request: HTTPRequest, _ body: @escaping @Sendable (Query) throws -> String) async -> HTTPResponse {
        if let refusal = foreignHost(request) { return refusal }
        let query = Query(request.target.query(percentEncoded: true))
        let result: Result<String, any Error> = await withCheckedContinuation { done in
            DispatchQueue.global().async { done.resume(returning: Result { try body(query) }) }
        }
        switch result {
        case .success(let json):
            return HTTPResponse(statusCode: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: Data(json.utf8))
        case .failure(let error as ServiceError):
            switch error {
            case .badRequest(let m): return Self.error(.badRequest, m)
            case .refusedPath(let m): return Self.error(.forbidden, m)
            case .notFound(let m): return Self.error(.notFound, m)
            }
        case .failure(let error):
            return Self.error(.internalServerError, "\(error)")
        }
    }

    struct ErrorBody: Encodable { var error: String }

    static func error(_ status: HTTPStatusCode, _ message: String) -> HTTPResponse {
        HTTPResponse(statusCode: status, headers: [.contentType: "application/json; charset=utf-8"],
                     body: Data(LoreJSON.encode(ErrorBody(error: message)).utf8))
    }

    /// A 403 when serving loopback only and the request names a host other than a loopback one.
    private func foreignHost(_ request: HTTPRequest) -> HTTPResponse? {
        guard !allowRemote else { return nil }
        guard let host = request.headers[.host] else { return nil }
        var name = host
        if name.hasPrefix("[") { name = String(name.dropFirst().prefix { $0 != "]" }) }
        else if let colon = name.lastIndex(of: ":") { name = String(name[..<colon]) }
        if name.lowercased() == "localhost" || ServeAddress.isLoopback(name) { return nil }
        return Self.error(.forbidden, "Host \(host) is not this machine: lore serves loopback only (see --allow-remote)")
    }

    /// The query string's parameters, decoded (`+` is a space, as forms send it).
    struct Query: Sendable {
        var items: [(String, String)] = []

        init(_ raw: String) {
            for pair in raw.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                func decode(_ s: Substring) -> String {
                    let spaced = s.replacingOccurrences(of: "+", with: " ")
                    return spaced.removingPercentEncoding ?? spaced
                }
                items.append((decode(parts[0]), parts.count > 1 ? decode(parts[1]) : ""))
            }
        }

        subscript(_ name: String) -> String? { items.first { $0.0 == name }?.1 }

        func all(_ name: String) -> [String] { items.filter { $0.0 == name }.map(\.1) }

        func int(_ name: String) throws -> Int? {
            guard let v = self[name] else { return nil }
            guard let i = Int(v) else { throw ServiceError.badRequest("\(name) must be a whole number: \(v)") }
            return i
        }

        func flag(_ name: String) -> Bool { ["1", "true", "yes"].contains(self[name]?.lowercased() ?? "") }
    }
}
