import ArgumentParser
import Foundation
import LoreCore

/// Where the notes and the index live: given as folders, or as a named collection.
public struct Locations: ParsableArguments {
    public init() {}

    @Option(help: ArgumentHelp("""
        Notes and index of a collection (see lore collection) (default: $LORE_COLLECTION). Which notes \
        and index are used is chosen in this order: --corpus/--index; \
        --collection or $LORE_COLLECTION; ./corpus and ./index when ./corpus exists; the default \
        collection (the first added); ./corpus and ./index.
        """, valueName: "name"))
    public var collection: String?

    @Option(help: ArgumentHelp("Folder of notes (.md, .markdown, .txt) (default: ./corpus, or a collection's: see --collection).",
                               valueName: "folder"))
    public var corpus: String?

    @Option(help: ArgumentHelp("Folder holding the built index (default: ./index, or a collection's: see --collection).",
                               valueName: "folder"))
    public var index: String?

    @Flag(help: "Also index what .gitignore and .loreignore leave out, and folders such as node_modules.")
    public var noIgnore = false

    public func validate() throws {
        if collection != nil && (corpus != nil || index != nil) {
            throw ValidationError("--collection does not go with --corpus or --index")
        }
    }

    /// The folders chosen (see `NotesLocation.resolve`).
    public var location: NotesLocation {
        get throws {
            try NotesLocation.resolve(corpus: corpus.map(trimmed), index: index.map(trimmed), collection: collection,
                                      environment: ProcessInfo.processInfo.environment)
        }
    }

    /// The index store of the folders chosen.
    public var store: IndexStore {
        get throws {
            let l = try location
            return IndexStore(corpus: l.corpus, index: l.index, respectIgnores: !noIgnore)
        }
    }

    private func trimmed(_ p: String) -> String {
        p.count > 1 && p.hasSuffix("/") ? String(p.dropLast()) : p
    }
}
