import Foundation

/// One note file found in the corpus folder, with what the manifest records of it.
public struct NoteFile: Equatable, Sendable {
    /// Path relative to the corpus folder, `/`-separated.
    public var path: String
    public var size: Int64
    /// Modification time in nanoseconds since 1970.
    public var mtimeNanos: Int64
}

/// Finds and reads the notes under a corpus folder: `.md`, `.markdown` and `.txt` files, in
/// byte order of their relative paths (so every build sees the same passage order). Hidden files
/// and folders are ignored; so are, unless `respectIgnores` is false, what `.gitignore` and
/// `.loreignore` files in the folder and its subfolders name (see `IgnoreRules`) and the folders
/// of `ignoredFolders`.
public struct CorpusReader: Sendable {
    public static let extensions: Set<String> = ["md", "markdown", "txt"]
    public let root: URL
    /// Honour ignore files and skip `ignoredFolders` (false: `--no-ignore`).
    public let respectIgnores: Bool

    public init(root: String, respectIgnores: Bool = true) {
        self.root = URL(fileURLWithPath: root, isDirectory: true).standardizedFileURL
        self.respectIgnores = respectIgnores
    }

    /// Folders left out by default, wherever they are (with `respectIgnores`): they hold other
    /// people's files, not notes. Hidden files and folders (`.git`, `.venv`, …) are always left out.
    public static let ignoredFolders: Set<String> = ["node_modules", "bower_components", "__pycache__"]

    /// The files whose rules a folder's listing follows (with `respectIgnores`), in the order
    /// they apply.
    static let ignoreFiles = [".gitignore", ".loreignore"]

    /// `listFiles`, with what it would have said kept beside the notes: a listing made once and
    /// used by the freshness check and the build that may follow.
    public func listing() throws -> NoteListing {
        var warnings: [String] = []
        let files = try listFiles { warnings.append($0) }
        return NoteListing(files: files, warnings: warnings)
    }

    /// The notes under the folder, sorted by path. Throws when the folder itself is missing or
    /// unreadable; a subfolder that cannot be read and a symbolic link that leads back into a
    /// folder being walked are passed to `warn` (one line naming them) and left out.
    public func listFiles(warn: (String) -> Void = { _ in }) throws -> [NoteFile] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory) else {
            throw LoreError.notesFolderMissing(folder: root.path, index: nil)
        }
        guard isDirectory.boolValue else { throw LoreError.notesFolderNotAFolder(folder: root.path) }
        var st = stat()
        guard stat(root.path, &st) == 0 else {
            throw LoreError.notesFolderUnreadable(folder: root.path, reason: LoreError.reason())
        }
        // Folder by folder, a level of the tree at a time: the folders of a level are listed in
        // parallel (a folder's system calls are most of its time), and a level of one folder
        // has its entries' stats made in parallel instead (a folder of 100k notes).
        var files: [NoteFile] = []
        var level = [Folder(path: root.path, relative: "", ancestors: [FolderID(st)], rules: [])]
        while !level.isEmpty {
            let listings = level.count == 1
                ? [try list(level[0], parallelStats: true)]
                : try concurrentMap(level.count) { i in Result { try list(level[i], parallelStats: false) } }.map { try $0.get() }
            level = []
            for listing in listings {
                listing.warnings.forEach(warn)
                files += listing.files
                level += listing.subfolders
            }
        }
        files.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        return files
    }

    /// A folder's identity on disk: the same folder reached again through a link has the same one.
    struct FolderID: Equatable {
        var device: UInt64
        var inode: UInt64
        init(_ st: stat) {
            device = UInt64(st.st_dev)
            inode = UInt64(st.st_ino)
        }
    }

    /// A folder to list: where it is, the folders that lead to it and the ignore rules in force.
    private struct Folder {
        var path: String
        var relative: String
        var ancestors: [FolderID]
        var rules: [IgnoreRules]
    }

    /// What one folder holds: its notes, the subfolders to list next, and the warnings it gave.
    private struct Listing {
        var files: [NoteFile] = []
        var subfolders: [Folder] = []
        var warnings: [String] = []
    }

    /// Lists one folder. Throws only for the root folder; any other folder that cannot be read
    /// is a warning.
    private func list(_ folder: Folder, parallelStats: Bool) throws -> Listing {
        var listing = Listing()
        let (dir, relative) = (folder.path, folder.relative)
        guard let handle = opendir(dir) else {
            let why = String(cString: strerror(errno))
            if relative.isEmpty { throw LoreError.notesFolderUnreadable(folder: dir, reason: why) }
            listing.warnings.append("skipped \(relative): cannot read the folder (\(why))")
            return listing
        }
        defer { closedir(handle) }
        let fd = dirfd(handle)
        var entries: [[UInt8]] = []
        var ignoreFiles: [String] = []
        while let entry = readdir(handle) {
            let bytes = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
            if bytes.first != UInt8(ascii: ".") { entries.append(bytes) }
            else if respectIgnores, let name = Self.ignoreFiles.first(where: { $0.utf8.elementsEqual(bytes) }) { ignoreFiles.append(name) }
        }
        // Byte order, so warnings and the walk come out the same on every run (compared as bytes:
        // a folder of 100k notes sorts its names several times faster than as Strings).
        entries.sort { $0.lexicographicallyPrecedes($1) }
        let names = entries.map { String(decoding: $0, as: UTF8.self) }
        // Only the ignore files the folder holds are read: a folder of notes rarely has either.
        let rules = folder.rules + Self.rules(in: dir, relative: relative, files: ignoreFiles)
        func ignored(_ rel: String, isDirectory: Bool) -> Bool { respectIgnores && Self.ignores(rules, rel, isDirectory: isDirectory) }
        // Every entry's stat (or errno).
        func look(_ i: Int) -> (stat, Int32) {
            var st = stat()
            return fstatat(fd, names[i], &st, 0) == 0 ? (st, 0) : (st, errno)
        }
        let looks = parallelStats && names.count >= 256 ? concurrentMap(names.count, look) : names.indices.map(look)
        for (name, (st, code)) in zip(names, looks) {
            let rel = relative.isEmpty ? name : relative + "/" + name
            let isNote = Self.hasNoteExtension(name)
            guard code == 0 else {
                if code == ELOOP { listing.warnings.append("skipped \(rel): symbolic link loop") }
                else if isNote { listing.warnings.append("skipped \(rel): cannot read it (\(String(cString: strerror(code))))") }
                continue
            }
            if (st.st_mode & S_IFMT) == S_IFDIR {
                if respectIgnores && Self.ignoredFolders.contains(name) { continue }
                if ignored(rel, isDirectory: true) { continue }
                let id = FolderID(st)
                if folder.ancestors.contains(id) {
                    listing.warnings.append("skipped \(rel): symbolic link loop")
                    continue
                }
                listing.subfolders.append(Folder(path: dir + "/" + name, relative: rel, ancestors: folder.ancestors + [id], rules: rules))
            } else if (st.st_mode & S_IFMT) == S_IFREG, isNote, !ignored(rel, isDirectory: false) {
                let mtime = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
                listing.files.append(NoteFile(path: rel, size: Int64(st.st_size), mtimeNanos: mtime))
            }
        }
        return listing
    }

    /// The rules of the ignore files of folder `dir` (`relative` to the notes folder) that `files`
    /// names, in the order they apply (a .loreignore rule overrides a .gitignore one).
    private static func rules(in dir: String, relative: String, files: [String]) -> [IgnoreRules] {
        ignoreFiles.filter(files.contains).compactMap { file in
            guard let data = FileManager.default.contents(atPath: dir + "/" + file),
                  let text = String(data: data, encoding: .utf8) else { return nil }
            return IgnoreRules(base: relative, text: text)
        }
    }

    /// Whether `rules` leave out `relative` (the last rule with a verdict decides).
    private static func ignores(_ rules: [IgnoreRules], _ relative: String, isDirectory: Bool) -> Bool {
        var verdict = false
        for r in rules { if let v = r.verdict(relative, isDirectory: isDirectory) { verdict = v } }
        return verdict
    }

    /// Whether a file name ends in one of the notes' `extensions` (any case).
    static func hasNoteExtension(_ name: String) -> Bool {
        name.lastIndex(of: ".").map { extensions.contains(name[name.index(after: $0)...].lowercased()) } ?? false
    }

    /// Whether the listing takes the file at `relative` (`/`-separated, under the folder) as a
    /// note: no hidden part and no `..`, a note's extension, no folder of `ignoredFolders` on the
    /// way, named by no ignore rule of the folders it is in, and a file (a link is followed, as
    /// the listing follows it). What `lore get` may read is what `lore ask` may show.
    public func admits(_ relative: String) -> Bool {
        let parts = relative.split(separator: "/").map(String.init)
        guard let name = parts.last, Self.hasNoteExtension(name),
              !parts.contains(where: { $0.hasPrefix(".") }) else { return false }
        var dir = root.path, rel = "", rules: [IgnoreRules] = []
        for (i, part) in parts.enumerated() {
            if respectIgnores { rules += Self.rules(in: dir, relative: rel, files: Self.ignoreFiles) }
            rel = rel.isEmpty ? part : rel + "/" + part
            dir += "/" + part
            let isFolder = i < parts.count - 1
            if respectIgnores, isFolder && Self.ignoredFolders.contains(part) || Self.ignores(rules, rel, isDirectory: isFolder) {
                return false
            }
        }
        var st = stat()
        return stat(dir, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
    }

    /// The text of a note, the bytes it was read from and a line to show when it was not UTF-8
    /// (see `TextDecoding`), or an error saying why it cannot be indexed: `noteUnreadable` when
    /// its bytes cannot be read, `noteSkipped` when they are not text (binary, bad UTF-16, empty).
    public func readText(_ file: NoteFile) throws -> (text: String, bytes: Data, notice: String?) {
        let data: Data
        do throws(ErrorCode) { data = try Self.readFile(root.path + "/" + file.path) } catch {
            throw LoreError.noteUnreadable(note: file.path, reason: LoreError.reason(error.code))
        }
        let decoded: (text: String, encoding: TextDecoding)
        do throws(TextDecoding.Problem) { decoded = try TextDecoding.decode(data) } catch {
            throw LoreError.noteSkipped(note: file.path, reason: error.description)
        }
        if decoded.text.allSatisfy(\.isWhitespace) { throw LoreError.noteSkipped(note: file.path, reason: "empty file") }
        let notice = decoded.encoding == .utf8 ? nil
            : decoded.encoding == .windows1252 ? "read \(file.path) as Windows-1252: not valid UTF-8"
            : "read \(file.path) as \(decoded.encoding.name)"
        return (decoded.text, data, notice)
    }

    /// The folder's absolute path with symbolic links resolved: what an index records of the
    /// folder it was built from.
    public var resolvedRoot: String {
        guard let p = realpath(root.path, nil) else { return root.path }
        defer { free(p) }
        return String(cString: p)
    }

    /// Whether the note at `path` (relative) can be opened for reading now.
    public func canRead(_ path: String) -> Bool {
        let fd = open(root.path + "/" + path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        close(fd)
        return true
    }

    /// An `errno` value, as thrown by `readFile`.
    public struct ErrorCode: Error { public var code: Int32 }

    /// The bytes of the file at `path`, read with the C library so a failure has its `errno`.
    public static func readFile(_ path: String) throws(ErrorCode) -> Data {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ErrorCode(code: errno) }
        defer { close(fd) }
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ErrorCode(code: errno)
            }
            if n == 0 { return data }
            data.append(contentsOf: chunk[0..<n])
        }
    }
}

/// The notes of a folder, sorted by path, and one line for each part of it left out.
public struct NoteListing: Sendable {
    public var files: [NoteFile]
    public var warnings: [String]
}
