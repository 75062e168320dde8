import Foundation
import XCTest

/// `lore serve`: the MCP tools over stdio and the HTTP API, through the built binary.
final class ServeTests: XCTestCase {
    /// Two notes: one planted word (quokkafish) in one line of a tagged note.
    static func writeNotes(_ s: Scratch) {
        s.write("notes/stories/zebra.md", """
            ---
            title: Zebra crossings
            tags: [traffic, safety]
            ---
            # Zebra crossings

            The council painted a quokkafish stripe on every zebra crossing in March.

            ## Cost

            It cost 4,000 euros in all.

            """)
        s.write("notes/budget.md", "# Budget\n\nThe extra budget was approved by Marta in June.\n")
    }

    private func request(_ id: Int, _ method: String, _ params: [String: Any]) -> String {
        let object: [String: Any] = ["jsonrpc": "2.0", "id": id, "method": method, "params": params]
        return String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    private func call(_ id: Int, _ tool: String, _ arguments: [String: Any]) -> String {
        request(id, "tools/call", ["name": tool, "arguments": arguments])
    }

    /// The tool result's text and whether it is an error.
    private func toolText(_ response: [String: Any]) -> (text: String, isError: Bool) {
        let result = response["result"] as! [String: Any]
        let content = result["content"] as! [[String: Any]]
        return (content.map { $0["text"] as! String }.joined(), result["isError"] as? Bool ?? false)
    }

    /// `lore serve --http` on a free loopback port over `writeNotes`' notes (with `extra`
    /// options): the folder, the server (the caller stops it) and its port.
    private func serveHTTP(_ extra: [String] = []) throws -> (Scratch, ServedProcess, UInt16) {
        let s = Scratch()
        Self.writeNotes(s)
        let server = try ServedProcess(["serve", "--corpus", "notes", "--index", "index", "--http", "127.0.0.1:0"] + extra, in: s.path)
        do { return (s, server, try server.httpPort()) } catch { server.stop(); throw error }
    }

    private func json(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    func testMCPToolsOverStdio() throws {
        let s = Scratch()
        Self.writeNotes(s)
        let server = try ServedProcess(["serve", "--corpus", "notes", "--index", "index"], in: s.path)
        defer { server.stop() }
        server.send(request(1, "initialize", ["protocolVersion": "2025-06-18", "capabilities": [String: Any](),
                                              "clientInfo": ["name": "lore-tests", "version": "1"]]))
        let initialized = try server.response(id: 1)
        let info = (initialized["result"] as! [String: Any])["serverInfo"] as! [String: Any]
        XCTAssertEqual(info["name"] as? String, "lore")
        server.send(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)

        server.send(request(2, "tools/list", [:]))
        let tools = ((try server.response(id: 2)["result"] as! [String: Any])["tools"] as! [[String: Any]]).map { $0["name"] as! String }
        XCTAssertEqual(tools, ["search", "get", "multi_get", "status"])

        server.send(call(3, "search", ["question": "Where is the quokkafish stripe?", "k": 3]))
        let (searchText, searchError) = toolText(try server.response(id: 3))
        XCTAssertFalse(searchError, searchText)
        let top = (json(searchText)["results"] as! [[String: Any]])[0]
        XCTAssertEqual(top["source"] as? String, "notes/stories/zebra.md")
        XCTAssertEqual(top["lines"] as? [Int], [7, 7])
        XCTAssertEqual(top["title"] as? String, "Zebra crossings")
        XCTAssertEqual(top["snippet"] as? String, "The council painted a quokkafish stripe on every zebra crossing in March.")
        XCTAssertEqual(top["matches"] as? [String], ["quokkafish", "stripe"])

        // Filters: a folder the planted note is not in, and a tag it has.
        server.send(call(4, "search", ["question": "quokkafish", "path": "stories/", "tag": "Traffic"]))
        XCTAssertEqual((json(toolText(try server.response(id: 4)).text)["results"] as! [[String: Any]]).map { $0["source"] as! String },
                       ["notes/stories/zebra.md"])
        server.send(call(5, "search", ["question": "quokkafish", "path": "notes/budget.md"]))
        XCTAssertEqual((json(toolText(try server.response(id: 5)).text)["results"] as! [[String: Any]]).count, 0)

        server.send(call(6, "get", ["path": "notes/stories/zebra.md:10-11"]))
        let got = toolText(try server.response(id: 6))
        XCTAssertEqual(got.text, #"{"lines":[10,11],"path":"notes/stories/zebra.md","text":"\nIt cost 4,000 euros in all.","total_lines":11}"#)

        server.send(call(7, "get", ["path": "../../etc/passwd"]))
        let refused = toolText(try server.response(id: 7))
        XCTAssertTrue(refused.isError)
        XCTAssertEqual(refused.text, "../../etc/passwd is outside the notes folder notes")

        server.send(call(8, "multi_get", ["glob": "*.md", "max_bytes": 100]))
        let many = json(toolText(try server.response(id: 8)).text)
        XCTAssertEqual((many["notes"] as! [[String: Any]]).map { $0["path"] as! String }, ["notes/budget.md"])
        XCTAssertEqual((many["omitted"] as! [[String: Any]]).map { $0["reason"] as! String },
                       ["185 bytes would pass the cap of 100 (57 used)"])

        server.send(call(9, "status", [:]))
        let status = json(toolText(try server.response(id: 9)).text)
        XCTAssertEqual(status["notes"] as? Int, 2)
        XCTAssertEqual(status["passages"] as? Int, 3)
        XCTAssertEqual(status["generation"] as? Int, 1)
        XCTAssertEqual((status["settings"] as? [String: Any])?["drop_request_phrases"] as? Bool, true)

        server.send(call(10, "search", ["question": ""]))
        XCTAssertEqual(toolText(try server.response(id: 10)).text, #"the question is empty: ask in plain words, such as "how did the team cut costs?""#)
        server.stop()
        XCTAssertEqual(server.process.terminationStatus, 0, "an MCP server ends when its input closes: \(server.stderr)")
    }

    func testMCPRefreshesTheIndexWhenNotesChange() throws {
        let s = Scratch()
        Self.writeNotes(s)
        let server = try ServedProcess(["serve", "--corpus", "notes", "--index", "index", "--recheck", "0"], in: s.path)
        defer { server.stop() }
        server.send(call(1, "search", ["question": "pangolin"]))
        XCTAssertEqual((json(toolText(try server.response(id: 1)).text)["results"] as! [[String: Any]]).count, 0)
        s.write("notes/new.md", "# New\n\nA pangolin walked into the office.\n")
        server.send(call(2, "search", ["question": "pangolin"]))
        let answer = json(toolText(try server.response(id: 2)).text)
        XCTAssertEqual((answer["results"] as! [[String: Any]]).map { $0["source"] as! String }, ["notes/new.md"])
        XCTAssertEqual(answer["generation"] as? Int, 2)
    }

    /// A client that writes its requests and closes its end (`printf … | lore serve`) gets every answer.
    func testMCPAnswersEveryRequestBeforeEndingAtEndOfInput() throws {
        let s = Scratch()
        Self.writeNotes(s)
        let lines = [request(1, "initialize", ["protocolVersion": "2025-06-18", "capabilities": [String: Any](),
                                               "clientInfo": ["name": "lore-tests", "version": "1"]]),
                     #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
                     call(2, "search", ["question": "quokkafish", "k": 1]),
                     call(3, "get", ["path": "notes/budget.md", "lines": "3"])]
        let r = try LoreProcess.run(["serve", "--corpus", "notes", "--index", "index"], in: s.path,
                                    timeout: 60, input: lines.joined(separator: "\n") + "\n")
        XCTAssertEqual(r.status, 0, r.stderr)
        let answers = r.stdout.split(separator: "\n").map { json(String($0)) }
        XCTAssertEqual(answers.compactMap { $0["id"] as? Int }.sorted(), [1, 2, 3])
        let get = try XCTUnwrap(answers.first { $0["id"] as? Int == 3 })
        XCTAssertEqual(toolText(get).text, #"{"lines":[3,3],"path":"notes/budget.md","text":"The extra budget was approved by Marta in June.","total_lines":3}"#)
    }

    /// Many requests written at once are each answered on a line of its own, the initialize
    /// answer first; lines that are not JSON-RPC requests are answered as JSON-RPC says (a null
    /// id); and the last request, without its newline, is answered too before the server ends.
    func testMCPLinesUnderLoadAndMalformedRequests() throws {
        let s = Scratch()
        Self.writeNotes(s)
        var lines = [request(1, "initialize", ["protocolVersion": "2025-06-18", "capabilities": [String: Any](),
                                               "clientInfo": ["name": "lore-tests", "version": "1"]]),
                     #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#]
        for id in 2..<402 {
            lines.append(id % 2 == 0 ? call(id, "multi_get", ["glob": "*.md"]) : call(id, "search", ["question": "quokkafish budget"]))
        }
        lines += ["not json", #"{"jsonrpc":"2.0","id":1.5,"method":"ping"}"#, #"{"jsonrpc":"2.0","id":null,"method":"ping"}"#,
                  #"{"id":402,"method":"ping"}"#, #"{"jsonrpc":"2.0","id":403,"method":"tools/call","params":{"name":"get","arguments":"x"}}"#,
                  #"{"jsonrpc":"2.0","id":404,"method":"ping"}"#]
        let r = try LoreProcess.run(["serve", "--corpus", "notes", "--index", "index"], in: s.path,
                                    timeout: 60, input: lines.joined(separator: "\n"))
        XCTAssertEqual(r.status, 0, r.stderr)
        let answers = r.stdout.split(separator: "\n").map { json(String($0)) }
        XCTAssertEqual(answers.count, 407, "one whole JSON object a line")
        XCTAssertEqual(answers.first?["id"] as? Int, 1, "the initialize answer comes first")
        XCTAssertEqual(answers.compactMap { $0["id"] as? Int }.sorted(), Array(1..<402) + [403, 404])
        func code(_ a: [String: Any]) -> Int? { (a["error"] as? [String: Any])?["code"] as? Int }
        let refusals = answers.filter { $0["id"] is NSNull }.compactMap(code)
        XCTAssertEqual(refusals.sorted(), [-32700, -32600, -32600, -32600])
        XCTAssertEqual(answers.first { $0["id"] as? Int == 403 }.flatMap(code), -32602)
    }

    func testHTTPAPI() throws {
        let (notes, server, port) = try serveHTTP()
        defer { withExtendedLifetime(notes) { server.stop() } }  // the notes' folder goes with `notes`

        let found = try RawHTTP.get("/api/search?k=2&q=" + RawHTTP.escape("quokkafish stripe"), port: port)
        XCTAssertEqual(found.status, 200)
        XCTAssertTrue(found.headers.lowercased().contains("content-type: application/json"), found.headers)
        let top = (found.json["results"] as! [[String: Any]])[0]
        XCTAssertEqual(top["source"] as? String, "notes/stories/zebra.md")
        XCTAssertEqual(top["lines"] as? [Int], [7, 7])
        // Spaces as forms send them (+) work too.
        XCTAssertEqual((try RawHTTP.get("/api/search?q=quokkafish+stripe", port: port).json["query"] as? String), "quokkafish stripe")

        let got = try RawHTTP.get("/api/get?path=notes/stories/zebra.md&lines=7-7", port: port)
        XCTAssertEqual(got.status, 200)
        XCTAssertEqual(got.text, #"{"lines":[7,7],"path":"notes/stories/zebra.md","text":"The council painted a quokkafish stripe on every zebra crossing in March.","total_lines":11}"#)

        let outside = try RawHTTP.get("/api/get?path=" + RawHTTP.escape("../../etc/passwd"), port: port)
        XCTAssertEqual(outside.status, 403)
        XCTAssertEqual(outside.text, #"{"error":"../../etc/passwd is outside the notes folder notes"}"#)
        XCTAssertEqual(try RawHTTP.get("/api/get?path=notes/nothing.md", port: port).status, 404)
        let noQuestion = try RawHTTP.get("/api/search", port: port)
        XCTAssertEqual(noQuestion.status, 400)
        XCTAssertEqual(noQuestion.text, #"{"error":"q (the question) is required"}"#)
        XCTAssertEqual(try RawHTTP.get("/api/search?q=x&k=zero", port: port).status, 400)
        XCTAssertEqual(try RawHTTP.get("/api/nothing", port: port).status, 404)

        let status = try RawHTTP.get("/api/status", port: port).json
        XCTAssertEqual(status["notes"] as? Int, 2)
        XCTAssertEqual(status["passages"] as? Int, 3)

        let page = try RawHTTP.get("/", port: port)
        XCTAssertEqual(page.status, 200)
        XCTAssertTrue(page.text.contains(#"<input id="q""#))
        XCTAssertFalse(page.text.contains("http://") || page.text.contains("https://"), "the page loads nothing from elsewhere")

        // A page elsewhere reaching the server through a rebound DNS name is refused.
        XCTAssertEqual(try RawHTTP.get("/api/status", port: port, host: "evil.example:\(port)").status, 403)
        // Names that only start like a loopback address are names, which DNS may point anywhere.
        for host in ["127.0.0.1.attacker.example", "127.evil.example", "127.0.0.1evil.example"] {
            XCTAssertEqual(try RawHTTP.get("/api/status", port: port, host: "\(host):\(port)").status, 403, host)
        }
        for host in ["127.0.0.1", "localhost", "LOCALHOST", "127.1.2.3"] {
            XCTAssertEqual(try RawHTTP.get("/api/status", port: port, host: "\(host):\(port)").status, 200, host)
        }
        // Lines that are not LINE or FIRST-LAST are refused, not read as the whole note.
        for lines in ["a-b", "-5", "3-2"] {
            XCTAssertEqual(try RawHTTP.get("/api/get?path=budget.md&lines=\(lines)", port: port).status, 400, lines)
        }
    }

    /// Several clients query at once while notes change under them: every answer is whole (one
    /// generation), and the generations each client sees never go back.
    func testConcurrentQueriesDuringRefreshes() throws {
        let (s, server, port) = try serveHTTP(["--recheck", "0"])
        defer { server.stop() }
        let failures = Failures()
        let root = s.path
        let clients = 4, queries = 25
        DispatchQueue.concurrentPerform(iterations: clients + 1) { client in
            if client == clients {
                // The writer: five edits, each adding a note with the planted word.
                for n in 0..<5 {
                    try! Data("# Added \(n)\n\nAnother quokkafish sighting, number \(n).\n".utf8)
                        .write(to: URL(fileURLWithPath: root + "/notes/added-\(n).md"))
                    Thread.sleep(forTimeInterval: 0.2)
                }
                return
            }
            var last = 0
            for _ in 0..<queries {
                do {
                    let r = try RawHTTP.get("/api/search?k=10&q=quokkafish", port: port)
                    let generation = r.json["generation"] as? Int ?? -1
                    let results = r.json["results"] as? [[String: Any]] ?? []
                    if r.status != 200 || generation < last || results.isEmpty {
                        failures.add("status \(r.status), generation \(generation) after \(last): \(r.text)")
                    }
                    last = generation
                } catch {
                    failures.add("\(error)")
                }
            }
        }
        XCTAssertEqual(failures.all, [])
        let final = try RawHTTP.get("/api/search?k=10&q=quokkafish", port: port).json
        XCTAssertEqual((final["results"] as! [[String: Any]]).count, 6)
        XCTAssertGreaterThan(final["generation"] as! Int, 1)
    }

    /// A refresh that cannot be written leaves the generation in memory answering (said once on
    /// stderr), and so does a notes folder that went away.
    func testAFailedRefreshAnswersFromTheIndexInMemory() throws {
        let (s, server, port) = try serveHTTP(["--recheck", "0"])
        defer { server.stop() }
        XCTAssertEqual(try RawHTTP.get("/api/search?q=quokkafish", port: port).status, 200)
        try FileManager.default.removeItem(atPath: s.path + "/index")
        s.write("index", "not a folder\n")
        s.write("notes/new.md", "# New\n\nA pangolin.\n")
        for _ in 0..<3 {
            let r = try RawHTTP.get("/api/search?q=quokkafish", port: port)
            XCTAssertEqual(r.status, 200, r.text)
            XCTAssertEqual(r.json["generation"] as? Int, 1)
        }
        try FileManager.default.moveItem(atPath: s.path + "/notes", toPath: s.path + "/gone")
        XCTAssertEqual(try RawHTTP.get("/api/status", port: port).status, 200)
        server.stop()
        let said = server.stderr.components(separatedBy: "\n")
        XCTAssertEqual(said.filter { $0.hasPrefix("lore: cannot refresh the index: index index is not a folder") }.count, 1, server.stderr)
        XCTAssertEqual(said.filter { $0 == "lore: notes folder notes not found: answering from the index (generation 1)" }.count, 1,
                       server.stderr)
    }

    /// Requests a server must not spend itself on, and an address it cannot take.
    func testHTTPRefusesOversizedHeadsOtherMethodsAndABusyPort() throws {
        let (s, server, port) = try serveHTTP()
        defer { server.stop() }
        // A request line of 1 MB is refused at once, and the server answers the next request.
        let start = Date()
        let huge = try RawHTTP.get("/api/search?q=" + String(repeating: "budget+", count: 150_000), port: port)
        XCTAssertEqual(huge.status, 400)
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
        XCTAssertEqual(try RawHTTP.get("/api/status", port: port).status, 200)
        let post = try RawHTTP.request("POST", "/api/search?q=budget", port: port, json: Data("{}".utf8))
        XCTAssertEqual(post.status, 405)
        XCTAssertEqual(post.json["error"] as? String, "POST is not served here: the page and the API answer GET")
        XCTAssertEqual(try RawHTTP.request("HEAD", "/api/status", port: port).status, 200)
        // A second server on the same port says so and ends.
        let second = try LoreProcess.run(["serve", "--corpus", "notes", "--index", "index", "--http", "127.0.0.1:\(port)"],
                                         in: s.path, timeout: 30)
        XCTAssertEqual(second.status, 2)
        XCTAssertTrue(second.stderr.hasSuffix("lore: cannot listen on 127.0.0.1:\(port): Address already in use\n"), second.stderr)
    }

    func testNonLoopbackAddressNeedsAllowRemote() throws {
        let r = try LoreProcess.run(["serve", "--http", "0.0.0.0:8080"])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stderr, "lore: --http 0.0.0.0:8080 is not a loopback address: add --allow-remote to serve other machines\n")
    }
}

/// Problems gathered from several threads.
final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ s: String) { lock.withLock { items.append(s) } }
    var all: [String] { lock.withLock { items } }
}
