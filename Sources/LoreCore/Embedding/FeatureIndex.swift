/// Positions of a set of hashed features: feature → its place in a list, with open addressing and
/// linear probing. Features are MurmurHash3 bits, already well mixed, so a lookup costs one or two
/// probes. With features spread over up to 2^31 dimensions, per-feature statistics live in arrays
/// as long as the features actually used, and this finds a feature's place in them.
struct FeatureIndex: Sendable {
    /// UInt32.max marks an empty slot (no feature has bit 31 set: see `HashedEmbedder.feature`).
    static let empty = UInt32.max
    private var keys: [UInt32]
    private var positions: [Int32]
    private var mask: Int

    /// The positions of `features` (distinct, below 2^31): feature i is at position i.
    init<C: Collection>(_ features: C) where C.Element == UInt32 {
        self.init(unique: features)!
    }

    /// The positions of `features` (below 2^31), or nil when one repeats (a damaged list).
    init?<C: Collection>(unique features: C) where C.Element == UInt32 {
        var capacity = 16
        while capacity < features.count * 2 { capacity *= 2 }
        keys = [UInt32](repeating: Self.empty, count: capacity)
        positions = [Int32](repeating: -1, count: capacity)
        mask = capacity - 1
        for (p, f) in features.enumerated() {
            if f == Self.empty { return nil }
            var i = Self.slot(f) & mask
            while keys[i] != Self.empty && keys[i] != f { i = (i + 1) & mask }
            if keys[i] == f { return nil }
            keys[i] = f
            positions[i] = Int32(p)
        }
    }

    @inline(__always) static func slot(_ f: UInt32) -> Int {
        // Spread the low bits: features of small dimension spaces are dense in them.
        Int(truncatingIfNeeded: (UInt64(f) &* 0x9E37_79B9_7F4A_7C15) >> 32)
    }

    /// The position of `feature`, or nil when it is not in the set.
    @inline(__always) func position(_ feature: UInt32) -> Int? {
        var i = Self.slot(feature) & mask
        while true {
            let k = keys[i]
            if k == feature { return Int(positions[i]) }
            if k == Self.empty { return nil }
            i = (i + 1) & mask
        }
    }
}

/// How often each hashed feature occurs, counted with open addressing (one or two probes per
/// feature): for finding the distinct features of millions of postings without a dense array as
/// long as the dimension space.
struct FeatureCounter {
    private var keys: [UInt32]
    private var counts: [Int32]
    private var mask: Int
    private(set) var distinct = 0

    init(capacity: Int = 1 << 12) {
        var c = 16
        while c < capacity { c *= 2 }
        keys = [UInt32](repeating: FeatureIndex.empty, count: c)
        counts = [Int32](repeating: 0, count: c)
        mask = c - 1
    }

    @inline(__always) mutating func add(_ f: UInt32) {
        if (distinct + 1) * 2 > keys.count { grow() }
        var i = FeatureIndex.slot(f) & mask
        while true {
            let k = keys[i]
            if k == f { counts[i] += 1; return }
            if k == FeatureIndex.empty { keys[i] = f; counts[i] = 1; distinct += 1; return }
            i = (i + 1) & mask
        }
    }

    /// Each distinct feature and its count, features increasing.
    func sorted() -> [(feature: UInt32, count: Int32)] {
        var out: [(feature: UInt32, count: Int32)] = []
        out.reserveCapacity(distinct)
        for (k, c) in zip(keys, counts) where k != FeatureIndex.empty { out.append((k, c)) }
        out.sort { $0.feature < $1.feature }
        return out
    }

    private mutating func grow() {
        let oldKeys = keys, oldCounts = counts
        keys = [UInt32](repeating: FeatureIndex.empty, count: oldKeys.count * 2)
        counts = [Int32](repeating: 0, count: oldKeys.count * 2)
        mask = keys.count - 1
        distinct = 0
        for (k, c) in zip(oldKeys, oldCounts) where k != FeatureIndex.empty {
            var i = FeatureIndex.slot(k) & mask
            while keys[i] != FeatureIndex.empty { i = (i + 1) & mask }
            keys[i] = k
            counts[i] = c
            distinct += 1
        }
    }
}
