import Foundation
import XCTest
@testable import LoreCore

/// Named collections: the XDG folders, the config file, the registry and the choice of location.
final class CollectionTests: XCTestCase {
    private var root = ""

    override func setUp() {
        root = NSTemporaryDirectory() + "lore-collections-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: root) }

    private var environment: [String: String] { ["XDG_CONFIG_HOME": root + "/config", "XDG_DATA_HOME": root + "/data"] }

    private func folder(_ relative: String) -> String {
        let path = root + "/" + relative
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    private func writeConfig(_ text: String) {
        _ = folder("config/lore")
        try! text.write(toFile: root + "/config/lore/config.yaml", atomically: false, encoding: .utf8)
    }

    func testFoldersFollowXDGThenHome() throws {
        let xdg = try LoreFolders(environment: ["XDG_CONFIG_HOME": "/c/", "XDG_DATA_HOME": "/d", "HOME": "/h"])
        XCTAssertEqual(xdg.configFile, "/c/lore/config.yaml")
        XCTAssertEqual(xdg.indexFolder(of: "notes"), "/d/lore/notes")
        // Empty or relative values are ignored, as the XDG rules say.
        let home = try LoreFolders(environment: ["XDG_CONFIG_HOME": "", "XDG_DATA_HOME": "rel/data", "HOME": "/home/me/"])
        XCTAssertEqual(home.configFile, "/home/me/.config/lore/config.yaml")
        XCTAssertEqual(home.indexFolder(of: "notes"), "/home/me/.local/share/lore/notes")
        XCTAssertThrowsError(try LoreFolders(environment: ["XDG_DATA_HOME": "/d"])) {
            XCTAssertEqual($0 as? CollectionError, .noHome("XDG_CONFIG_HOME"))
        }
    }

    func testConfigFileIsWrittenAndReadBack() throws {
        let file = root + "/config/lore/config.yaml"
        XCTAssertEqual(try CollectionList.load(from: file), CollectionList())
        var list = CollectionList()
        try list.add(.init(name: "notes", notes: "/home/me/my notes"))
        try list.add(.init(name: "work-2.b_c", notes: "/w: yes #1"))
        try list.save(to: file)
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), """
            # Lore's named collections (lore collection add / remove write this file).
            # Each is a name and its notes folder; the first is the default. Indexes live in the data folder.
            collections:
            - name: notes
              notes: /home/me/my notes
            - name: work-2.b_c
              notes: '/w: yes #1'

            """)
        XCTAssertEqual(try CollectionList.load(from: file), list)
        XCTAssertEqual(list.defaultCollection?.name, "notes")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root + "/config/lore"), ["config.yaml"])
    }

    func testNamesAreFolderNames() throws {
        var list = CollectionList()
        for bad in ["", ".hidden", "-x", "a/b", "a b", "..", "é", String(repeating: "a", count: 101)] {
            XCTAssertThrowsError(try list.add(.init(name: bad, notes: "/n")), bad) {
                XCTAssertEqual($0 as? CollectionError, .invalidName(bad))
            }
        }
        try list.add(.init(name: "a", notes: "/n"))
        XCTAssertThrowsError(try list.add(.init(name: "a", notes: "/m"))) {
            XCTAssertEqual("\($0)", "there is a collection named a already (lore collection remove a first)")
        }
    }

    func testBrokenConfigIsOneLineNamingTheFile() {
        let file = root + "/config/lore/config.yaml"
        let cases: [(String, String)] = [
            ("collections:\n  - name: a\n    notes: [x\n", "not valid YAML (did not find expected ',' or ']' at line 4)"),
            ("- a\n- b\n", "expected a mapping with the key collections"),
            ("collections: 3\n", "collections must be a list"),
            ("collections:\n  - name: a\n", "a collection without notes at line 2"),
            ("collections:\n  - notes: /n\n", "a collection without name at line 2"),
            ("collections:\n  - x\n", "a collection that is not a mapping at line 2"),
            ("collections:\n  - name: a\n    notes: rel\n", "notes of a is not an absolute path: rel"),
            ("collections:\n  - {name: a, notes: /n}\n  - {name: a, notes: /m}\n",
             "there is a collection named a already (lore collection remove a first) at line 3"),
            ("collections:\n  - {name: a/b, notes: /n}\n",
             "collection names are ASCII letters, digits, '.', '_' and '-', not starting with '.' or '-': \"a/b\" at line 2"),
        ]
        for (text, problem) in cases {
            writeConfig(text)
            XCTAssertThrowsError(try CollectionList.load(from: file), text) {
                XCTAssertEqual($0 as? CollectionError, .brokenConfig(file: file, problem: problem))
                XCTAssertFalse("\($0)".contains("\n"))
            }
        }
        XCTAssertEqual("\(CollectionError.brokenConfig(file: file, problem: "collections must be a list"))",
                       "config file \(file) is broken: collections must be a list (fix it, or remove it to start again)")
        // Empty, comments only, or no collections key: no collections.
        for text in ["", "# nothing\n", "collections:\n", "other: 1\n"] {
            writeConfig(text)
            XCTAssertEqual(try CollectionList.load(from: file), CollectionList(), text)
        }
    }

    func testRegistryAddsAbsoluteFoldersAndRemovesIndexes() throws {
        let registry = CollectionRegistry(folders: try LoreFolders(environment: environment))
        _ = folder("notes")
        _ = folder("work")
        XCTAssertEqual(try registry.add(name: "notes", notes: "./notes/", currentFolder: root),
                       .init(name: "notes", notes: root + "/notes"))
        try registry.add(name: "work", notes: root + "/work")
        XCTAssertThrowsError(try registry.add(name: "gone", notes: "gone", currentFolder: root)) {
            XCTAssertEqual($0 as? CollectionError, .notesFolderMissing("gone"))
        }
        XCTAssertEqual(try registry.list().collections.map(\.name), ["notes", "work"])
        _ = folder("data/lore/notes/segments")
        let removal = try registry.remove(name: "notes")
        XCTAssertEqual(removal, .init(collection: .init(name: "notes", notes: root + "/notes"),
                                      removedIndex: root + "/data/lore/notes", newDefault: .init(name: "work", notes: root + "/work")))
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/data/lore/notes"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: root + "/notes"))
        XCTAssertEqual(try registry.remove(name: "work").newDefault, nil)
        XCTAssertThrowsError(try registry.remove(name: "work")) {
            XCTAssertEqual("\($0)", "no collection named work (there are none yet: lore collection add NAME PATH adds one)")
        }
    }

    /// The order: --corpus/--index, --collection, LORE_COLLECTION, ./corpus, the default collection, ./index.
    func testLocationPrecedence() throws {
        let registry = CollectionRegistry(folders: try LoreFolders(environment: environment))
        let empty = folder("empty"), withCorpus = folder("here"), withIndex = folder("indexed")
        _ = folder("here/corpus")
        _ = folder("indexed/index")
        func resolve(corpus: String? = nil, index: String? = nil, collection: String? = nil, env: [String: String] = [:],
                     in place: String) throws -> NotesLocation {
            try NotesLocation.resolve(corpus: corpus, index: index, collection: collection,
                                      environment: environment.merging(env) { $1 }, currentFolder: place)
        }
        let here = NotesLocation(corpus: "corpus", index: "index", source: .currentFolder)
        // No collections yet.
        XCTAssertThrowsError(try resolve(in: empty)) { XCTAssertEqual($0 as? CollectionError, .nothingToSearch) }
        XCTAssertEqual(try resolve(in: withCorpus), here)
        XCTAssertEqual(try resolve(in: withIndex), here)
        XCTAssertThrowsError(try resolve(collection: "notes", in: withCorpus)) {
            XCTAssertEqual("\($0)", "--collection names no collection: notes (there are none yet: lore collection add NAME PATH adds one)")
        }

        try registry.add(name: "notes", notes: folder("n1"))
        try registry.add(name: "work", notes: folder("n2"))
        let notes = NotesLocation(corpus: root + "/n1", index: root + "/data/lore/notes", source: .defaultCollection("notes"))
        let work = NotesLocation(corpus: root + "/n2", index: root + "/data/lore/work", source: .collection("work"))
        XCTAssertEqual(try resolve(in: empty), notes)
        XCTAssertEqual(try resolve(in: withIndex), notes)
        XCTAssertEqual(try resolve(in: withCorpus), here)
        XCTAssertEqual(try resolve(collection: "work", in: withCorpus), work)
        XCTAssertEqual(try resolve(env: ["LORE_COLLECTION": "work"], in: withCorpus), work)
        XCTAssertEqual(try resolve(env: ["LORE_COLLECTION": ""], in: empty), notes)
        XCTAssertEqual(try resolve(collection: "notes", env: ["LORE_COLLECTION": "work"], in: empty).source, .collection("notes"))
        XCTAssertThrowsError(try resolve(env: ["LORE_COLLECTION": "nope"], in: empty)) {
            XCTAssertEqual("\($0)", "LORE_COLLECTION names no collection: nope (collections: notes, work)")
        }
        // Explicit folders win, and do not read the config file (a broken one does not matter).
        writeConfig("collections: [")
        XCTAssertEqual(try resolve(corpus: "a", env: ["LORE_COLLECTION": "work"], in: empty),
                       NotesLocation(corpus: "a", index: "index", source: .options))
        XCTAssertEqual(try resolve(index: "i", in: empty), NotesLocation(corpus: "corpus", index: "i", source: .options))
        XCTAssertEqual(try resolve(in: withCorpus), here)
        XCTAssertThrowsError(try resolve(in: empty)) {
            guard case .brokenConfig? = $0 as? CollectionError else { return XCTFail("\($0)") }
        }
    }

    func testIndexStatus() throws {
        let t = TemporaryCorpus()
        t.write("a.md", "# Walrus\n\nThe walrus eats clams.\n\n## Ice\n\nIt rests on the ice.\n")
        let store = IndexStore(corpus: t.corpus, index: t.index)
        XCTAssertEqual(store.status(), IndexStatus(state: .notBuilt))
        _ = try store.update(rebuild: false)
        var status = store.status()
        XCTAssertEqual(status.state, .upToDate)
        XCTAssertEqual(status.notes, 1)
        XCTAssertEqual(status.passages, 2)
        XCTAssertLessThan(abs(status.built!.timeIntervalSinceNow), 60)
        t.write("b.md", "Okapi.\n")
        XCTAssertEqual(store.status().state, .notesChanged)
        try FileManager.default.removeItem(atPath: t.corpus)
        status = store.status()
        XCTAssertEqual(status.state, .notesMissing)
        XCTAssertEqual(status.notes, 1)
        try Data("not an index".utf8).write(to: URL(fileURLWithPath: t.index + "/" + IndexFile.fileName))
        XCTAssertEqual(store.status().state, .damaged)
    }
}
