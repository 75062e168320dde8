import Foundation

/// Appends little-endian values to a byte buffer (the index writer's side of the format).
struct ByteWriter {
    var data = Data()

    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
    mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
    mutating func i64(_ v: Int64) { u64(UInt64(bitPattern: v)) }
    mutating func string(_ s: String) {
        let bytes = Array(s.utf8)
        u32(UInt32(bytes.count))
        data.append(contentsOf: bytes)
    }
    mutating func array<T: FixedWidthInteger>(_ a: [T]) {
        #if _endian(little)
        a.withUnsafeBytes { data.append(contentsOf: $0) }
        #else
        for v in a { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
        #endif
    }
}

/// Reads little-endian values from a byte buffer with bounds checks: a short or damaged buffer
/// throws instead of trapping.
struct ByteReader {
    let data: Data
    var position: Int
    let end: Int

    init(_ data: Data, range: Range<Int>) {
        self.data = data
        position = range.lowerBound
        end = range.upperBound
    }

    struct Truncated: Error {}

    mutating func bytes(_ n: Int) throws -> Data {
        guard n >= 0, position + n <= end else { throw Truncated() }
        defer { position += n }
        return data[data.startIndex + position ..< data.startIndex + position + n]
    }

    mutating func u32() throws -> UInt32 { try withCursor { try $0.u32() } }
    /// A u64 count, size or offset as an Int; one of 2^48 or more is damage (so that sums of a
    /// few never overflow).
    mutating func int() throws -> Int { try withCursor { try $0.int() } }
    mutating func u64() throws -> UInt64 { try withCursor { try $0.u64() } }
    mutating func i64() throws -> Int64 { try withCursor { try $0.i64() } }
    mutating func string() throws -> String { try withCursor { try $0.string() } }

    /// `body` reads on from the current position through a cursor over the bytes in place, and
    /// the reader goes on from where the cursor stopped: for loops over many small values (a
    /// manifest of 100k notes), which would otherwise reach the bytes once a value.
    mutating func withCursor<R>(_ body: (inout ByteCursor) throws -> R) throws -> R {
        let (start, end) = (position, self.end)
        return try data.withUnsafeBytes { raw in
            var cursor = ByteCursor(bytes: raw, position: start, end: end)
            defer { position = cursor.position }
            return try body(&cursor)
        }
    }

    mutating func array<T: FixedWidthInteger>(_ count: Int, of: T.Type = T.self) throws -> [T] {
        let size = MemoryLayout<T>.size
        guard count >= 0, position + count * size <= end else { throw Truncated() }
        var out = [T](repeating: 0, count: count)
        out.withUnsafeMutableBytes { dst in
            _ = data.copyBytes(to: dst, from: data.startIndex + position ..< data.startIndex + position + count * size)
        }
        position += count * size
        #if _endian(big)
        for i in out.indices { out[i] = T(littleEndian: out[i]) }
        #endif
        return out
    }

}

/// Reads little-endian values from bytes in place, with the bounds checks of `ByteReader`
/// (whose `withCursor` makes one, valid only inside its closure).
struct ByteCursor {
    let bytes: UnsafeRawBufferPointer
    var position: Int
    let end: Int

    mutating func u32() throws -> UInt32 { try integer() }
    mutating func int() throws -> Int {
        let v: UInt64 = try integer()
        guard v < 1 << 48 else { throw ByteReader.Truncated() }
        return Int(v)
    }
    mutating func u64() throws -> UInt64 { try integer() }
    mutating func i64() throws -> Int64 { Int64(bitPattern: try integer()) }

    mutating func integer<T: FixedWidthInteger>() throws -> T {
        let size = MemoryLayout<T>.size
        guard position + size <= end else { throw ByteReader.Truncated() }
        let v = bytes.loadUnaligned(fromByteOffset: position, as: T.self)
        position += size
        return T(littleEndian: v)
    }

    mutating func string() throws -> String {
        let n = Int(try u32())
        guard position + n <= end else { throw ByteReader.Truncated() }
        guard let s = String(validating: UnsafeRawBufferPointer(rebasing: bytes[position..<(position + n)]), as: UTF8.self) else {
            throw ByteReader.Truncated()
        }
        position += n
        return s
    }
}

/// The checksum of the index format: four FNV-1a-style lanes over 64-bit little-endian words
/// (word i goes to lane i mod 4; the tail zero-padded into one last word), each lane started from
/// the FNV offset basis XOR the length XOR its number and stepped `h = (h ^ w) * 0x100000001b3;
/// h ^= h >> 29`, then the lanes folded in order the same way. Four lanes let the multiplies
/// overlap (several GB/s). It catches damage, not tampering.
func checksum64(_ data: Data) -> UInt64 {
    data.withUnsafeBytes { checksum64($0) }
}


func checksum64(_ raw: UnsafeRawBufferPointer) -> UInt64 {
    let prime: UInt64 = 0x0000_0100_0000_01B3
    let seed: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(raw.count)
    var h0 = seed, h1 = seed ^ 1, h2 = seed ^ 2, h3 = seed ^ 3
    let words = raw.count / 8
    let blocks = words / 4
    if let base = raw.baseAddress {
        for b in 0..<blocks {
            let p = base + b * 32
            h0 = (h0 ^ UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))) &* prime; h0 ^= h0 >> 29
            h1 = (h1 ^ UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt64.self))) &* prime; h1 ^= h1 >> 29
            h2 = (h2 ^ UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 16, as: UInt64.self))) &* prime; h2 ^= h2 >> 29
            h3 = (h3 ^ UInt64(littleEndian: p.loadUnaligned(fromByteOffset: 24, as: UInt64.self))) &* prime; h3 ^= h3 >> 29
        }
    }
    var lanes = [h0, h1, h2, h3]
    for i in (blocks * 4)..<words {
        let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self))
        lanes[i % 4] = (lanes[i % 4] ^ w) &* prime
        lanes[i % 4] ^= lanes[i % 4] >> 29
    }
    var tail: UInt64 = 0
    for (j, b) in raw[(words * 8)...].enumerated() { tail |= UInt64(b) << (8 * UInt64(j)) }
    var h = seed
    for w in lanes + [tail] {
        h = (h ^ w) &* prime
        h ^= h >> 29
    }
    return h
}
