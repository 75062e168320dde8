/// A map from a token's 64-bit key to the span of its feature codes, with open addressing and
/// linear probing. The keys are already well-mixed hashes, so this costs one or two probes per
/// lookup, several times less than a `Dictionary` (which hashes its keys again).
struct TokenCache {
    private var keys: [UInt64]
    private var spans: [UInt64]
    private(set) var count = 0
    private var mask: Int

    init(capacity: Int = 1 << 16) {
        keys = [UInt64](repeating: 0, count: capacity)
        spans = [UInt64](repeating: 0, count: capacity)
        mask = capacity - 1
    }

    /// Key 0 marks an empty slot, so a real key of 0 is stored as 1 (a harmless merge).
    @inline(__always) private static func slotKey(_ key: UInt64) -> UInt64 { key == 0 ? 1 : key }

    @inline(__always) func span(_ key: UInt64) -> (start: Int, count: Int)? {
        let k = Self.slotKey(key)
        var i = Int(truncatingIfNeeded: k) & mask
        while true {
            let found = keys[i]
            if found == k { return (Int(spans[i] >> 32), Int(spans[i] & 0xFFFF_FFFF)) }
            if found == 0 { return nil }
            i = (i + 1) & mask
        }
    }

    mutating func insert(_ key: UInt64, start: Int, count spanCount: Int) {
        if (count + 1) * 2 > keys.count { grow() }
        let k = Self.slotKey(key)
        var i = Int(truncatingIfNeeded: k) & mask
        while keys[i] != 0 && keys[i] != k { i = (i + 1) & mask }
        if keys[i] == 0 { count += 1 }
        keys[i] = k
        spans[i] = UInt64(start) << 32 | UInt64(spanCount)
    }

    mutating func removeAll() {
        for i in keys.indices { keys[i] = 0 }
        count = 0
    }

    private mutating func grow() {
        let oldKeys = keys, oldSpans = spans
        keys = [UInt64](repeating: 0, count: oldKeys.count * 2)
        spans = [UInt64](repeating: 0, count: oldKeys.count * 2)
        mask = keys.count - 1
        count = 0
        for (k, s) in zip(oldKeys, oldSpans) where k != 0 { insert(k, start: Int(s >> 32), count: Int(s & 0xFFFF_FFFF)) }
    }
}
