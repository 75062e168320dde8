import Foundation

/// Everything that can go wrong in Lore and is reported to the user instead of crashing: one case
/// per kind of failure, with what the user needs to act on it (the file, what is wrong with it).
/// `description` is the one line the CLI prints; `exitCode` the code it exits with.
public enum LoreError: Error, Equatable, Sendable, CustomStringConvertible {
    // MARK: The index

    /// No index in the folder (`file` is the root that is missing).
    case indexMissing(file: String)
    /// An index file is damaged: truncated, a checksum does not match, a value is impossible,
    /// or it is not the file the root was committed with.
    case indexDamaged(file: String, problem: String)
    /// The file was written by an earlier Lore, in an older format version.
    case indexFromOlderLore(file: String, version: UInt32)
    /// The file was written by a later Lore, in a newer format version.
    case indexFromNewerLore(file: String, version: UInt32)
    /// The file cannot be read by this Lore for another reason (byte order, settings it cannot decode).
    case indexIncompatible(file: String, reason: String)
    /// The index was built from another notes folder than the one given.
    case indexOfAnotherFolder(index: String, builtFrom: String, given: String)
    /// The index path is there but is not a folder.
    case indexNotAFolder(path: String)
    /// The index lock cannot be taken.
    case lockFailed(path: String, reason: String)

    // MARK: Files

    /// A file or folder cannot be written (the index, a result file, a generated corpus).
    case writeFailed(path: String, reason: String)
    /// Standard output cannot be written (a closed pipe, a full disk).
    case outputFailed(reason: String)

    // MARK: The notes

    /// The notes folder is not there (and, with `index`, neither is an index to answer from).
    case notesFolderMissing(folder: String, index: String?)
    /// The notes folder is a file.
    case notesFolderNotAFolder(folder: String)
    /// The notes folder cannot be listed.
    case notesFolderUnreadable(folder: String, reason: String)
    /// A note cannot be read at all (permissions, an I/O error).
    case noteUnreadable(note: String, reason: String)
    /// A note was read but holds nothing to index (binary, bad UTF-16, empty).
    case noteSkipped(note: String, reason: String)
    /// `lore get` was given a path that leads out of the notes folder.
    case noteOutsideFolder(note: String, folder: String)
    /// `lore get` was given a path that names no note.
    case noteNotFound(note: String, folder: String)
    /// `lore get` was given a line the note does not have.
    case lineOutOfRange(note: String, lines: Int, line: Int)
    /// The folder holds no note file.
    case noNotes(folder: String)
    /// Every note was skipped or empty.
    case noText(folder: String)

    // MARK: What the user asked

    /// An option or value out of range or malformed.
    case badOption(String)

    // MARK: Evaluation and benchmarks

    /// A test collection (BEIR format) is missing a file or has a malformed line.
    case badTestCollection(path: String, problem: String)
    /// A folder holds no test collection.
    case noTestCollection(folder: String)
    /// A benchmark run in a child process failed.
    case benchmarkFailed(passages: Int)

    // MARK: Serving

    /// `lore serve` stopped on an error of its transport.
    case serverStopped(reason: String)
    /// `lore serve --http` could not listen on its address (a port in use, an address not of this machine).
    case cannotListen(address: String, reason: String)
    /// `lore serve` found no `lore-serve` beside `lore`.
    case serverMissing(path: String)

    /// The exit code of the CLI: 2 for every error, a bad option or value included (as ripgrep).
    public var exitCode: Int32 { 2 }

    /// Whether this is a failure to write or lock the index folder (a full disk, a read-only
    /// folder): the last commit is still there, whole.
    public var isWriteProblem: Bool {
        switch self {
        case .writeFailed, .lockFailed: return true
        default: return false
        }
    }

    /// True for the problems of an index that a rebuild from the notes cures (damage, an older
    /// or newer format, another notes folder).
    public var isCuredByRebuild: Bool {
        switch self {
        case .indexDamaged, .indexFromOlderLore, .indexFromNewerLore, .indexIncompatible, .indexOfAnotherFolder: return true
        default: return false
        }
    }

    /// What is wrong, without advice.
    var problem: String {
        switch self {
        case .indexMissing(let file): return "no index at \(file)"
        case .indexDamaged(let file, let problem): return "index \(file) is damaged (\(problem))"
        case .indexFromOlderLore(let file, let version):
            return "index \(file) was built by an older Lore (format version \(version); this one reads version \(Self.formatVersion))"
        case .indexFromNewerLore(let file, let version):
            return "index \(file) was built by a newer Lore (format version \(version); this one reads version \(Self.formatVersion))"
        case .indexIncompatible(let file, let reason): return "index \(file) cannot be read by this version of lore (\(reason))"
        case .indexOfAnotherFolder(let index, let builtFrom, let given):
            return "index \(index) was built from the notes in \(builtFrom), not \(given)"
        case .indexNotAFolder(let path): return "index \(path) is not a folder"
        case .lockFailed(let path, let reason): return "cannot lock \(path): \(reason)"
        case .writeFailed(let path, let reason): return "cannot write \(path): \(reason)"
        case .outputFailed(let reason): return "cannot write the output: \(reason)"
        case .notesFolderMissing(let folder, nil): return "notes folder not found: \(folder)"
        case .notesFolderMissing(let folder, let index?): return "notes folder not found: \(folder) (and no index in \(index))"
        case .notesFolderNotAFolder(let folder): return "notes folder \(folder) is not a folder"
        case .notesFolderUnreadable(let folder, let reason): return "cannot read folder \(folder): \(reason)"
        case .noteUnreadable(let note, let reason): return "skipped \(note): cannot read it (\(reason))"
        case .noteSkipped(let note, let reason): return "skipped \(note): \(reason)"
        case .noteOutsideFolder(let note, let folder): return "\(note) is outside the notes folder \(folder)"
        case .noteNotFound(let note, let folder): return "no note \(note) in \(folder)"
        case .lineOutOfRange(let note, let lines, let line): return "\(note) has \(lines) lines: line \(line) is not one of them"
        case .noNotes(let folder): return "no notes in \(folder): Lore indexes .md, .markdown and .txt files"
        case .noText(let folder): return "no text to index in \(folder): every note was skipped or empty"
        case .badOption(let message): return message
        case .badTestCollection(let path, let problem): return "\(path): \(problem)"
        case .noTestCollection(let folder): return "no test collection in \(folder): expected corpus.jsonl there or in its subfolders"
        case .benchmarkFailed(let passages): return "the benchmark at \(passages) passages failed"
        case .serverStopped(let reason): return "the server stopped: \(reason)"
        case .cannotListen(let address, let reason): return "cannot listen on \(address): \(reason)"
        case .serverMissing(let path): return "lore serve runs \(path), which is missing: build it beside lore (swift build -c release builds both)"
        }
    }

    /// The one line for the user: what is wrong and, for the index, what to run.
    public var description: String {
        switch self {
        case .indexMissing: return problem + ": run `lore index` to build it"
        case .indexDamaged: return problem + ": run `lore index --rebuild` to build it again"
        case .indexFromOlderLore, .indexFromNewerLore, .indexIncompatible, .indexOfAnotherFolder:
            return problem + ": run `lore index --rebuild`"
        default: return problem
        }
    }

    /// The line said when Lore cures the problem itself by rebuilding.
    public var rebuildingDescription: String { problem + ": rebuilding it" }

    /// The format version this Lore reads and writes.
    static var formatVersion: UInt32 { SectionFile.formatVersion }

    /// Creates `folder` and its parents as needed; `writeFailed` with the system's reason (such
    /// as "Not a directory" for a file in the way) when it cannot.
    public static func makeFolder(_ folder: String) throws {
        var st = stat()
        if stat(folder, &st) == 0 {
            guard (st.st_mode & S_IFMT) == S_IFDIR else { throw LoreError.writeFailed(path: folder, reason: reason(ENOTDIR)) }
            return
        }
        let parent = parentFolder(of: folder)
        if !parent.isEmpty, parent != folder, stat(parent, &st) != 0, errno == ENOENT {
            try makeFolder(parent)
        }
        guard mkdir(folder, 0o755) == 0 || errno == EEXIST else { throw LoreError.writeFailed(path: folder, reason: reason()) }
        guard stat(folder, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
            throw LoreError.writeFailed(path: folder, reason: reason(ENOTDIR))
        }
    }

    /// The folder that holds `path` ("" for a name with no slash; "/" for a child of the root),
    /// trailing slashes ignored. Written out rather than NSString's `deletingLastPathComponent`,
    /// which crashed on a one-letter relative name ("i") in Foundation on Linux.
    public static func parentFolder(of path: String) -> String {
        var bytes = Array(path.utf8)
        while bytes.count > 1, bytes.last == UInt8(ascii: "/") { bytes.removeLast() }
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return "" }
        var end = slash
        while end > 0, bytes[end - 1] == UInt8(ascii: "/") { end -= 1 }
        return end == 0 ? "/" : String(decoding: bytes[..<end], as: UTF8.self)
    }

    /// Runs `body`, which writes `path` through Foundation: a failure becomes `writeFailed` with
    /// the system's reason, not Foundation's sentence.
    public static func writing<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as LoreError { throw error } catch {
            throw LoreError.writeFailed(path: path, reason: systemReason(error))
        }
    }

    /// The system's reason for a Foundation error (its POSIX error's text when it has one).
    public static func systemReason(_ error: any Error) -> String {
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain { return reason(Int32(ns.code)) }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return reason(Int32(underlying.code))
        }
        if ns.domain == NSCocoaErrorDomain {
            switch CocoaError.Code(rawValue: ns.code) {
            case .fileNoSuchFile, .fileReadNoSuchFile: return reason(ENOENT)
            case .fileWriteNoPermission, .fileReadNoPermission: return reason(EACCES)
            case .fileWriteOutOfSpace: return reason(ENOSPC)
            case .fileWriteVolumeReadOnly: return reason(EROFS)
            case .fileWriteFileExists: return reason(EEXIST)
            default: break
            }
        }
        return ns.localizedDescription
    }

    /// The text of the C library's `errno` value `code`.
    static func reason(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }
}
