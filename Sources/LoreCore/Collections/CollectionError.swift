/// What can go wrong with named collections and their config file; each is one line for the user.
public enum CollectionError: Error, Equatable, CustomStringConvertible {
    /// The config file is there but cannot be read as a list of collections.
    case brokenConfig(file: String, problem: String)
    /// The config file (or its folder) cannot be written.
    case cannotWrite(file: String, problem: String)
    /// Neither the XDG variable named nor `HOME` is an absolute path.
    case noHome(String)
    /// A collection name that cannot be a folder name.
    case invalidName(String)
    case duplicateName(String)
    /// No collection has this name; `via` says who asked (`--collection`, `LORE_COLLECTION`), if anyone.
    case unknown(name: String, via: String, known: [String])
    /// `lore collection add` given a folder that is not there.
    case notesFolderMissing(String)
    /// `lore collection add` given a file rather than a folder.
    case notAFolder(String)
    /// No location given, no `./corpus`, and no collection to fall back on.
    case nothingToSearch

    public var description: String {
        switch self {
        case .brokenConfig(let file, let problem):
            return "config file \(file) is broken: \(problem) (fix it, or remove it to start again)"
        case .cannotWrite(let file, let problem):
            return "cannot write \(file): \(problem)"
        case .noHome(let variable):
            return "cannot tell where Lore's files go: neither \(variable) nor HOME is an absolute path"
        case .invalidName(let name):
            return "collection names are ASCII letters, digits, '.', '_' and '-', not starting with '.' or '-': \(name.debugDescription)"
        case .duplicateName(let name):
            return "there is a collection named \(name) already (lore collection remove \(name) first)"
        case .unknown(let name, let via, let known):
            let list = known.isEmpty ? "there are none yet: lore collection add NAME PATH adds one"
                : "collections: " + known.joined(separator: ", ")
            return (via.isEmpty ? "no collection named \(name)" : "\(via) names no collection: \(name)") + " (\(list))"
        case .notesFolderMissing(let path):
            return "notes folder not found: \(path)"
        case .notAFolder(let path):
            return "\(path) is not a folder: a collection's notes are a folder of notes"
        case .nothingToSearch:
            return "no notes folder here (./corpus) and no collection: give --corpus PATH, or add one with lore collection add NAME PATH"
        }
    }
}
