@preconcurrency import Glibc
import Foundation
import Logging
import MCP

/// MCP's stdio transport as `lore serve` speaks it: one JSON-RPC message a line on standard input
/// and output, ending only once every request read has been answered.
///
/// Written here rather than taken from the SDK (0.12.1), whose stdio transport could write two
/// answers into each other (a write that waited for a full pipe let another begin), looked for
/// line ends from the start of the buffer after every 4 KiB read (a 4 MB line took 29 s), dropped
/// a last line without its newline, and, with the SDK's server, answered a message it could not
/// read with an invented id. Here:
/// - each answer is written whole under a lock, with blocking writes;
/// - input is read on a thread of its own and split in one pass; a last line without a newline
///   is a message too;
/// - a line that is not JSON, or not a JSON-RPC 2.0 request with a string or integer id, is
///   answered here (-32700 parse error, -32600 invalid request, with a null id, as JSON-RPC asks),
///   and a `tools/call` whose params are not an object naming a tool is -32602 (invalid params);
/// - nothing after `initialize` is passed on until it is answered, so that answer comes first;
/// - the end of the input waits for the answers of the requests read (at most `drainLimit`).
actor LineTransport: Transport {
    nonisolated let logger = Logger(label: "lore.mcp.stdio", factory: { _ in SwiftLogNoOpLogHandler() })
    /// The ids of requests passed on and not answered yet.
    private var pending: Set<RequestID> = []
    /// The `initialize` request held open until its answer is written, and who waits for it.
    private var initializing: (id: RequestID, release: DispatchSemaphore)?
    /// The longest the end of the input waits for answers (a request the server never answers,
    /// such as one the client cancelled, must not keep the process alive).
    static let drainLimit: Double = 60
    /// The longest the reader holds the input after `initialize` for its answer.
    static let initializeLimit: Double = 30

    func connect() async throws {}

    func disconnect() async {}

    func send(_ data: Data) async throws {
        try Output.shared.writeLine(data)
        guard let id = Envelope.read(data)?.responseID else { return }
        pending.remove(id)
        if let held = initializing, held.id == id {
            initializing = nil
            held.release.signal()
        }
    }

    func receive() -> AsyncThrowingStream<Data, any Error> {
        AsyncThrowingStream { continuation in
            let thread = Thread { [self] in
                Self.readLines { line in
                    guard let message = Self.admit(line) else { return }
                    let release = DispatchSemaphore(value: 0)
                    let waits = Self.blockingCall { await self.began(message, release: release) }
                    continuation.yield(line)
                    if waits { _ = release.wait(timeout: .now() + Self.initializeLimit) }
                }
                Self.blockingCall { await self.waitUntilDrained() }
                continuation.finish()
            }
            thread.start()
        }
    }

    /// Records a request passed on; true when it is `initialize`, which holds the input until answered.
    private func began(_ message: Envelope, release: DispatchSemaphore) -> Bool {
        guard let id = message.requestID else { return false }
        pending.insert(id)
        guard message.method == "initialize" else { return false }
        initializing = (id, release)
        return true
    }

    private func waitUntilDrained() async {
        let deadline = Date().addingTimeInterval(Self.drainLimit)
        while !pending.isEmpty && Date() < deadline {
            try? await Task.sleep(nanoseconds: 5_000_000)
        }
    }

    /// Runs `body` on the concurrency pool and waits for it, from the reader's own thread.
    @discardableResult
    private static func blockingCall<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
        let done = DispatchSemaphore(value: 0)
        let box = Box<T>()
        Task {
            box.value = await body()
            done.signal()
        }
        done.wait()
        return box.value!
    }

    private final class Box<T>: @unchecked Sendable { var value: T? }

    // MARK: Input

    /// Calls `body` with each non-blank line of standard input (without its `\n` or `\r\n`), the
    /// last one too when the input ends without a newline. Each byte is looked at once.
    static func readLines(_ body: (Data) -> Void) {
        var buffer = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var scanned = 0
        func emit(_ line: ArraySlice<UInt8>) {
            var line = line
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            if line.contains(where: { $0 != 0x20 && $0 != 0x09 }) { body(Data(line)) }
        }
        while true {
            let n = chunk.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK {
                    var p = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
                    _ = poll(&p, 1, -1)
                    continue
                }
                break
            }
            if n == 0 { break }
            buffer.append(contentsOf: chunk[0..<n])
            var start = 0
            while let end = buffer[scanned...].firstIndex(of: UInt8(ascii: "\n")) {
                emit(buffer[start..<end])
                start = end + 1
                scanned = start
            }
            scanned = buffer.count
            if start > 0 {
                buffer.removeFirst(start)
                scanned -= start
            }
        }
        emit(buffer[...])
    }

    /// The message `line` holds when it is one to pass on; nil when it was answered here (a
    /// line that is not JSON-RPC 2.0).
    static func admit(_ line: Data) -> Envelope? {
        guard let json = try? JSONSerialization.jsonObject(with: line, options: [.fragmentsAllowed]) else {
            refuse(code: -32700, "Parse error: the line is not JSON", id: nil)
            return nil
        }
        if json is [Any] { return Envelope() }  // a batch: the SDK answers it
        guard let object = json as? [String: Any] else {
            refuse(code: -32600, "Invalid Request: a message is a JSON object", id: nil)
            return nil
        }
        let message = Envelope(object, line)
        if message.isResponse { return message }
        if let problem = message.problem {
            refuse(code: -32600, "Invalid Request: \(problem)", id: nil)
            return nil
        }
        if message.method == "tools/call", let id = message.requestID, let problem = message.toolCallProblem {
            refuse(code: -32602, "Invalid params: \(problem)", id: id)
            return nil
        }
        return message
    }

    /// Writes a JSON-RPC error answer.
    static func refuse(code: Int, _ message: String, id: RequestID?) {
        let idJSON: String
        switch id {
        case .number(let n)?: idJSON = String(n)
        case .text(let s)?: idJSON = String(decoding: (try? JSONEncoder().encode(s)) ?? Data("\"\"".utf8), as: UTF8.self)
        case nil: idJSON = "null"
        }
        let text = String(decoding: (try? JSONEncoder().encode(message)) ?? Data("\"\"".utf8), as: UTF8.self)
        try? Output.shared.writeLine(Data(#"{"error":{"code":\#(code),"message":\#(text)},"id":\#(idJSON),"jsonrpc":"2.0"}"#.utf8))
    }

    // MARK: Output

    /// Standard output, one whole line at a time.
    final class Output: @unchecked Sendable {
        static let shared = Output()
        private let lock = NSLock()

        func writeLine(_ data: Data) throws {
            var line = data
            line.append(UInt8(ascii: "\n"))
            try lock.withLock {
                try line.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                    var offset = 0
                    while offset < raw.count {
                        let n = write(STDOUT_FILENO, raw.baseAddress! + offset, raw.count - offset)
                        if n > 0 { offset += n; continue }
                        if n < 0 && errno == EINTR { continue }
                        if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                            var p = pollfd(fd: STDOUT_FILENO, events: Int16(POLLOUT), revents: 0)
                            _ = poll(&p, 1, -1)
                            continue
                        }
                        throw MCPError.transportError(POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO))
                    }
                }
            }
        }
    }
}

/// A JSON-RPC request id: MCP allows a string or an integer.
enum RequestID: Hashable, Sendable {
    case number(Int64)
    case text(String)
}

/// What the transport needs to know of a message.
struct Envelope: Sendable {
    var jsonrpc: String?
    var method: String?
    /// The id, when it is a string or an integer.
    var id: RequestID?
    /// Whether an `id` key is present (null, a fraction, an object: present but unusable).
    var hasID = false
    var isResponse = false
    /// For `tools/call`: what is wrong with its params, if anything.
    var toolCallProblem: String?

    var requestID: RequestID? { method != nil ? id : nil }
    var responseID: RequestID? { isResponse ? id : nil }

    /// Why the message is not a JSON-RPC 2.0 request or notification MCP accepts; nil when it is.
    var problem: String? {
        if jsonrpc != "2.0" { return "\"jsonrpc\" must be \"2.0\"" }
        if method == nil { return "\"method\" must be a string" }
        if hasID && id == nil { return "\"id\" must be a string or an integer" }
        return nil
    }

    init() {}

    /// The envelope of a message: `object`, parsed from `data`.
    init(_ object: [String: Any], _ data: Data) {
        jsonrpc = object["jsonrpc"] as? String
        method = object["method"] as? String
        isResponse = object["method"] == nil && (object["result"] != nil || object["error"] != nil)
        if let raw = object["id"] {
            hasID = true
            id = Self.requestID(raw, in: data)
        }
        if method == "tools/call" {
            if let params = object["params"] as? [String: Any] {
                if !(params["name"] is String) { toolCallProblem = "params.name must be the tool's name" }
                else if let arguments = params["arguments"], !(arguments is [String: Any]) {
                    toolCallProblem = "params.arguments must be an object"
                }
            } else {
                toolCallProblem = "params must be an object naming the tool"
            }
        }
    }

    /// The envelope of `data`, or nil when it is not a JSON object.
    static func read(_ data: Data) -> Envelope? {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return nil }
        return Envelope(object, data)
    }

    /// A string, or a number written as an integer (checked in the text: JSONSerialization reads
    /// 1.5, 1 and true alike as NSNumber).
    private static func requestID(_ raw: Any, in data: Data) -> RequestID? {
        if let s = raw as? String { return .text(s) }
        guard let n = raw as? NSNumber else { return nil }
        struct IntegerID: Decodable { var id: Int64 }
        guard let decoded = try? JSONDecoder().decode(IntegerID.self, from: data), decoded.id == n.int64Value else { return nil }
        return .number(decoded.id)
    }
}
