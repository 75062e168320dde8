import Foundation
import XCTest

/// The index on disk over time: concurrent writers, crashes in the middle of a build, settings
/// changes, and `lore watch`.
final class IndexLifecycleTests: XCTestCase {
    /// A corpus of `files` notes of a few passages each.
    private func writeCorpus(_ s: Scratch, files: Int) {
        for i in 0..<files {
            var note = "# Note \(i)\n\n"
            for p in 0..<3 { note += "## Part \(p)\n\nThe project \(i) report on topic\(i % 37) and item\(p) with budget \(i * 7 + p).\n\n" }
            s.write(String(format: "notes/%02d/n%05d.md", i % 50, i), note)
        }
    }

    /// kill -9 during builds never leaves an index that answers wrongly or fails: the next ask
    /// answers from the old index or after a rebuild.
    func testKillDuringBuildNeverBreaksTheIndex() throws {
        let s = Scratch()
        writeCorpus(s, files: 3000)
        let args = ["--corpus", s.path + "/notes", "--index", s.path + "/index"]
        var rng = SystemRandomNumberGenerator()
        for round in 0..<6 {
            if round == 3 { s.write("notes/00/n00000.md", "# Note 0\n\nThe okapi ledger was rewritten.\n") }
            let process = Process()
            process.executableURL = LoreProcess.executable
            process.arguments = ["index", "--rebuild"] + args
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32.random(in: 20_000...900_000, using: &rng))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let r = try LoreProcess.run(["ask", "project 1234 report", "--json", "-k", "1"] + args)
            XCTAssertEqual(r.status, 0, "round \(round): \(r.stderr)")
            let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
            let top = (object["results"] as! [[String: Any]]).first?["source"] as? String
            XCTAssertEqual(top, s.path + "/notes/34/n01234.md", "round \(round)")
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: s.path + "/index").filter { $0.hasSuffix(".lore-tmp") }
        XCTAssertEqual(leftovers, [], "temporary files of killed builds are cleaned up by the next build")
        let okapi = try LoreProcess.run(["ask", "okapi ledger", "-k", "1"] + args)
        XCTAssertTrue(okapi.stdout.contains("n00000.md"), okapi.stdout)
    }

    /// A second writer waits for the first (the lock is held here by the test itself).
    func testSecondWriterWaitsForTheLock() throws {
        let s = Scratch()
        s.write("notes/a.md", "# A\n\nalpha\n")
        try FileManager.default.createDirectory(atPath: s.path + "/index", withIntermediateDirectories: true)
        let fd = open(s.path + "/index/.lock", O_RDWR | O_CREAT, 0o644)
        XCTAssertEqual(flock(fd, LOCK_EX), 0)
        let errPath = s.path + "/stderr"
        FileManager.default.createFile(atPath: errPath, contents: nil)
        let process = Process()
        process.executableURL = LoreProcess.executable
        process.arguments = ["index", "--corpus", s.path + "/notes", "--index", s.path + "/index"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        try process.run()
        usleep(700_000)
        XCTAssertTrue(process.isRunning, "the second writer waits")
        XCTAssertFalse(FileManager.default.fileExists(atPath: s.path + "/index/lore.idx"))
        flock(fd, LOCK_UN)
        close(fd)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        XCTAssertEqual(try String(contentsOfFile: errPath, encoding: .utf8),
                       "lore: another lore is writing \(s.path)/index; waiting for it\n")
        XCTAssertTrue(FileManager.default.fileExists(atPath: s.path + "/index/lore.idx"))
    }

    /// Settings are stored with the index; asking with other settings rebuilds it.
    func testSettingsAreStoredAndAChangeRebuilds() throws {
        let s = Scratch()
        s.write("notes/a.md", "# A\n\nThe walrus budget.\n")
        let args = ["--corpus", s.path + "/notes", "--index", s.path + "/index"]
        XCTAssertEqual(try LoreProcess.run(["index", "--dimension-bits", "12"] + args).status, 0)
        var r = try LoreProcess.run(["ask", "walrus"] + args)
        XCTAssertEqual(r.stderr, "", "the stored 2^12 settings are used as they are")
        r = try LoreProcess.run(["ask", "walrus", "--dimension-bits", "16"] + args)
        XCTAssertTrue(r.stderr.hasPrefix("lore: settings changed: rebuilding the index\n"), r.stderr)
        r = try LoreProcess.run(["ask", "walrus"] + args)
        XCTAssertEqual(r.stderr, "")
        XCTAssertTrue(r.stdout.contains("walrus"))
    }

    /// `lore watch` refreshes after edits, one line each, and stops cleanly on SIGINT.
    func testWatchRefreshesAndStopsOnInterrupt() throws {
        let s = Scratch()
        s.write("notes/a.md", "# A\n\nalpha\n")
        let outPath = s.path + "/stdout"
        FileManager.default.createFile(atPath: outPath, contents: nil)
        let process = Process()
        process.executableURL = LoreProcess.executable
        process.arguments = ["watch", "--corpus", s.path + "/notes", "--index", s.path + "/index"]
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        process.standardError = FileHandle.nullDevice
        try process.run()
        func lines() -> [String] {
            ((try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }
        func wait(for count: Int) {
            let deadline = Date().addingTimeInterval(20)
            while lines().count < count, Date() < deadline { usleep(50_000) }
        }
        wait(for: 1)
        s.write("notes/b.md", "# B\n\nbeta\n")
        wait(for: 2)
        s.write("notes/a.md", "# A\n\nalpha and more\n")
        wait(for: 3)
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        let out = lines()
        XCTAssertEqual(out.count, 3, "\(out)")
        XCTAssertTrue(out[0].hasPrefix("0 changed, 1 added, 0 removed: 1 passage embedded"), out[0])
        // Below `exactRefitBelow` passages each refresh fits the latent basis again: a full build.
        XCTAssertTrue(out[1].hasPrefix("0 changed, 1 added, 0 removed: 2 passages embedded"), out[1])
        XCTAssertTrue(out[2].hasPrefix("1 changed, 0 added, 0 removed: 2 passages embedded"), out[2])
    }

    /// An index folder given as a one-letter relative name that does not exist yet is created
    /// there (Foundation's `deletingLastPathComponent` crashed on such a name).
    func testOneLetterIndexFolderIsCreated() throws {
        let s = Scratch()
        s.write("notes/w.md", "# W\n\nwalrus tusk\n")
        for name in ["i", "j/"] {
            let r = try LoreProcess.run(["ask", "walrus", "--files", "--corpus", "notes", "--index", name], in: s.path)
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(r.stdout, "notes/w.md\n")
            XCTAssertTrue(FileManager.default.fileExists(atPath: s.path + "/" + name + (name.hasSuffix("/") ? "" : "/") + "lore.idx"))
        }
    }
}
