import ArgumentParser
import Foundation
import LoreCommandLine
import LoreCore

/// `lore collection add | list | remove`: named notes folders, so lore works from any folder.
struct CollectionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collection",
        abstract: "Name your notes folders, so lore works on them from any folder.",
        discussion: """
        The list is kept in $XDG_CONFIG_HOME/lore/config.yaml (else ~/.config/lore/config.yaml); each \
        collection's index in $XDG_DATA_HOME/lore/NAME (else ~/.local/share/lore/NAME). The first \
        collection added is the default.
          $ lore collection add notes ~/notes
          $ lore ask --collection notes "what did we decide about caching?"
        """,
        subcommands: [Add.self, List.self, Remove.self]
    )

    /// The collections of the user, from the environment's XDG folders.
    static func registry() throws -> CollectionRegistry {
        CollectionRegistry(folders: try LoreFolders(environment: ProcessInfo.processInfo.environment))
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a collection: a name for a notes folder.")

        @Argument(help: "Its name: ASCII letters, digits, '.', '_' and '-'.")
        var name: String

        @Argument(help: "Its notes folder.")
        var path: String

        func run() throws {
            try reportingErrors {
                let registry = try CollectionCommand.registry()
                let added = try registry.add(name: name, notes: path)
                let role = try registry.list().defaultCollection == added ? " (the default)" : ""
                print("added collection \(name)\(role): notes in \(added.notes), index in \(registry.folders.indexFolder(of: name))")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the collections: name and notes folder, one a line, the default first.")

        func run() throws {
            try reportingErrors {
                let list = try CollectionCommand.registry().list()
                if list.collections.isEmpty { printError("no collections yet: lore collection add NAME PATH adds one") }
                let width = list.collections.map(\.name.count).max() ?? 0
                for c in list.collections {
                    print(c.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + c.notes)
                }
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a collection and its index (the notes stay where they are).")

        @Argument(help: "The collection's name.")
        var name: String

        func run() throws {
            try reportingErrors {
                let removal = try CollectionCommand.registry().remove(name: name)
                var line = "removed collection \(name)"
                if let index = removal.removedIndex { line += " and its index \(index)" }
                if let next = removal.newDefault { line += "; the default is now \(next.name)" }
                print(line)
            }
        }
    }
}
