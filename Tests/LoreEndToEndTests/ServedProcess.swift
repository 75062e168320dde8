import Foundation
import XCTest

/// A long-running `lore serve` child: lines written to its standard input, its standard output
/// and standard error read line by line as they come (each by a thread of its own).
final class ServedProcess: @unchecked Sendable {
    let process = Process()
    private let input = Pipe()
    private let lock = NSCondition()
    private var outLines: [String] = []
    private var errLines: [String] = []
    private var readers: [Thread] = []

    init(_ arguments: [String], in directory: String) throws {
        process.executableURL = LoreProcess.executable
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let out = Pipe(), err = Pipe()
        process.standardInput = input
        process.standardOutput = out
        process.standardError = err
        try process.run()
        readers = [reader(out.fileHandleForReading) { self.outLines.append($0) },
                   reader(err.fileHandleForReading) { self.errLines.append($0) }]
        readers.forEach { $0.start() }
    }

    private func reader(_ handle: FileHandle, _ add: @escaping @Sendable (String) -> Void) -> Thread {
        Thread { [lock] in
            var pending = Data()
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let nl = pending.firstIndex(of: 0x0A) {
                    let line = String(decoding: pending[pending.startIndex..<nl], as: UTF8.self)
                    pending = Data(pending[(nl + 1)...])
                    lock.lock(); add(line); lock.broadcast(); lock.unlock()
                }
            }
        }
    }

    func send(_ line: String) {
        input.fileHandleForWriting.write(Data((line + "\n").utf8))
    }

    /// The first line of `lines` (stdout or stderr) that `match` accepts, waiting up to `timeout` seconds.
    private func wait(_ stdout: Bool, timeout: Double, _ match: (String) -> Bool) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        lock.lock()
        defer { lock.unlock() }
        while true {
            if let hit = (stdout ? outLines : errLines).first(where: match) { return hit }
            guard lock.wait(until: deadline) else { return nil }
        }
    }

    /// The JSON-RPC response with this id (responses may come in any order).
    func response(id: Int, timeout: Double = 60) throws -> [String: Any] {
        let line = wait(true, timeout: timeout) { line in
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return false }
            return (o["id"] as? Int) == id
        }
        guard let line else {
            XCTFail("no answer to request \(id) in \(timeout) s; stderr: \(stderr)")
            throw CancellationError()
        }
        return try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
    }

    /// The first line of standard error holding `text`.
    func stderrLine(containing text: String, timeout: Double = 60) -> String? {
        wait(false, timeout: timeout) { $0.contains(text) }
    }

    var stderr: String { lock.lock(); defer { lock.unlock() }; return errLines.joined(separator: "\n") }
    var stdoutLines: [String] { lock.lock(); defer { lock.unlock() }; return outLines }

    /// The port printed by `lore serve --http` (`serving http://127.0.0.1:PORT/ …`).
    func httpPort(timeout: Double = 60) throws -> UInt16 {
        guard let line = stderrLine(containing: "serving http://", timeout: timeout),
              let range = line.range(of: #"127\.0\.0\.1:(\d+)"#, options: .regularExpression),
              let port = UInt16(line[range].split(separator: ":").last!) else {
            XCTFail("no address line on stderr: \(stderr)")
            throw CancellationError()
        }
        return port
    }

    /// Closes standard input (an MCP server ends there), then stops the process if it is still
    /// running, and waits for it.
    func stop() {
        try? input.fileHandleForWriting.close()
        // An HTTP server serves until stopped; an MCP server has 5 s to end by itself.
        let deadline = Date().addingTimeInterval(process.arguments?.contains("--http") == true ? 0 : 5)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    deinit { if process.isRunning { process.terminate(); process.waitUntilExit() } }
}

/// One HTTP/1.1 request over a plain socket: status and body (no redirects, no keep-alive).
enum RawHTTP {
    struct Reply {
        var status: Int
        var headers: String
        var body: Data
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    static func get(_ target: String, port: UInt16, host: String? = nil) throws -> Reply {
        try request("GET", target, port: port, host: host)
    }

    static func request(_ method: String, _ target: String, port: UInt16, host: String? = nil, json: Data? = nil) throws -> Reply {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        var head = "\(method) \(target) HTTP/1.1\r\nHost: \(host ?? "127.0.0.1:\(port)")\r\nConnection: close\r\n"
        if let json { head += "Content-Type: application/json\r\nContent-Length: \(json.count)\r\n" }
        let bytes = Array((head + "\r\n").utf8) + (json.map(Array.init) ?? [])
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw POSIXError(.EPIPE) }
            sent += n
        }
        // Read until the body is whole (by Content-Length, or the last chunk), or the peer closes:
        // not every server closes after the response even when asked to.
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !complete(data) {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            data.append(contentsOf: buffer[0..<n])
        }
        guard let split = data.range(of: Data("\r\n\r\n".utf8)) else { throw POSIXError(.EBADMSG) }
        let headers = String(decoding: data[..<split.lowerBound], as: UTF8.self)
        let status = Int(headers.split(separator: " ")[1]) ?? 0
        var body = Data(data[split.upperBound...])
        if headers.lowercased().replacingOccurrences(of: ": ", with: ":").contains("transfer-encoding:chunked") { body = dechunk(body) }
        return Reply(status: status, headers: headers, body: body)
    }

    /// True once `data` holds a whole response with a length or in chunks.
    private static func complete(_ data: Data) -> Bool {
        guard let split = data.range(of: Data("\r\n\r\n".utf8)) else { return false }
        let headers = String(decoding: data[..<split.lowerBound], as: UTF8.self).lowercased()
        for line in headers.split(separator: "\r\n") where line.hasPrefix("content-length:") {
            guard let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) else { return false }
            return data.count - split.upperBound >= length
        }
        if headers.replacingOccurrences(of: ": ", with: ":").contains("transfer-encoding:chunked") {
            return data[split.upperBound...].range(of: Data("0\r\n\r\n".utf8)) != nil
        }
        return false
    }

    private static func dechunk(_ data: Data) -> Data {
        var out = Data(), rest = data[...]
        while let nl = rest.range(of: Data("\r\n".utf8)),
              let size = Int(String(decoding: rest[..<nl.lowerBound], as: UTF8.self), radix: 16), size > 0 {
            let start = nl.upperBound
            out.append(rest[start..<(start + size)])
            rest = rest[(start + size + 2)...]
        }
        return out
    }

    /// `text` for a query string.
    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }
}
