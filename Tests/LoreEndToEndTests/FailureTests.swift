import Foundation
import XCTest

/// Failures of the system around lore (an index path that is a file or cannot be made, an output
/// that cannot be written, an index of an older format, of another folder, or whose files do not
/// belong together) are one clear line on stderr and exit code 2, never a raw system error.
final class FailureTests: XCTestCase {
    private func assertFails(_ r: LoreProcess.Outcome, message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(r.status, 2, r.stderr, file: file, line: line)
        XCTAssertEqual(r.stdout, "", file: file, line: line)
        XCTAssertEqual(r.stderr, "lore: \(message)\n", file: file, line: line)
    }

    private func notes(_ s: Scratch) -> [String] {
        s.write("notes/walrus.md", "# Walrus budget\n\nThe walrus team asked for more budget.\n")
        s.write("notes/narwhal.md", "# Narwhal roadmap\n\nThe narwhal roadmap moves the launch to autumn.\n")
        return ["--corpus", s.path + "/notes", "--index", s.path + "/index"]
    }

    /// Runs lore as an unprivileged user (through setpriv when the tests run as root, who reads
    /// and writes whatever the permissions say), or nil when that cannot be done here.
    private func unprivileged() throws -> [String] {
        guard getuid() == 0 else { return [] }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else {
            throw XCTSkip("running as root without /usr/bin/setpriv: cannot run lore as another user")
        }
        return ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"]
    }

    func testIndexThatIsAFileIsOneLine() throws {
        let s = Scratch()
        let args = notes(s)
        s.write("index", "not a folder")
        assertFails(try LoreProcess.run(["ask", "walrus"] + args), message: "index \(s.path)/index is not a folder")
        assertFails(try LoreProcess.run(["index"] + args), message: "index \(s.path)/index is not a folder")
    }

    func testIndexThatCannotBeMadeIsOneLine() throws {
        let s = Scratch()
        let args = Array(notes(s).prefix(2))
        assertFails(try LoreProcess.run(["ask", "walrus", "--index", "/proc/nope"] + args),
                    message: "cannot write /proc/nope: No such file or directory")
        assertFails(try LoreProcess.run(["index", "--index", "/proc/nope/deeper"] + args),
                    message: "cannot write /proc/nope: No such file or directory")
    }

    func testIndexUnderAReadOnlyFolderIsOneLine() throws {
        let prefix = try unprivileged()
        let s = Scratch()
        let args = Array(notes(s).prefix(2))
        try FileManager.default.createDirectory(atPath: s.path + "/ro", withIntermediateDirectories: true)
        XCTAssertEqual(chmod(s.path + "/ro", 0o555), 0)
        let r = try LoreProcess.run(["ask", "walrus", "--index", s.path + "/ro/index"] + args, prefix: prefix)
        assertFails(r, message: "cannot write \(s.path)/ro/index: Permission denied")
    }

    func testOutputToAFullDiskIsAnError() throws {
        let s = Scratch()
        let args = notes(s)
        XCTAssertEqual(try LoreProcess.run(["index"] + args).status, 0)
        let full = try XCTUnwrap(FileHandle(forWritingAtPath: "/dev/full"))
        let r = try LoreProcess.run(["ask", "walrus"] + args, output: full)
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stderr, "lore: cannot write the output: No space left on device\n")
        let g = try LoreProcess.run(["get", s.path + "/notes/walrus.md"] + args, output: full)
        XCTAssertEqual(g.status, 2)
        XCTAssertEqual(g.stderr, "lore: cannot write the output: No space left on device\n")
    }

    /// A refresh that cannot be written (a full disk; here a file-size limit, with SIGXFSZ ignored
    /// so that the write fails as ENOSPC would) leaves the last index as it was, and `lore ask`
    /// answers from it with a warning; once there is room, the refresh happens.
    func testAFullDiskWhileRefreshingAnswersFromTheLastIndex() throws {
        let s = Scratch()
        let args = notes(s)
        XCTAssertEqual(try LoreProcess.run(["index"] + args).status, 0)
        let listing = { try FileManager.default.contentsOfDirectory(atPath: s.path + "/index").sorted() }
        let before = try listing()
        s.write("notes/orca.md", "# Orca\n\n" + String(repeating: "The orca pod hunted herring in the fjord. ", count: 300) + "\n")
        let limited = ["/bin/sh", "-c", "trap '' XFSZ; ulimit -f 8; exec \"$0\" \"$@\""]
        // A sanitizer's runtime cannot start under the limit (ThreadSanitizer dies of SIGBUS).
        guard try LoreProcess.run(["--version"], prefix: limited).status == 0 else {
            throw XCTSkip("this build of lore cannot start under a file-size limit (a sanitizer's runtime)")
        }
        let r = try LoreProcess.run(["ask", "walrus", "--files"] + args, prefix: limited)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, s.path + "/notes/walrus.md\n")
        XCTAssertEqual(r.stderr, """
            lore: notes changed since the index was built: refreshing it
            lore: cannot write \(s.path)/index/seg-2.los: File too large: answering from the index as it was built

            """)
        XCTAssertEqual(try listing(), before)
        let again = try LoreProcess.run(["ask", "orca", "--files"] + args)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(again.stdout, s.path + "/notes/orca.md\n")
    }

    /// `lore serve` runs `lore-serve` from lore's own folder; a lore copied without it says so.
    func testServeWithoutTheServerBesideItIsOneLine() throws {
        let s = Scratch()
        let args = notes(s)
        let alone = s.path + "/bin/lore"
        try FileManager.default.createDirectory(atPath: s.path + "/bin", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: LoreProcess.executable.path, toPath: alone)
        // The copy runs in place of the built lore (whose path the shell is given first, and drops).
        let r = try LoreProcess.run(["serve"] + args, prefix: ["/bin/sh", "-c", "shift; exec \"\(alone)\" \"$@\"", "sh"])
        assertFails(r, message: "lore serve runs \(s.path)/bin/lore-serve, which is missing: build it beside lore (swift build -c release builds both)")
    }

    func testOutputToAClosedPipeIsAnError() throws {
        let s = Scratch()
        let args = notes(s)
        XCTAssertEqual(try LoreProcess.run(["index"] + args).status, 0)
        let pipe = Pipe()
        try pipe.fileHandleForReading.close()
        let r = try LoreProcess.run(["ask", "walrus", "--json"] + args, output: pipe.fileHandleForWriting)
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stderr, "lore: cannot write the output: Broken pipe\n")
    }

    // MARK: Older formats

    /// A copy of Tests/Fixtures/old-index-v3 (an index of format version 3 and its notes).
    private func oldIndex() throws -> Scratch {
        let s = Scratch()
        let fixture = LoreProcess.packageRoot.path + "/Tests/Fixtures/old-index-v3"
        for folder in ["index", "notes"] {
            try FileManager.default.copyItem(atPath: fixture + "/" + folder, toPath: s.path + "/" + folder)
        }
        return s
    }

    func testOlderFormatWithoutNotesSaysRebuild() throws {
        let s = try oldIndex()
        let r = try LoreProcess.run(["ask", "walrus", "--corpus", s.path + "/gone", "--index", s.path + "/index"])
        assertFails(r, message: "index \(s.path)/index/lore.idx was built by an older Lore (format version 3; this one reads version 10): run `lore index --rebuild`")
    }

    func testOlderFormatIsRebuiltByAsk() throws {
        let s = try oldIndex()
        let args = ["--corpus", s.path + "/notes", "--index", s.path + "/index"]
        let r = try LoreProcess.run(["ask", "walrus", "budget", "-k", "1", "--files"] + args)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").first.map(String.init),
                       "lore: index \(s.path)/index/lore.idx was built by an older Lore (format version 3; this one reads version 10): rebuilding it")
        XCTAssertEqual(r.stdout, "\(s.path)/notes/walrus.md\n")
        let again = try LoreProcess.run(["ask", "walrus", "budget", "-k", "1", "--files"] + args)
        XCTAssertEqual(again.stderr, "")
        XCTAssertEqual(again.stdout, r.stdout)
    }

    func testOlderFormatIsRebuiltByIndex() throws {
        let s = try oldIndex()
        let r = try LoreProcess.run(["index", "--corpus", s.path + "/notes", "--index", s.path + "/index"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, "lore: index \(s.path)/index/lore.idx was built by an older Lore (format version 3; this one reads version 10): rebuilding it\n")
        XCTAssertTrue(r.stdout.hasPrefix("0 changed, 3 added, 0 removed: 4 passages embedded in "), r.stdout)
    }

    // MARK: Files that do not belong together

    /// With the notes gone, `lore ask QUESTION` reports the damage `problem` of `file` in one line
    /// (exit 2); with them (`args`), it says it rebuilds and answers with `answer` (`--files`).
    private func assertDamageRebuilt(_ s: Scratch, _ question: String, _ args: [String], file: String, problem: String,
                                     answer: String, line: UInt = #line) throws {
        let gone = try LoreProcess.run(["ask", question, "--corpus", s.path + "/gone", "--index", s.path + "/index"])
        XCTAssertEqual(gone.status, 2, line: line)
        XCTAssertEqual(gone.stdout, "", line: line)
        XCTAssertTrue(gone.stderr.hasSuffix("lore: index \(file) is damaged (\(problem)): run `lore index --rebuild` to build it again\n"),
                      gone.stderr, line: line)
        let r = try LoreProcess.run(["ask", question, "--files"] + args)
        XCTAssertEqual(r.status, 0, r.stderr, line: line)
        XCTAssertEqual(r.stderr.split(separator: "\n").first.map(String.init), "lore: index \(file) is damaged (\(problem)): rebuilding it",
                       line: line)
        XCTAssertEqual(r.stdout, answer, line: line)
    }

    /// Two segments of one passage each, swapped on disk: the counts match, the content does not.
    func testSwappedSegmentsAreDamage() throws {
        let s = Scratch()
        s.write("notes/walrus.md", "# Walrus budget\n\nThe walrus team asked for more budget.\n")
        let args = ["--corpus", s.path + "/notes", "--index", s.path + "/index", "--latent-dims", "0"]
        XCTAssertEqual(try LoreProcess.run(["index"] + args).status, 0)
        s.write("notes/narwhal.md", "# Narwhal roadmap\n\nThe narwhal roadmap moves the launch to autumn.\n")
        XCTAssertEqual(try LoreProcess.run(["index"] + args).status, 0)
        let segments = try FileManager.default.contentsOfDirectory(atPath: s.path + "/index").filter { $0.hasSuffix(".los") }.sorted()
        XCTAssertEqual(segments, ["seg-1.los", "seg-2.los"])
        let a = s.path + "/index/seg-1.los", b = s.path + "/index/seg-2.los"
        XCTAssertEqual(rename(a, s.path + "/swap"), 0)
        XCTAssertEqual(rename(b, a), 0)
        XCTAssertEqual(rename(s.path + "/swap", b), 0)

        try assertDamageRebuilt(s, "walrus", args, file: a, problem: "not the segment lore.idx was written with",
                                answer: "\(s.path)/notes/walrus.md\n")
    }

    /// The root of an earlier build put back over a folder where a segment of the same name now
    /// holds other passages (the same count) is damage, not an index.
    func testEarlierRootPutBackIsDamage() throws {
        let s = Scratch()
        s.write("notes/walrus.md", "# Walrus budget\n\nThe walrus team asked for more budget.\n")
        let args = ["--corpus", s.path + "/notes", "--index", s.path + "/index"]
        XCTAssertEqual(try LoreProcess.run(["index"] + args).status, 0)
        let earlier = try Data(contentsOf: URL(fileURLWithPath: s.path + "/index/lore.idx"))
        try FileManager.default.removeItem(atPath: s.path + "/index")
        s.write("notes/walrus.md", "# Narwhal roadmap\n\nThe narwhal roadmap moves the launch to autumn.\n")
        XCTAssertEqual(try LoreProcess.run(["index"] + args).status, 0)
        try earlier.write(to: URL(fileURLWithPath: s.path + "/index/lore.idx"))

        let r = try LoreProcess.run(["ask", "walrus", "--corpus", s.path + "/gone", "--index", s.path + "/index"])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stdout, "")
        XCTAssertTrue(r.stderr.hasSuffix("lore: index \(s.path)/index/seg-1.los is damaged (not the segment lore.idx was written with): run `lore index --rebuild` to build it again\n"), r.stderr)
    }

    /// An earlier root put back while every file it names is still there (a refresh that only
    /// added a segment) is damage too: the folder holds a newer segment it does not name. With
    /// the notes at hand it is rebuilt, and the answer is today's.
    func testEarlierRootPutBackBesideItsOwnSegmentsIsDamage() throws {
        let s = Scratch()
        s.write("notes/walrus.md", "# Walrus budget\n\nThe walrus team asked for more budget.\n")
        let args = ["--corpus", s.path + "/notes", "--index", s.path + "/index"]
        XCTAssertEqual(try LoreProcess.run(["index", "--latent-dims", "0"] + args).status, 0)
        let earlier = try Data(contentsOf: URL(fileURLWithPath: s.path + "/index/lore.idx"))
        s.write("notes/orca.md", "# Orca budget\n\nThe orca team spent its budget.\n")
        XCTAssertEqual(try LoreProcess.run(["index"] + args).status, 0)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: s.path + "/index").sorted(),
                       [".lock", "lore.idx", "seg-1.los", "seg-2.los"])
        try earlier.write(to: URL(fileURLWithPath: s.path + "/index/lore.idx"))

        try assertDamageRebuilt(s, "budget", args, file: s.path + "/index/lore.idx",
                                problem: "seg-2.los is newer than the root and not named by it",
                                answer: "\(s.path)/notes/orca.md\n\(s.path)/notes/walrus.md\n")
    }

    // MARK: Staleness by content

    func testAnotherNotesFolderIsRebuiltWithOneLine() throws {
        let s = Scratch()
        let args = notes(s)
        XCTAssertEqual(try LoreProcess.run(["index"] + args).status, 0)
        s.write("other/sourdough.md", "# Sourdough\n\nFeed the starter twice a day.\n")
        let other = ["--corpus", s.path + "/other", "--index", s.path + "/index"]
        let r = try LoreProcess.run(["ask", "starter", "--files"] + other)
        XCTAssertEqual(r.status, 0, r.stderr)
        let resolved = URL(fileURLWithPath: s.path).resolvingSymlinksInPath().path
        XCTAssertEqual(r.stderr.split(separator: "\n").first.map(String.init),
                       "lore: index \(s.path)/index was built from the notes in \(resolved)/notes, not \(resolved)/other: rebuilding it")
        XCTAssertEqual(r.stdout, "\(s.path)/other/sourdough.md\n")

        let i = try LoreProcess.run(["index"] + args)
        XCTAssertEqual(i.status, 0, i.stderr)
        XCTAssertEqual(i.stderr, "lore: index \(s.path)/index was built from the notes in \(resolved)/other, not \(resolved)/notes: rebuilding it\n")
        XCTAssertTrue(i.stdout.hasPrefix("0 changed, 2 added, 0 removed: 2 passages embedded in "), i.stdout)
    }

    func testUnreadableNoteIsIndexedOnceReadable() throws {
        let prefix = try unprivileged()
        let s = Scratch()
        let args = notes(s)
        s.write("notes/locked.md", "# Locked\n\nThe platypus plan.\n")
        XCTAssertEqual(chmod(s.path, 0o777), 0)
        XCTAssertEqual(chmod(s.path + "/notes/locked.md", 0), 0)
        let first = try LoreProcess.run(["index"] + args, prefix: prefix)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(first.stderr, "lore: skipped locked.md: cannot read it (Permission denied)\n")
        XCTAssertTrue(first.stdout.hasPrefix("0 changed, 3 added, 0 removed: 2 passages embedded in "), first.stdout)

        let still = try LoreProcess.run(["index"] + args, prefix: prefix)
        XCTAssertEqual(still.stderr, "lore: skipped locked.md: cannot read it (Permission denied)\n")
        XCTAssertEqual(still.stdout, "index is up to date: 2 passages from 3 notes\n")

        XCTAssertEqual(chmod(s.path + "/notes/locked.md", 0o644), 0)
        let ask = try LoreProcess.run(["ask", "platypus", "--files"] + args, prefix: prefix)
        XCTAssertEqual(ask.status, 0, ask.stderr)
        XCTAssertTrue(ask.stderr.hasPrefix("lore: notes changed since the index was built: refreshing it\nlore: 1 changed, 0 added, 0 removed: "), ask.stderr)
        XCTAssertEqual(ask.stdout, "\(s.path)/notes/locked.md\n")
        let now = try LoreProcess.run(["index"] + args, prefix: prefix)
        XCTAssertEqual(now.stdout, "index is up to date: 3 passages from 3 notes\n")
    }
}
