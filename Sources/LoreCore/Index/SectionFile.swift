import Foundation

/// The container every index file uses: a 32-byte header (magic, format version, endianness
/// mark, section count, checksum of the section table), a table of tagged sections (offset,
/// length, checksum), and the sections, each on a 64-byte boundary so arrays are used in place
/// from the map. docs/index-format.md documents the bytes.
struct SectionFile {
    static let formatVersion: UInt32 = 10
    static let endianMark: UInt32 = 0x0102_0304

    let file: MappedFile
    let sections: [String: Section]
    /// The checksum of the section table, from the header: it covers every section's offset,
    /// length and checksum, so it names the file's content (the root records it for each file).
    let tableSum: UInt64

    struct Section {
        let range: Range<Int>
        let checksum: UInt64
    }

    var path: String { file.path }

    // MARK: Writing

    /// Writes the sections to a temporary file beside `path`, fsyncs it and renames it over
    /// `path`: a reader sees the old file or the new one. The caller fsyncs the folder once all
    /// files of a commit are in place. Returns the checksum of the section table (`tableSum`).
    @discardableResult
    static func write(_ sections: [(String, any ContiguousBytes)], magic: String, to path: String) throws -> UInt64 {
        let (pieces, tableSum) = layout(sections, magic: magic)
        let temporary = path + ".\(getpid()).lore-tmp"
        let fd = Foundation.open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw LoreError.writeFailed(path: temporary, reason: LoreError.reason()) }
        var ok = true
        var code: Int32 = 0
        for piece in pieces where ok {
            ok = piece.withUnsafeBytes { raw -> Bool in
                var done = 0
                while done < raw.count {
                    let n = Foundation.write(fd, raw.baseAddress! + done, raw.count - done)
                    if n <= 0 { code = n < 0 ? errno : ENOSPC; return false }
                    done += n
                }
                return true
            }
        }
        if ok && fsync(fd) != 0 { ok = false; code = errno }
        if close(fd) != 0 && ok { ok = false; code = errno }
        if ok && rename(temporary, path) != 0 { ok = false; code = errno }
        guard ok else {
            unlink(temporary)
            throw LoreError.writeFailed(path: path, reason: LoreError.reason(code))
        }
        return tableSum
    }

    /// The file as pieces to write one after the other; large arrays are written from where they are.
    static func layout(_ sections: [(String, any ContiguousBytes)], magic: String) -> ([any ContiguousBytes], UInt64) {
        let headerSize = 32, entrySize = 32
        var table = ByteWriter()
        var offset = align(headerSize + entrySize * sections.count)
        var body: [any ContiguousBytes] = []
        for (i, (tag, bytes)) in sections.enumerated() {
            let length = bytes.withUnsafeBytes { $0.count }
            table.data.append(contentsOf: Array(tag.utf8))
            table.u32(0)
            table.u64(UInt64(offset))
            table.u64(UInt64(length))
            table.u64(bytes.withUnsafeBytes { checksum64($0) })
            body.append(bytes)
            // Padding between sections only: the file ends with the last section's last byte.
            guard i + 1 < sections.count else { break }
            let start = align(offset + length)
            body.append(Data(count: start - offset - length))
            offset = start
        }
        var header = ByteWriter()
        header.data.append(Data(magic.utf8))
        header.u32(formatVersion)
        header.u32(endianMark)
        header.u32(UInt32(sections.count))
        header.u32(0)
        let tableSum = checksum64(table.data)
        header.u64(tableSum)
        var head = header.data
        head.append(table.data)
        head.append(Data(count: align(head.count) - head.count))
        return ([head] + body, tableSum)
    }

    static func align(_ n: Int) -> Int { (n + 63) & ~63 }

    // MARK: Reading

    /// Maps `path` and reads its section table; the sections' checksums are checked by `verify`,
    /// when and where the caller needs it.
    static func open(_ path: String, magic: String) throws -> SectionFile {
        #if _endian(big)
        throw LoreError.indexIncompatible(file: path, reason: "this lore runs on a big-endian machine")
        #endif
        let file = try MappedFile(path: path)
        let all = file.bytes(0..<file.size)
        guard file.size >= 32, Data(all[0..<8]) == Data(magic.utf8) else {
            throw LoreError.indexDamaged(file: path, problem: "not a lore index file")
        }
        var header = ByteReader(Data(all[8..<32]), range: 0..<24)
        let version = try header.u32()
        let mark = try header.u32()
        guard mark == endianMark else { throw LoreError.indexIncompatible(file: path, reason: "written with another byte order") }
        guard version == formatVersion else {
            if version < formatVersion { throw LoreError.indexFromOlderLore(file: path, version: version) }
            throw LoreError.indexFromNewerLore(file: path, version: version)
        }
        let count = Int(try header.u32())
        _ = try header.u32()
        let tableSum = try header.u64()
        guard count < 1024, 32 + 32 * count <= file.size else { throw LoreError.indexDamaged(file: path, problem: "bad section table") }
        let tableBytes = Data(all[32..<(32 + 32 * count)])
        guard checksum64(tableBytes) == tableSum else { throw LoreError.indexDamaged(file: path, problem: "section table checksum") }
        var table = ByteReader(tableBytes, range: 0..<tableBytes.count)
        var sections: [String: Section] = [:]
        for _ in 0..<count {
            let tag = String(decoding: try table.bytes(4), as: UTF8.self)
            _ = try table.u32()
            let offset = try table.int(), length = try table.int(), sum = try table.u64()
            guard offset % 64 == 0, offset <= file.size, length <= file.size - offset else {
                throw LoreError.indexDamaged(file: path, problem: "section \(tag) runs past the end of the file (truncated?)")
            }
            sections[tag] = Section(range: offset..<(offset + length), checksum: sum)
        }
        return SectionFile(file: file, sections: sections, tableSum: tableSum)
    }

    func range(_ tag: String) throws -> Range<Int> {
        guard let s = sections[tag] else { throw LoreError.indexDamaged(file: path, problem: "section \(tag) is missing") }
        return s.range
    }

    /// Checks the checksum of each of `tags` (those present).
    func verify(_ tags: [String]) throws {
        for tag in tags {
            guard let s = sections[tag] else { continue }
            guard checksum64(file.bytes(s.range)) == s.checksum else {
                throw LoreError.indexDamaged(file: path, problem: "section \(tag) checksum")
            }
        }
    }

    func reader(_ tag: String) throws -> ByteReader {
        let r = try range(tag)
        return ByteReader(file.data(r), range: 0..<r.count)
    }

    func column<T>(_ tag: String, count: Int? = nil, of: T.Type = T.self) throws -> Column<T> {
        let r = try range(tag)
        guard r.count % MemoryLayout<T>.stride == 0, count == nil || r.count == count! * MemoryLayout<T>.stride else {
            throw LoreError.indexDamaged(file: path, problem: "section \(tag) has the wrong size")
        }
        return Column(file, r)
    }

    func data(_ tag: String) throws -> Data { file.data(try range(tag)) }
}
