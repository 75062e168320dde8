import Foundation

/// A file mapped read-only into memory. Pages are read when first touched, so opening a large
/// index costs only what is looked at.
final class MappedFile: @unchecked Sendable {
    let path: String
    let base: UnsafeRawPointer?
    let size: Int

    init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            if errno == ENOENT { throw LoreError.indexMissing(file: path) }
            throw LoreError.indexDamaged(file: path, problem: "cannot be opened: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw LoreError.indexDamaged(file: path, problem: "cannot be read") }
        size = Int(st.st_size)
        guard size > 0 else { base = nil; return }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw LoreError.indexDamaged(file: path, problem: "cannot be mapped: \(String(cString: strerror(errno)))")
        }
        base = UnsafeRawPointer(p)
    }

    deinit { if let base { munmap(UnsafeMutableRawPointer(mutating: base), size) } }

    /// Bytes `range`, in place.
    func bytes(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        guard let base else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count)
    }

    /// Bytes `range` as `Data` that shares the mapping and keeps it alive.
    func data(_ range: Range<Int>) -> Data {
        guard let base, !range.isEmpty else { return Data() }
        return Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base + range.lowerBound), count: range.count,
                    deallocator: .custom { _, _ in withExtendedLifetime(self) {} })
    }
}

/// A read-only array used in place: either held in memory (a fresh build) or a section of a
/// mapped index file (an opened index), so opening copies nothing.
struct Column<T>: @unchecked Sendable {
    let buffer: UnsafeBufferPointer<T>
    private let owner: AnyObject?

    init(_ array: [T]) {
        let box = Storage(array)
        owner = box
        buffer = box.pointer
    }

    /// Elements of a mapped section; the section starts on a 64-byte boundary.
    init(_ file: MappedFile, _ range: Range<Int>) {
        let raw = file.bytes(range)
        owner = file
        buffer = UnsafeBufferPointer(start: raw.baseAddress?.assumingMemoryBound(to: T.self),
                                     count: range.count / MemoryLayout<T>.stride)
    }

    init() { self.init([]) }

    /// `count` elements of its own, set to `value`, then filled by `fill` (the buffer is valid
    /// only during the call): a large column built in place, without an array to copy from.
    init(repeating value: T, count: Int, filling fill: (UnsafeMutableBufferPointer<T>) throws -> Void) rethrows {
        let box = Storage(repeating: value, count: count)
        try fill(UnsafeMutableBufferPointer(mutating: box.pointer))
        owner = box
        buffer = box.pointer
    }

    var count: Int { buffer.count }
    @inline(__always) subscript(i: Int) -> T { buffer[i] }
    var array: [T] { Array(buffer) }

    /// The elements in memory of their own, allocated here and freed with the storage: the
    /// pointer is valid exactly as long as the column that holds the storage (a pointer taken
    /// inside an array's `withUnsafeBufferPointer` must not outlive that closure).
    private final class Storage {
        let pointer: UnsafeBufferPointer<T>
        init(_ array: [T]) {
            let memory = UnsafeMutableBufferPointer<T>.allocate(capacity: array.count)
            _ = memory.initialize(from: array)
            pointer = UnsafeBufferPointer(memory)
        }
        init(repeating value: T, count: Int) {
            let memory = UnsafeMutableBufferPointer<T>.allocate(capacity: count)
            memory.initialize(repeating: value)
            pointer = UnsafeBufferPointer(memory)
        }
        deinit {
            let memory = UnsafeMutableBufferPointer(mutating: pointer)
            _ = memory.deinitialize()
            memory.deallocate()
        }
    }
}

extension Column: ContiguousBytes {
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(buffer))
    }
}
