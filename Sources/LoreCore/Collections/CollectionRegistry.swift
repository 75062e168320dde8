import Foundation

/// The collections of one user: the list in the config file and the indexes in the data folder.
/// What `lore collection add | list | remove` do.
public struct CollectionRegistry: Sendable {
    public let folders: LoreFolders

    public init(folders: LoreFolders) { self.folders = folders }

    /// The collections in the config file (none when there is no file).
    public func list() throws -> CollectionList { try CollectionList.load(from: folders.configFile) }

    /// Adds `name` for the notes folder `path` (relative paths are taken from `currentFolder`)
    /// and returns it, its folder made absolute. The folder must be there.
    @discardableResult
    public func add(name: String, notes path: String,
                    currentFolder: String = FileManager.default.currentDirectoryPath) throws -> CollectionList.Collection {
        var list = try list()
        let absolute = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: currentFolder, isDirectory: true))
            .standardizedFileURL.path
        try CollectionList.check(name: name)
        guard NotesLocation.isFolder(absolute) else {
            throw FileManager.default.fileExists(atPath: absolute) ? CollectionError.notAFolder(path) : CollectionError.notesFolderMissing(path)
        }
        let collection = CollectionList.Collection(name: name, notes: absolute)
        try list.add(collection)
        try list.save(to: folders.configFile)
        return collection
    }

    /// What `remove` did.
    public struct Removal: Equatable, Sendable {
        public var collection: CollectionList.Collection
        /// The index folder removed with it, if it had one.
        public var removedIndex: String?
        /// The default collection after the removal, when the removed one was the default.
        public var newDefault: CollectionList.Collection?
    }

    /// Removes the collection `name` from the list, and its index folder (the notes stay).
    public func remove(name: String) throws -> Removal {
        var list = try list()
        let wasDefault = list.defaultCollection?.name == name
        let removed = try list.remove(name)
        try list.save(to: folders.configFile)
        let index = folders.indexFolder(of: removed.name)
        var removal = Removal(collection: removed, removedIndex: nil, newDefault: wasDefault ? list.defaultCollection : nil)
        if NotesLocation.isFolder(index) {
            do { try FileManager.default.removeItem(atPath: index) } catch {
                throw LoreError.writeFailed(path: index, reason: "collection \(name) removed, but not its index (\(LoreError.systemReason(error)))")
            }
            removal.removedIndex = index
        }
        return removal
    }

    /// The index store of a collection.
    public func store(of collection: CollectionList.Collection, respectIgnores: Bool = true) -> IndexStore {
        IndexStore(corpus: collection.notes, index: folders.indexFolder(of: collection.name), respectIgnores: respectIgnores)
    }
}
