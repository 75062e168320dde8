import Foundation

/// The notes folder and index folder a command works on, chosen in this order:
///
/// 1. `--corpus` / `--index` given: those (the other one `corpus` or `index`, as always);
/// 2. else `--collection NAME`, else `LORE_COLLECTION`: that collection;
/// 3. else, when the current folder has a `corpus` folder: `./corpus` and `./index`;
/// 4. else the default collection (the first added);
/// 5. else `./corpus` and `./index` when an index is there; otherwise there is nothing to search.
public struct NotesLocation: Equatable, Sendable {
    public enum Source: Equatable, Sendable {
        /// `--corpus` and/or `--index`.
        case options
        /// Chosen by name (`--collection` or `LORE_COLLECTION`).
        case collection(String)
        /// The default collection.
        case defaultCollection(String)
        /// `./corpus` and `./index`.
        case currentFolder
    }

    public var corpus: String
    public var index: String
    public var source: Source

    public init(corpus: String, index: String, source: Source) {
        self.corpus = corpus
        self.index = index
        self.source = source
    }

    /// The collection's name, when the location is one.
    public var collection: String? {
        switch source {
        case .collection(let name), .defaultCollection(let name): return name
        case .options, .currentFolder: return nil
        }
    }

    /// Chooses the location (see the type's comment). `collection` is `--collection`; the
    /// environment gives `LORE_COLLECTION` and the XDG folders. The config file is read only when
    /// a collection may be chosen, so explicit folders work whatever state it is in.
    public static func resolve(corpus: String?, index: String?, collection: String?,
                               environment: [String: String],
                               currentFolder: String = FileManager.default.currentDirectoryPath) throws -> NotesLocation {
        if corpus != nil || index != nil {
            return NotesLocation(corpus: corpus ?? "corpus", index: index ?? "index", source: .options)
        }
        let fromEnvironment = environment["LORE_COLLECTION"].flatMap { $0.isEmpty ? nil : $0 }
        if let name = collection ?? fromEnvironment {
            let folders = try LoreFolders(environment: environment)
            let list = try CollectionList.load(from: folders.configFile)
            guard let chosen = list.named(name) else {
                throw CollectionError.unknown(name: name, via: collection != nil ? "--collection" : "LORE_COLLECTION",
                                              known: list.collections.map(\.name))
            }
            return NotesLocation(corpus: chosen.notes, index: folders.indexFolder(of: chosen.name), source: .collection(name))
        }
        let here = NotesLocation(corpus: "corpus", index: "index", source: .currentFolder)
        if isFolder(currentFolder + "/corpus") { return here }
        // Without HOME there is no config file, hence no default collection.
        if let folders = try? LoreFolders(environment: environment),
           let chosen = try CollectionList.load(from: folders.configFile).defaultCollection {
            return NotesLocation(corpus: chosen.notes, index: folders.indexFolder(of: chosen.name),
                                 source: .defaultCollection(chosen.name))
        }
        guard isFolder(currentFolder + "/index") else { throw CollectionError.nothingToSearch }
        return here
    }

    static func isFolder(_ path: String) -> Bool {
        var folder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &folder) && folder.boolValue
    }
}
