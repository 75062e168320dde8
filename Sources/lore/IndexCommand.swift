import ArgumentParser
import LoreCommandLine
import LoreCore

struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Build the index, or refresh it after notes changed.",
        discussion: """
        Only added and changed notes are read again; deleted notes are dropped.
          $ lore index
          1 changed, 0 added, 0 removed: 4 passages embedded in 9 ms (118 in all)
        """
    )

    // The help lists the groups in this order, the everyday options first.
    @OptionGroup(title: "Build") var build: BuildOptions

    @OptionGroup(title: "Notes and index") var locations: Locations

    @OptionGroup(title: "Index settings (stored with the index)") var schema: SchemaOptions

    func run() throws {
        try reportingErrors {
            let progress = ProgressLine()
            defer { progress.clear() }
            let (_, report) = try locations.store.update(rebuild: build.rebuild, overrides: schema.apply, warn: progress.warn,
                                                         progress: progress.callback)
            progress.clear()
            print(report.summary)
        }
    }
}

struct BuildOptions: ParsableArguments {
    @Flag(help: "Rebuild everything instead of refreshing what changed.")
    var rebuild = false
}
