import ArgumentParser
import Foundation
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
            let (path, lines) = try Self.parse(target)
            let text = try NoteReader(corpus: try locations.store.corpusPath).read(path)
            // Lines as the splitter numbers them (\n, \r\n or \r end one).
            var all = NoteSplitter.lines(text)
            if all.last == "" { all.removeLast() }
            let range = lines ?? 1...max(all.count, 1)
            guard range.lowerBound >= 1, range.lowerBound <= all.count else {
                throw LoreError("\(path) has \(all.count) lines: line \(range.lowerBound) is not one of them")
            }
            for line in all[(range.lowerBound - 1)..<min(range.upperBound, all.count)] { print(line) }
        }
    }

    /// PATH[:LINE[-LINE]]: the path and the line range, if any.
    static func parse(_ target: String) throws -> (String, ClosedRange<Int>?) {
        guard let colon = target.lastIndex(of: ":"), target[target.index(after: colon)...].first?.isNumber == true else {
            return (target, nil)
        }
        let path = String(target[..<colon])
        let spec = target[target.index(after: colon)...].split(separator: "-", maxSplits: 1)
        guard let first = Int(spec[0]), first >= 1, let last = spec.count > 1 ? Int(spec[1]) : first, last >= first else {
            throw ValidationError("lines must be LINE or FIRST-LAST, counted from 1: \(target)")
        }
        return (path, first...last)
    }
}
