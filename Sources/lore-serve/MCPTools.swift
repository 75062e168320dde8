import Foundation
import LoreCore
import MCP

/// The Model Context Protocol face of `lore serve`: four tools over one `NotesService`, spoken
/// as JSON-RPC lines on standard input and output (the official Swift SDK does the protocol,
/// `LineTransport` the lines).
enum MCPTools {
    static let tools: [Tool] = [
        Tool(name: "search",
             description: """
             Search the notes for passages that answer a question (plain language). Answers ranked passages, best \
             first, as JSON: source (note path), lines [first, last], title (heading path), snippet (the lines holding \
             the question's words), matches (the words found), score. Read more of a note with the get tool.
             """,
             inputSchema: .object([
                 "type": "object",
                 "properties": .object([
                     "question": .object(["type": "string", "description": "The question, in plain language."]),
                     "k": .object(["type": "integer", "description": "How many passages (1 to 100, default 5).",
                                   "minimum": 1, "maximum": 100]),
                     "path": .object(["type": "string",
                                      "description": "Only notes in this folder (e.g. stories/) or this note."]),
                     "tag": .object(["type": "string", "description": "Only notes with this front-matter tag."]),
                     "full": .object(["type": "boolean", "description": "Also give each passage's whole text."]),
                 ]),
                 "required": .array(["question"]),
             ]),
             annotations: .init(readOnlyHint: true)),
        Tool(name: "get",
             description: """
             Read a note, or a range of its lines, by its path as search gives it (relative to the notes folder or \
             with it in front). PATH:FIRST-LAST or the lines argument picks lines. Paths outside the notes folder are refused.
             """,
             inputSchema: .object([
                 "type": "object",
                 "properties": .object([
                     "path": .object(["type": "string", "description": "The note's path, optionally with :LINE or :FIRST-LAST."]),
                     "lines": .object(["type": "string", "description": "LINE or FIRST-LAST, counted from 1."]),
                 ]),
                 "required": .array(["path"]),
             ]),
             annotations: .init(readOnlyHint: true)),
        Tool(name: "multi_get",
             description: """
             Read several notes at once: by paths (each may end in :FIRST-LAST) and/or a glob over the notes' paths \
             (* crosses folders: stories/*.md, *budget*), up to max_bytes of text in all. Notes left out are listed \
             in omitted with the reason.
             """,
             inputSchema: .object([
                 "type": "object",
                 "properties": .object([
                     "paths": .object(["type": "array", "items": .object(["type": "string"])]),
                     "glob": .object(["type": "string"]),
                     "max_bytes": .object(["type": "integer", "description": "Cap on the text returned (default 100000).",
                                           "minimum": 1, "maximum": .int(NotesService.maxBytesLimit)]),
                 ]),
             ]),
             annotations: .init(readOnlyHint: true)),
        Tool(name: "status",
             description: "What is served: notes and passages indexed, the index's age and generation, the settings.",
             inputSchema: .object(["type": "object", "properties": .object([:])]),
             annotations: .init(readOnlyHint: true)),
    ]

    /// The most passages one MCP search answers (an agent's context is the limit).
    static let maxK = 100

    /// Answers one tool call: the result as JSON text, or the refusal as a tool error.
    static func call(_ params: CallTool.Parameters, service: NotesService) -> CallTool.Result {
        do {
            let args = params.arguments ?? [:]
            let json: String
            switch params.name {
            case "search":
                let k = try int(args["k"], "k") ?? 5
                guard (1...maxK).contains(k) else { throw ServiceError.badRequest("k must be 1 to \(maxK)") }
                let request = SearchRequest(question: try string(args["question"], "question") ?? "", k: k,
                                            pathPrefix: try string(args["path"], "path"), tag: try string(args["tag"], "tag"))
                json = LoreJSON.encode(try service.search(request, full: try bool(args["full"], "full") ?? false))
            case "get":
                guard let target = try string(args["path"], "path") else { throw ServiceError.badRequest("path is required") }
                var (path, lines) = try NotesService.parseTarget(target)
                if let spec = try string(args["lines"], "lines") { lines = try NotesService.parseLines(spec) }
                json = LoreJSON.encode(try service.get(path, lines: lines))
            case "multi_get":
                if let v = args["paths"], !v.isNull, v.arrayValue == nil { throw ServiceError.badRequest("paths must be an array of strings") }
                let paths = try (args["paths"]?.arrayValue ?? []).map { v in
                    guard let s = v.stringValue else { throw ServiceError.badRequest("paths must be strings") }
                    return s
                }
                json = LoreJSON.encode(try service.multiGet(paths: paths, glob: try string(args["glob"], "glob"),
                                                            maxBytes: try int(args["max_bytes"], "max_bytes") ?? 100_000))
            case "status":
                json = LoreJSON.encode(try service.status())
            default:
                throw ServiceError.badRequest("no tool \(params.name): the tools are search, get, multi_get and status")
            }
            return .init(content: [.text(text: json, annotations: nil, _meta: nil)], isError: false)
        } catch {
            return .init(content: [.text(text: "\(error)", annotations: nil, _meta: nil)], isError: true)
        }
    }

    private static func string(_ v: Value?, _ name: String) throws -> String? {
        guard let v, !v.isNull else { return nil }
        guard let s = v.stringValue else { throw ServiceError.badRequest("\(name) must be a string") }
        return s
    }

    private static func bool(_ v: Value?, _ name: String) throws -> Bool? {
        guard let v, !v.isNull else { return nil }
        guard let b = v.boolValue else { throw ServiceError.badRequest("\(name) must be true or false") }
        return b
    }

    private static func int(_ v: Value?, _ name: String) throws -> Int? {
        guard let v, !v.isNull else { return nil }
        if let i = v.intValue { return i }
        if let d = v.doubleValue, d == d.rounded(), abs(d) < 1e9 { return Int(d) }
        throw ServiceError.badRequest("\(name) must be an integer")
    }

    /// Serves MCP on standard input and output until the client closes standard input.
    static func serve(_ service: NotesService, version: String) async throws {
        let server = Server(name: "lore", version: version,
                            instructions: "Search and read the user's Markdown notes: search first, then get the lines you need.",
                            capabilities: .init(tools: .init(listChanged: false)))
        await server.withMethodHandler(ListTools.self) { _ in .init(tools: tools) }
        await server.withMethodHandler(CallTool.self) { params in call(params, service: service) }
        try await server.start(transport: LineTransport())
        await server.waitUntilCompleted()
    }
}
