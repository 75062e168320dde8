/// A sparse vector: feature indices in increasing order and their values.
public struct SparseVector: Equatable, Sendable {
    public var indices: [UInt32]
    public var values: [Float]

    public init(indices: [UInt32] = [], values: [Float] = []) {
        self.indices = indices
        self.values = values
    }

    public var isEmpty: Bool { indices.isEmpty }
}

/// Many sparse vectors stored back to back (compressed sparse rows): row `i` holds entries
/// `offsets[i]..<offsets[i+1]` of `indices` and `values`.
public struct SparseRows: Equatable, Sendable {
    public var offsets: [Int] = [0]
    public var indices: [UInt32] = []
    public var values: [Float] = []

    public init() {}

    public init(offsets: [Int], indices: [UInt32], values: [Float]) {
        self.offsets = offsets
        self.indices = indices
        self.values = values
    }

    public var count: Int { offsets.count - 1 }
    public var nonzeros: Int { indices.count }

    public mutating func append(_ v: SparseVector) {
        indices.append(contentsOf: v.indices)
        values.append(contentsOf: v.values)
        offsets.append(indices.count)
    }

    public mutating func append(rowsOf other: SparseRows, _ range: Range<Int>) {
        guard !range.isEmpty else { return }
        let lo = other.offsets[range.lowerBound], hi = other.offsets[range.upperBound]
        let shift = indices.count - lo
        indices.append(contentsOf: other.indices[lo..<hi])
        values.append(contentsOf: other.values[lo..<hi])
        for r in range { offsets.append(other.offsets[r + 1] + shift) }
    }

    /// Row `i` as a sparse vector.
    public func row(_ i: Int) -> SparseVector {
        let r = offsets[i]..<offsets[i + 1]
        return SparseVector(indices: Array(indices[r]), values: Array(values[r]))
    }
}
