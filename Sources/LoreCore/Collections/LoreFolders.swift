import Foundation

/// Where Lore keeps its own files, after the XDG Base Directory rules: the collections file in
/// `$XDG_CONFIG_HOME/lore/config.yaml` (else `~/.config/lore/config.yaml`), each collection's
/// index in `$XDG_DATA_HOME/lore/NAME/` (else `~/.local/share/lore/NAME/`). A variable that is
/// empty or holds a relative path is ignored, as the rules say.
public struct LoreFolders: Equatable, Sendable {
    /// The folder holding `config.yaml`.
    public let configFolder: String
    /// The folder holding one index folder per collection.
    public let dataFolder: String

    public init(configFolder: String, dataFolder: String) {
        self.configFolder = configFolder
        self.dataFolder = dataFolder
    }

    /// The folders for `environment` (the process's, usually). Throws when neither the XDG
    /// variable nor `HOME` gives an absolute path.
    public init(environment: [String: String]) throws {
        func base(_ variable: String, home relative: String) throws -> String {
            if let value = environment[variable], value.hasPrefix("/") { return Self.trimmed(value) }
            guard let home = environment["HOME"], home.hasPrefix("/") else { throw CollectionError.noHome(variable) }
            return Self.trimmed(home) + "/" + relative
        }
        configFolder = try base("XDG_CONFIG_HOME", home: ".config") + "/lore"
        dataFolder = try base("XDG_DATA_HOME", home: ".local/share") + "/lore"
    }

    /// The collections file.
    public var configFile: String { configFolder + "/config.yaml" }

    /// The index folder of the collection `name`.
    public func indexFolder(of name: String) -> String { dataFolder + "/" + name }

    private static func trimmed(_ path: String) -> String {
        var p = Substring(path)
        while p.count > 1 && p.hasSuffix("/") { p = p.dropLast() }
        return String(p)
    }
}
