import Synchronization

/// One flag per unit of a mapped file (a passage, a posting list, a vector, a basis row): set once
/// the unit's checksum has been checked. The flags are atomic and only go from unset to set (after
/// the check passed): concurrent readers at worst check a unit twice, and one that sees it set
/// sees the check's result.
final class CheckedFlags: @unchecked Sendable {
    private let flags: UnsafeMutablePointer<Atomic<UInt8>>
    private let count: Int

    init(count: Int) {
        self.count = count
        flags = .allocate(capacity: max(count, 1))
        for i in 0..<count { (flags + i).initialize(to: Atomic(0)) }
    }

    deinit {
        flags.deinitialize(count: count)
        flags.deallocate()
    }

    func isSet(_ i: Int) -> Bool { flags[i].load(ordering: .acquiring) != 0 }
    func set(_ i: Int) { flags[i].store(1, ordering: .releasing) }
}
