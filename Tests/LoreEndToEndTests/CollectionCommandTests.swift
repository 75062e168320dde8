import Foundation
import XCTest

/// Named collections through the built binary: `lore collection add | list | remove`, `lore
/// status`, and which notes `ask`, `get`, `index` use from a folder without `corpus/`.
final class CollectionCommandTests: XCTestCase {
    /// A scratch folder with two notes folders, and the XDG folders inside it.
    private func setUp(_ s: Scratch) -> [String: String] {
        s.write("notes/walrus.md", "# Walrus\n\nThe walrus eats clams on the ice.\n")
        s.write("work/okapi.md", "# Okapi\n\nThe okapi lives in the forest.\n")
        s.write("elsewhere/readme.txt", "not a notes folder of anyone\n")
        return ["XDG_CONFIG_HOME": s.path + "/config", "XDG_DATA_HOME": s.path + "/data"]
    }

    private func run(_ args: [String], _ s: Scratch, in folder: String = "elsewhere", _ env: [String: String]) throws -> LoreProcess.Outcome {
        try LoreProcess.run(args, in: s.path + "/" + folder, environment: env)
    }

    func testCollectionsAreAddedListedUsedAndRemoved() throws {
        let s = Scratch()
        let env = setUp(s)
        var r = try run(["collection", "list"], s, env)
        XCTAssertEqual([r.status], [0])
        XCTAssertEqual(r.stdout, "")
        XCTAssertEqual(r.stderr, "lore: no collections yet: lore collection add NAME PATH adds one\n")
        r = try run(["ask", "walrus"], s, env)
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stderr, "lore: no notes folder here (./corpus) and no collection: give --corpus PATH, or add one with lore collection add NAME PATH\n")

        r = try run(["collection", "add", "notes", "../notes"], s, env)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "added collection notes (the default): notes in \(s.path)/notes, index in \(s.path)/data/lore/notes\n")
        r = try run(["collection", "add", "work", s.path + "/work/"], s, env)
        XCTAssertEqual(r.stdout, "added collection work: notes in \(s.path)/work, index in \(s.path)/data/lore/work\n")
        r = try run(["collection", "add", "work", s.path + "/notes"], s, env)
        XCTAssertEqual([r.status], [2])
        XCTAssertEqual(r.stderr, "lore: there is a collection named work already (lore collection remove work first)\n")
        r = try run(["collection", "add", "gone", "nowhere"], s, env)
        XCTAssertEqual(r.stderr, "lore: notes folder not found: nowhere\n")
        r = try run(["collection", "list"], s, env)
        XCTAssertEqual(r.stdout, "notes  \(s.path)/notes\nwork   \(s.path)/work\n")
        XCTAssertEqual(try String(contentsOfFile: s.path + "/config/lore/config.yaml", encoding: .utf8), """
            # Lore's named collections (lore collection add / remove write this file).
            # Each is a name and its notes folder; the first is the default. Indexes live in the data folder.
            collections:
            - name: notes
              notes: \(s.path)/notes
            - name: work
              notes: \(s.path)/work

            """)

        r = try run(["status"], s, env)
        XCTAssertEqual(r.stdout, """
            notes (default)
              notes folder  \(s.path)/notes
              index folder  \(s.path)/data/lore/notes
              not built
            work
              notes folder  \(s.path)/work
              index folder  \(s.path)/data/lore/work
              not built
            here, lore ask uses collection notes

            """)

        // From a folder without corpus/: the default collection; --collection and LORE_COLLECTION choose another.
        r = try run(["ask", "walrus", "--files"], s, env)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "\(s.path)/notes/walrus.md\n")
        XCTAssertEqual(r.stderr, """
            lore: no index in \(s.path)/data/lore/notes yet: building it
            lore: 0 changed, 1 added, 0 removed: 1 passage embedded in
            """ + r.stderr.split(separator: "embedded in", maxSplits: 1).last!)
        r = try run(["ask", "okapi", "--files", "--collection", "work"], s, env)
        XCTAssertEqual(r.stdout, "\(s.path)/work/okapi.md\n")
        r = try run(["ask", "okapi", "--files"], s, env.merging(["LORE_COLLECTION": "work"]) { $1 })
        XCTAssertEqual(r.stdout, "\(s.path)/work/okapi.md\n")
        r = try run(["get", "okapi.md:3"], s, env.merging(["LORE_COLLECTION": "work"]) { $1 })
        XCTAssertEqual(r.stdout, "The okapi lives in the forest.\n")
        r = try run(["get", "walrus.md:3"], s, env)
        XCTAssertEqual(r.stdout, "The walrus eats clams on the ice.\n")
        r = try run(["index", "--collection", "work"], s, env)
        XCTAssertEqual(r.stdout, "index is up to date: 1 passage from 1 note\n")

        // Explicit folders win over LORE_COLLECTION.
        r = try run(["ask", "walrus", "--files", "--corpus", "../notes", "--index", "../index"], s,
                    env.merging(["LORE_COLLECTION": "work"]) { $1 })
        XCTAssertEqual(r.stdout, "../notes/walrus.md\n")
        // A folder with corpus/ in it uses ./corpus and ./index, not the default collection.
        s.write("project/corpus/narwhal.md", "# Narwhal\n\nThe narwhal has a tusk.\n")
        r = try run(["ask", "narwhal", "--files"], s, in: "project", env)
        XCTAssertEqual(r.stdout, "corpus/narwhal.md\n")
        XCTAssertTrue(FileManager.default.fileExists(atPath: s.path + "/project/index/lore.idx"))
        r = try run(["status"], s, in: "project", env)
        XCTAssertTrue(r.stdout.hasSuffix("\nhere, lore ask uses ./corpus and ./index\n"), r.stdout)
        let counts = r.stdout.split(separator: "\n").filter { $0.hasPrefix("  1 note, 1 passage, built ") }
        XCTAssertEqual(counts.count, 2, r.stdout)
        XCTAssertTrue(counts.allSatisfy { $0.hasSuffix(" s ago (up to date)") }, r.stdout)

        r = try run(["status", "--json"], s, env)
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let collections = object["collections"] as! [[String: Any]]
        XCTAssertEqual(collections.map { $0["name"] as! String }, ["notes", "work"])
        XCTAssertEqual(collections.map { $0["default"] as! Bool }, [true, false])
        XCTAssertEqual(collections.map { $0["notes"] as! Int }, [1, 1])
        XCTAssertEqual(collections.map { $0["passages"] as! Int }, [1, 1])
        XCTAssertEqual(collections.map { $0["state"] as! String }, ["up to date", "up to date"])
        XCTAssertEqual(collections.map { $0["index_folder"] as! String }, [s.path + "/data/lore/notes", s.path + "/data/lore/work"])
        XCTAssertEqual(collections.map { $0["notes_folder"] as! String }, [s.path + "/notes", s.path + "/work"])
        XCTAssertEqual(object["config"] as? String, s.path + "/config/lore/config.yaml")
        XCTAssertEqual(object["here"] as? [String: String], ["collection": "notes", "notes_folder": s.path + "/notes",
                                                               "index_folder": s.path + "/data/lore/notes"])
        let age = try XCTUnwrap(collections[0]["age_seconds"] as? Int)
        XCTAssertTrue((0...60).contains(age), "\(age)")

        r = try run(["collection", "remove", "notes"], s, env)
        XCTAssertEqual(r.stdout, "removed collection notes and its index \(s.path)/data/lore/notes; the default is now work\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: s.path + "/data/lore/notes"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: s.path + "/notes/walrus.md"))
        r = try run(["ask", "okapi", "--files"], s, env)
        XCTAssertEqual(r.stdout, "\(s.path)/work/okapi.md\n")
    }

    func testWrongNamesAndBrokenConfigAreOneLine() throws {
        let s = Scratch()
        let env = setUp(s)
        XCTAssertEqual(try run(["collection", "add", "notes", "../notes"], s, env).status, 0)
        var r = try run(["ask", "walrus", "--collection", "nope"], s, env)
        XCTAssertEqual([r.status], [2])
        XCTAssertEqual(r.stderr, "lore: --collection names no collection: nope (collections: notes)\n")
        r = try run(["ask", "walrus"], s, env.merging(["LORE_COLLECTION": "nope"]) { $1 })
        XCTAssertEqual(r.stderr, "lore: LORE_COLLECTION names no collection: nope (collections: notes)\n")
        r = try run(["ask", "walrus", "--collection", "notes", "--corpus", "x"], s, env)
        XCTAssertEqual([r.status], [2])
        XCTAssertEqual(r.stderr, "lore: --collection does not go with --corpus or --index\n")
        r = try run(["collection", "add", "a/b", "../notes"], s, env)
        XCTAssertEqual(r.stderr, "lore: collection names are ASCII letters, digits, '.', '_' and '-', not starting with '.' or '-': \"a/b\"\n")
        r = try run(["collection", "remove", "nope"], s, env)
        XCTAssertEqual(r.stderr, "lore: no collection named nope (collections: notes)\n")
        s.write("a-file.md", "# A file\n")
        r = try run(["collection", "add", "file", "../a-file.md"], s, env)
        XCTAssertEqual(r.stderr, "lore: ../a-file.md is not a folder: a collection's notes are a folder of notes\n")

        let file = s.path + "/config/lore/config.yaml"
        s.write("config/lore/config.yaml", "collections:\n  - name: notes\n    notes: [\n")
        let broken = "lore: config file \(file) is broken: not valid YAML (did not find expected node content at line 4) (fix it, or remove it to start again)\n"
        for args in [["ask", "walrus"], ["status"], ["collection", "list"], ["index", "--collection", "notes"]] {
            r = try run(args, s, env)
            XCTAssertEqual([r.status], [2], "\(args)")
            XCTAssertEqual(r.stderr, broken, "\(args)")
            XCTAssertEqual(r.stdout, "", "\(args)")
        }
        // Explicit folders do not read it.
        r = try run(["ask", "walrus", "--files", "--corpus", "../notes", "--index", "../index"], s, env)
        XCTAssertEqual(r.stdout, "../notes/walrus.md\n")
    }
}
