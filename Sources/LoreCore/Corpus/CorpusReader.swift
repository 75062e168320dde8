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
/// and folders are ignored.
public struct CorpusReader: Sendable {
    public static let extensions: Set<String> = ["md", "markdown", "txt"]
    public let root: URL

    public init(root: String) {
        self.root = URL(fileURLWithPath: root, isDirectory: true).standardizedFileURL
    }

    /// The notes under the folder, sorted by path. Throws when the folder is missing.
    public func listFiles() throws -> [NoteFile] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory) else {
            throw LoreError("corpus folder not found: \(root.path)")
        }
        guard isDirectory.boolValue else { throw LoreError("corpus is not a folder: \(root.path)") }
        var files: [NoteFile] = []
        try walk(root.path, relative: "", into: &files)
        files.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        return files
    }

    private func walk(_ dir: String, relative: String, into files: inout [NoteFile]) throws {
        guard let handle = opendir(dir) else {
            throw LoreError("cannot read folder \(dir): \(String(cString: strerror(errno)))")
        }
        defer { closedir(handle) }
        let fd = dirfd(handle)
        var subfolders: [(String, String)] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            guard !name.hasPrefix(".") else { continue }
            let rel = relative.isEmpty ? name : relative + "/" + name
            var st = stat()
            guard fstatat(fd, name, &st, 0) == 0 else { continue }
            if (st.st_mode & S_IFMT) == S_IFDIR {
                subfolders.append((dir + "/" + name, rel))
            } else if (st.st_mode & S_IFMT) == S_IFREG,
                      let ext = name.split(separator: ".").last, name.contains("."),
                      Self.extensions.contains(ext.lowercased()) {
                let mtime = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
                files.append(NoteFile(path: rel, size: Int64(st.st_size), mtimeNanos: mtime))
            }
        }
        for (full, rel) in subfolders { try walk(full, relative: rel, into: &files) }
    }

    /// The text of a note, or an error saying why it cannot be indexed (unreadable, binary,
    /// not UTF-8, empty).
    public func readText(_ file: NoteFile) throws -> (text: String, bytes: Data) {
        let url = root.appendingPathComponent(file.path)
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw LoreError("cannot read \(file.path): \(error.localizedDescription)")
        }
        if data.prefix(8192).contains(0) { throw LoreError("skipped \(file.path): binary file") }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw LoreError("skipped \(file.path): not valid UTF-8")
        }
        if text.allSatisfy(\.isWhitespace) { throw LoreError("skipped \(file.path): empty file") }
        return (text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text, data)
    }
}
