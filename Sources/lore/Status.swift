import ArgumentParser
import Foundation
import LoreCommandLine
import LoreCore

/// `lore status`: the collections and the state of their indexes.
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the collections: notes folder, index folder, notes, passages, index age.",
        discussion: """
        Also says which notes lore ask would search from the current folder. Nothing is built.
          $ lore status
        """
    )

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    struct Entry: Encodable {
        var name: String
        var isDefault: Bool
        var notesFolder: String
        var indexFolder: String
        var status: IndexStatus

        enum Keys: String, CodingKey {
            case name, `default`, notes_folder, index_folder, notes, passages, built, age_seconds, state, problem
        }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(name, forKey: .name)
            try c.encode(isDefault, forKey: .default)
            try c.encode(notesFolder, forKey: .notes_folder)
            try c.encode(indexFolder, forKey: .index_folder)
            try c.encode(status.notes, forKey: .notes)
            try c.encode(status.passages, forKey: .passages)
            try c.encode(status.built.map { ISO8601DateFormatter().string(from: $0) }, forKey: .built)
            try c.encode(status.built.map { Int(-$0.timeIntervalSinceNow) }, forKey: .age_seconds)
            try c.encode(status.state.rawValue, forKey: .state)
            try c.encodeIfPresent(status.problem, forKey: .problem)
        }
    }

    struct Here: Encodable {
        var notes_folder: String
        var index_folder: String
        var collection: String?

        enum Keys: String, CodingKey { case notes_folder, index_folder, collection }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(notes_folder, forKey: .notes_folder)
            try c.encode(index_folder, forKey: .index_folder)
            try c.encode(collection, forKey: .collection)
        }
    }

    struct Report: Encodable {
        var config: String
        var collections: [Entry]
        var here: Here?

        enum Keys: String, CodingKey { case config, collections, here }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(config, forKey: .config)
            try c.encode(collections, forKey: .collections)
            try c.encode(here, forKey: .here)
        }
    }

    func run() throws {
        try reportingErrors {
            let environment = ProcessInfo.processInfo.environment
            let registry = CollectionRegistry(folders: try LoreFolders(environment: environment))
            let list = try registry.list()
            let entries = list.collections.map { c in
                let store = registry.store(of: c)
                return Entry(name: c.name, isDefault: c == list.defaultCollection, notesFolder: c.notes,
                             indexFolder: store.indexPath, status: store.status())
            }
            // What a command without location options would use here (nothing when there is none).
            let here: Here?
            do {
                let l = try NotesLocation.resolve(corpus: nil, index: nil, collection: nil, environment: environment)
                here = Here(notes_folder: l.corpus, index_folder: l.index, collection: l.collection)
            } catch CollectionError.nothingToSearch {
                here = nil
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
                let report = Report(config: registry.folders.configFile, collections: entries, here: here)
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
                return
            }
            if entries.isEmpty { print("no collections yet: lore collection add NAME PATH adds one") }
            for e in entries {
                print(e.name + (e.isDefault ? " (default)" : ""))
                print("  notes folder  \(e.notesFolder)")
                print("  index folder  \(e.indexFolder)")
                print("  " + Self.describe(e.status))
            }
            if let here {
                let shown = { (path: String) in path.hasPrefix("/") ? path : "./" + path }
                let what = here.collection.map { "collection \($0)" }
                    ?? "\(shown(here.notes_folder)) and \(shown(here.index_folder))"
                print("here, lore ask uses \(what)")
            } else {
                print("here, lore ask has no notes: no ./corpus and no collection")
            }
        }
    }

    /// One line: counts, age and state.
    static func describe(_ s: IndexStatus) -> String {
        switch s.state {
        case .notBuilt: return "not built"
        case .damaged: return "index damaged: \(s.problem ?? "")"
        default:
            var parts = [count(s.notes ?? 0, "note"), count(s.passages ?? 0, "passage")]
            if let built = s.built { parts.append("built " + age(-built.timeIntervalSinceNow)) }
            return parts.joined(separator: ", ") + " (\(s.state.rawValue))"
        }
    }

    /// "1 note", "2 notes".
    static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

    /// "12 s ago", "4 min ago", "3 h ago", "2 days ago".
    static func age(_ seconds: Double) -> String {
        let s = max(0, Int(seconds))
        if s < 60 { return "\(s) s ago" }
        if s < 3600 { return "\(s / 60) min ago" }
        if s < 48 * 3600 { return "\(s / 3600) h ago" }
        return "\(s / 86400) days ago"
    }
}
