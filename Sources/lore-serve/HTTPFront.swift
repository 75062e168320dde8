import Foundation
import Hummingbird
import Logging
import NIOCore
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
/// 403 a path refused or a foreign Host, 404 no such note or route, 405 a method other than GET
/// or HEAD). Hummingbird (SwiftNIO) speaks HTTP: it reads a request in one pass and refuses one
/// whose head is too large.
struct HTTPFront: Sendable {
    let service: NotesService
    /// False when bound to loopback: requests must then name a loopback host (a page elsewhere
    /// cannot reach the server through a DNS name rebound to 127.0.0.1).
    var allowRemote = false

    /// The most passages one HTTP search answers.
    static let maxK = 1000

    /// Listens on `address` until the process is stopped, after printing the address on stderr.
    /// An address that cannot be bound (a port in use) is an error.
    func serve(on address: String) async throws {
        let (host, port) = try ServeAddress.parse(address)
        let front = self
        let app = Application(
            responder: CallbackResponder<BasicRequestContext> { request, _ in await front.respond(to: request) },
            // SO_REUSEADDR (the default): a server started again at once binds its port past the
            // last one's closing connections; a port another server listens on is still refused.
            configuration: .init(address: .hostname(host, port: Int(port))),
            onServerRunning: { channel in
                let shown = channel.localAddress.map { a in
                    a.protocol == .inet6 ? "[\(a.ipAddress ?? host)]:\(a.port ?? 0)" : "\(a.ipAddress ?? host):\(a.port ?? 0)"
                } ?? address
                printError("serving http://\(shown)/ (notes: \(front.service.store.corpusPath), index: \(front.service.store.indexPath))")
            },
            logger: Logger(label: "lore.http", factory: { _ in SwiftLogNoOpLogHandler() }))
        do { try await app.runService() } catch let error as IOError {
            // A port in use, an address not of this machine: said as the system says it.
            throw LoreError.cannotListen(address: address, reason: String(cString: strerror(error.errnoCode)))
        }
    }

    /// The answer to one request: the page, an API route, or a refusal.
    func respond(to request: Request) async -> Response {
        guard request.method == .get || request.method == .head else {
            var refusal = Self.error(.methodNotAllowed, "\(request.method) is not served here: the page and the API answer GET")
            refusal.headers[.allow] = "GET, HEAD"
            return refusal
        }
        if let refusal = foreignHost(request) { return refusal }
        let query = Query(request.uri.query ?? "")
        var response: Response
        switch request.uri.path {
        case "/api/search": response = await answer(query, search)
        case "/api/get": response = await answer(query, get)
        case "/api/multi_get": response = await answer(query, multiGet)
        case "/api/status": response = await answer(query) { _ in LoreJSON.encode(try service.status()) }
        case "/":
            response = Response(status: .ok, headers: [
                .contentType: "text/html; charset=utf-8",
                .contentSecurityPolicy: "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:",
                .xContentTypeOptions: "nosniff",
            ], body: .init(byteBuffer: ByteBuffer(string: SearchPage.html)))
        default:
            response = Self.error(.notFound, "no such page: try /, /api/search?q=…, /api/get?path=…, /api/multi_get?glob=…, /api/status")
        }
        if request.method == .head { response.body = .init() }
        return response
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
    private func answer(_ query: Query, _ body: @escaping @Sendable (Query) throws -> String) async -> Response {
        let result: Result<String, any Error> = await withCheckedContinuation { done in
            DispatchQueue.global().async { done.resume(returning: Result { try body(query) }) }
        }
        switch result {
        case .success(let json):
            return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: json)))
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

    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: LoreJSON.encode(ErrorBody(error: message)))))
    }

    /// A 403 when serving loopback only and the request names a host other than a loopback one.
    private func foreignHost(_ request: Request) -> Response? {
        guard !allowRemote else { return nil }
        guard let host = request.head.authority else { return nil }
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
