import Foundation
import Yams

/// The named collections of `config.yaml`: each a name and its notes folder (an absolute path);
/// the first is the default. The file is YAML:
///
///     collections:
///       - name: notes
///         notes: /home/me/notes
///
/// Other top-level keys are left alone when reading (and dropped when `lore collection` writes).
public struct CollectionList: Equatable, Sendable {
    public struct Collection: Equatable, Sendable {
        public var name: String
        /// The notes folder, absolute.
        public var notes: String

        public init(name: String, notes: String) {
            self.name = name
            self.notes = notes
        }
    }

    public private(set) var collections: [Collection] = []

    public init(_ collections: [Collection] = []) { self.collections = collections }

    /// The default collection: the first added that is still there.
    public var defaultCollection: Collection? { collections.first }

    public func named(_ name: String) -> Collection? { collections.first { $0.name == name } }

    /// Adds a collection at the end (the first one added is the default).
    public mutating func add(_ collection: Collection) throws {
        try Self.check(name: collection.name)
        guard named(collection.name) == nil else { throw CollectionError.duplicateName(collection.name) }
        collections.append(collection)
    }

    /// Removes the collection `name` and returns it.
    public mutating func remove(_ name: String) throws -> Collection {
        guard let i = collections.firstIndex(where: { $0.name == name }) else {
            throw CollectionError.unknown(name: name, via: "", known: collections.map(\.name))
        }
        return collections.remove(at: i)
    }

    /// A name is a folder name under the data folder: letters, digits, `.`, `_` and `-`, at most
    /// 100 characters, not starting with `.` or `-`.
    public static func check(name: String) throws {
        let allowed = name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)
        }
        guard allowed, (1...100).contains(name.count), !name.hasPrefix("."), !name.hasPrefix("-") else {
            throw CollectionError.invalidName(name)
        }
    }

    // MARK: The file

    /// Reads `file`; a file that is not there is an empty list.
    public static func load(from file: String) throws -> CollectionList {
        guard let data = FileManager.default.contents(atPath: file) else {
            if FileManager.default.fileExists(atPath: file) {
                throw CollectionError.brokenConfig(file: file, problem: "cannot be read")
            }
            return CollectionList()
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CollectionError.brokenConfig(file: file, problem: "not UTF-8 text")
        }
        do { return try CollectionList(yaml: text) } catch let problem as Problem {
            throw CollectionError.brokenConfig(file: file, problem: problem.description)
        }
    }

    /// Writes the list to `file` (through a temporary file renamed into place), creating its folder.
    public func save(to file: String) throws {
        let folder = LoreError.parentFolder(of: file)
        let temporary = file + ".lore-tmp"
        do {
            if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
            try Data(yaml().utf8).write(to: URL(fileURLWithPath: temporary))
            guard rename(temporary, file) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            let problem = LoreError.systemReason(error)
            throw CollectionError.cannotWrite(file: file, problem: problem)
        }
    }

    /// What is wrong with the text of a config file.
    struct Problem: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// Parses the YAML text of a config file.
    init(yaml: String) throws {
        let root: Node?
        do { root = try Yams.compose(yaml: yaml) } catch {
            throw Problem("not valid YAML (\(Self.describe(error)))")
        }
        guard let root, root.null == nil else { return }
        guard case .mapping(let top) = root else { throw Problem("expected a mapping with the key collections") }
        guard let list = top["collections"], list.null == nil else { return }
        guard case .sequence(let items) = list else { throw Problem("collections must be a list") }
        for item in items {
            let at = "line \(item.mark.map { $0.line } ?? 0)"
            guard case .mapping(let entry) = item else { throw Problem("a collection that is not a mapping at \(at)") }
            func text(_ key: String) throws -> String {
                guard let value = entry[key], case .scalar(let s) = value, !s.string.isEmpty else {
                    throw Problem("a collection without \(key) at \(at)")
                }
                return s.string
            }
            let collection = Collection(name: try text("name"), notes: try text("notes"))
            guard collection.notes.hasPrefix("/") else {
                throw Problem("notes of \(collection.name) is not an absolute path: \(collection.notes)")
            }
            do { try add(collection) } catch let error as CollectionError {
                throw Problem("\(error) at \(at)")
            }
        }
    }

    /// The YAML text of the list, with a comment saying what the file is.
    func yaml() -> String {
        let items = collections.map { c -> Node in
            Node.mapping(Node.Mapping([(Node("name"), Node(c.name)), (Node("notes"), Node(c.notes))]))
        }
        let root = Node.mapping(Node.Mapping([(Node("collections"), Node.sequence(Node.Sequence(items)))]))
        let body = (try? Yams.serialize(node: root)) ?? "collections: []\n"
        return """
        # Lore's named collections (lore collection add / remove write this file).
        # Each is a name and its notes folder; the first is the default. Indexes live in the data folder.

        """ + body
    }

    /// The YAML parser's complaint in one line, with its line in the file.
    static func describe(_ error: Error) -> String {
        switch error as? YamlError {
        case .scanner(_, let problem, let mark, _)?, .parser(_, let problem, let mark, _)?, .composer(_, let problem, let mark, _)?:
            return problem.split(whereSeparator: \.isNewline).joined(separator: " ") + " at line \(mark.line)"
        case .reader(let problem, _, _, _)?:
            return problem.split(whereSeparator: \.isNewline).joined(separator: " ")
        case .duplicatedKeysInMapping?:
            return "a key appears twice"
        default:
            return "unreadable"
        }
    }
}
