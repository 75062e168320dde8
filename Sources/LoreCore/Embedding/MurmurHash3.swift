/// MurmurHash3 x86_32 (Austin Appleby's public-domain design), the hash that places terms in
/// the embedding's dimensions. Fixed and documented so that an index is portable: the same term
/// lands in the same dimension on every machine and in every version of the format.
public enum MurmurHash3 {
    /// The 32-bit hash of `bytes` with `seed`.
    public static func x86_32<C: Collection>(_ bytes: C, seed: UInt32) -> UInt32 where C.Element == UInt8 {
        let c1: UInt32 = 0xcc9e_2d51, c2: UInt32 = 0x1b87_3593
        var h = seed
        var k: UInt32 = 0
        var shift: UInt32 = 0
        var length: UInt32 = 0
        for byte in bytes {
            k |= UInt32(byte) << shift
            shift += 8
            length &+= 1
            if shift == 32 {
                k = (k &* c1).rotatedLeft(15) &* c2
                h ^= k
                h = h.rotatedLeft(13) &* 5 &+ 0xe654_6b64
                k = 0
                shift = 0
            }
        }
        if shift > 0 {
            k = (k &* c1).rotatedLeft(15) &* c2
            h ^= k
        }
        h ^= length
        h ^= h >> 16
        h = h &* 0x85eb_ca6b
        h ^= h >> 13
        h = h &* 0xc2b2_ae35
        h ^= h >> 16
        return h
    }

    /// The hash of a string's UTF-8 bytes.
    public static func x86_32(_ string: String, seed: UInt32) -> UInt32 {
        var s = string
        return s.withUTF8 { x86_32($0, seed: seed) }
    }
}

extension UInt32 {
    @inline(__always) func rotatedLeft(_ r: UInt32) -> UInt32 { (self << r) | (self >> (32 - r)) }
}
