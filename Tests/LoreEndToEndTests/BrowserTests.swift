import Foundation
import XCTest

/// The search page in a real browser: `lore serve --http`, then headless Chromium driven through
/// chromedriver over the W3C WebDriver protocol (a few JSON requests, below). Skips when
/// chromium or chromedriver is not installed (Debian: apt-get install chromium chromium-driver).
final class BrowserTests: XCTestCase {
    /// Notes that share words, so a question finds several; one passage holds them all.
    static func writeNotes(_ s: Scratch) {
        s.write("notes/stories/zebra.md", """
            # Zebra crossings

            The council painted a quokkafish stripe on every zebra crossing in March.

            ## Cost

            Painting the stripes cost 4,000 euros in all, paid from the road budget.

            """)
        s.write("notes/budget.md", "# Road budget\n\nThe extra road budget for painting was approved by Marta in June.\n")
        s.write("notes/walks.md", "# Walks\n\nOn the morning walk we cross the zebra crossing by the bakery.\n")
        s.write("notes/garden.md", "# Garden\n\nThe fence needs painting before the winter; a stripe of green at the top.\n")
        s.write("notes/studio.md", "# Studio\n\nIt's 39 degrees & the amp hums.\n")
    }

    static func find(_ names: [String]) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            for name in names where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") { return "\(dir)/\(name)" }
        }
        return nil
    }

    func testSearchPageInHeadlessChromium() throws {
        guard let driverPath = Self.find(["chromedriver"]),
              let browserPath = Self.find(["chromium", "chromium-browser", "google-chrome"]) else {
            throw XCTSkip("chromium and chromedriver are not installed (apt-get install chromium chromium-driver): browser test skipped")
        }
        let s = Scratch()
        Self.writeNotes(s)
        let server = try ServedProcess(["serve", "--corpus", "notes", "--index", "index", "--http", "127.0.0.1:0"], in: s.path)
        defer { server.stop() }
        let port = try server.httpPort()

        let driverPort = try Self.freePort()
        let driver = Process()
        driver.executableURL = URL(fileURLWithPath: driverPath)
        driver.arguments = ["--port=\(driverPort)"]
        driver.standardOutput = FileHandle.nullDevice
        driver.standardError = FileHandle.nullDevice
        try driver.run()
        defer { driver.terminate(); driver.waitUntilExit() }
        let wd = WebDriver(port: driverPort)
        try wd.waitUntilReady()

        try wd.newSession(browser: browserPath)
        do {
            try wd.navigate("http://127.0.0.1:\(port)/")
            let input = try wd.element("#q")
            try wd.sendKeys(input, "painting the zebra crossing stripe")
            let titles = try wd.waitForTexts(".result .title", timeout: 15)
            XCTAssertEqual(titles.first, "Zebra crossings", "results: \(titles)")
            XCTAssertGreaterThan(titles.count, 1)
            let seen1 = try wd.texts(".result .where").first
            XCTAssertEqual(seen1, "notes/stories/zebra.md:3-3")
            let seen2 = try wd.texts(".result.selected .title")
            XCTAssertEqual(seen2, ["Zebra crossings"])
            let seen3 = try wd.texts(".result:first-child mark")
            XCTAssertEqual(seen3, ["painted", "stripe", "zebra", "crossing"])
            // Keyboard: down moves the selection, up comes back, Enter opens the whole passage.
            try wd.sendKeys(input, "\u{E015}")
            let seen4 = try wd.texts(".result.selected .title")
            XCTAssertEqual(seen4, [titles[1]])
            try wd.sendKeys(input, "\u{E013}\u{E007}")
            let passage = try wd.waitForTexts(".result.selected pre.passage", timeout: 10)
            XCTAssertEqual(passage, ["The council painted a quokkafish stripe on every zebra crossing in March."])
            let png = try wd.screenshot()
            XCTAssertEqual(Array(png.prefix(4)), [0x89, 0x50, 0x4E, 0x47], "a PNG")
            if let path = ProcessInfo.processInfo.environment["LORE_SCREENSHOT"] {
                try png.write(to: URL(fileURLWithPath: path))
            }
            // The selected result is told to assistive technology.
            XCTAssertEqual(try wd.texts(".result[aria-selected=true] .title"), ["Zebra crossings"])
            // Escape closes the passage, and only that: the question and its results stay.
            try wd.sendKeys(input, "\u{E00C}")
            Thread.sleep(forTimeInterval: 0.5)
            let seen5 = try wd.texts("pre.passage")
            XCTAssertEqual(seen5, [])
            XCTAssertEqual(try wd.texts(".result .title").count, titles.count, "the first Escape keeps the results")
            // A second Escape clears the question and the results.
            try wd.sendKeys(input, "\u{E00C}")
            Thread.sleep(forTimeInterval: 0.5)
            XCTAssertEqual(try wd.texts(".result .title"), [])
            // Text is shown as written, words marked outside HTML's entities ("amp" is a word here).
            try wd.sendKeys(input, "amp hums")
            let snippet = try wd.waitForTexts(".result:first-child .snippet", timeout: 15)
            XCTAssertEqual(snippet, ["It's 39 degrees & the amp hums."])
            XCTAssertEqual(try wd.texts(".result:first-child mark"), ["amp", "hums"])
        } catch {
            try? wd.deleteSession()
            throw error
        }
        try wd.deleteSession()
    }

    static func freePort() throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard ok else { throw POSIXError(.EADDRINUSE) }
        return UInt16(bigEndian: addr.sin_port)
    }
}

/// A tiny W3C WebDriver client: the few commands the page test needs, as JSON over HTTP/1.1.
/// Not URLSession: Foundation's fails on chromedriver's headers, which have no space after the
/// colon ("Failed writing header"), so the requests go over a socket (`RawHTTP`).
final class WebDriver: @unchecked Sendable {
    let port: UInt16
    private var session = ""
    static let elementKey = "element-6066-11e4-a52e-4f735466cecf"

    init(port: UInt16) { self.port = port }

    struct Failure: Error, CustomStringConvertible { var description: String }

    @discardableResult
    func command(_ method: String, _ path: String, _ body: [String: Any]? = nil) throws -> Any {
        let reply = try RawHTTP.request(method, path, port: port, json: try body.map { try JSONSerialization.data(withJSONObject: $0) })
        let object = (try? JSONSerialization.jsonObject(with: reply.body)) as? [String: Any] ?? [:]
        guard reply.status < 400 else { throw Failure(description: "\(method) \(path): \(reply.text.prefix(500))") }
        return object["value"] ?? NSNull()
    }

    func waitUntilReady() throws {
        var last: (any Error)? = nil
        for _ in 0..<100 {
            do {
                if let status = try command("GET", "/status") as? [String: Any], status["ready"] as? Bool == true { return }
            } catch { last = error }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw Failure(description: "chromedriver did not start: \(last.map { "\($0)" } ?? "not ready")")
    }

    func newSession(browser: String) throws {
        let options: [String: Any] = ["binary": browser,
                                      "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                                               "--window-size=900,640", "--hide-scrollbars", "--force-device-scale-factor=1"]]
        let value = try command("POST", "/session", ["capabilities": ["alwaysMatch": ["browserName": "chrome",
                                                                                          "goog:chromeOptions": options]]])
        guard let id = (value as? [String: Any])?["sessionId"] as? String else { throw Failure(description: "no session: \(value)") }
        session = "/session/" + id
    }

    func deleteSession() throws { try command("DELETE", session) }

    func navigate(_ url: String) throws { try command("POST", session + "/url", ["url": url]) }

    func element(_ css: String) throws -> String {
        let value = try command("POST", session + "/element", ["using": "css selector", "value": css])
        guard let id = (value as? [String: Any])?[Self.elementKey] as? String else { throw Failure(description: "no element \(css)") }
        return id
    }

    func sendKeys(_ element: String, _ text: String) throws {
        try command("POST", session + "/element/\(element)/value", ["text": text])
    }

    /// The visible text of every element matching `css`, in document order.
    func texts(_ css: String) throws -> [String] {
        let value = try command("POST", session + "/elements", ["using": "css selector", "value": css])
        var out: [String] = []
        for item in value as? [[String: Any]] ?? [] {
            guard let id = item[Self.elementKey] as? String else { continue }
            out.append(try command("GET", session + "/element/\(id)/text") as? String ?? "")
        }
        return out
    }

    /// `texts(css)` once some element matches, waiting up to `timeout` seconds.
    func waitForTexts(_ css: String, timeout: Double) throws -> [String] {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let found = try texts(css)
            if !found.isEmpty { return found }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw Failure(description: "nothing matched \(css) in \(timeout) s")
    }

    func screenshot() throws -> Data {
        guard let b64 = try command("GET", session + "/screenshot") as? String, let png = Data(base64Encoded: b64) else {
            throw Failure(description: "no screenshot")
        }
        return png
    }
}

