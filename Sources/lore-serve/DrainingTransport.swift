import Foundation
import Logging
import MCP

/// Standard input and output for MCP, ending only once every request read has been answered.
///
/// The SDK's server handles each request in a task of its own and stops when its input ends, so
/// a client that writes its requests and closes standard input (`printf … | lore serve`) would
/// lose the answers still being computed. This transport passes messages through, counts the
/// requests read and the responses written, and holds the end of the input until they match (or `drainLimit` passes).
actor DrainingTransport: Transport {
    private let inner = StdioTransport()
    nonisolated var logger: Logger { inner.logger }
    private var pending: Set<String> = []
    /// The longest the end of the input waits for answers (a request the server never answers,
    /// such as one the client cancelled, must not keep the process alive).
    static let drainLimit: Double = 60

    func connect() async throws { try await inner.connect() }

    func disconnect() async { await inner.disconnect() }

    func send(_ data: Data) async throws {
        try await inner.send(data)
        if let id = Self.id(of: data, request: false) { pending.remove(id) }
    }

    func receive() -> AsyncThrowingStream<Data, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                let upstream = await inner.receive()
                do {
                    for try await data in upstream {
                        if let id = Self.id(of: data, request: true) { self.began(id) }
                        continuation.yield(data)
                    }
                    await self.waitUntilDrained()
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    private func began(_ id: String) { pending.insert(id) }

    private func waitUntilDrained() async {
        let deadline = Date().addingTimeInterval(Self.drainLimit)
        while !pending.isEmpty && Date() < deadline {
            try? await Task.sleep(nanoseconds: 5_000_000)
        }
    }

    /// The id of a JSON-RPC request (`method` and `id`) or response (`id` and `result` or
    /// `error`) in `data`, as text; nil for notifications and anything else (batches included).
    static func id(of data: Data, request: Bool) -> String? {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any], let id = object["id"],
              !(id is NSNull) else { return nil }
        let isRequest = object["method"] != nil
        guard isRequest == request else { return nil }
        return "\(id)"
    }
}
