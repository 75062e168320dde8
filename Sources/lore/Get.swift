import ArgumentParser
import Foundation
import LoreCommandLine
import LoreCore

struct Get: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a note, or a range of its lines, by its path in the notes folder.",
        discussion: """
        The path is the one `lore ask` shows (relative to the notes folder, or starting with it).
          $ lore get stories/hybrid-model-routing.md:29-32
          $ lore get corpus/stories/hybrid-model-routing.md:29
        """
    )

    @Argument(help: "PATH, PATH:LINE or PATH:FIRST-LAST (lines count from 1).")
    var target: String

    @OptionGroup(title: "Notes and index") var locations: Locations

    func run() throws {
        try reportingErrors {
            let (path, lines) = try NotesService.parseTarget(target)
            let note = try NotesService(store: try locations.store).get(path, lines: lines)
            if note.total_lines > 0 { print(note.text) }  // an empty note prints nothing
        }
    }
}
