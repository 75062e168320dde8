/// One scored passage.
public struct Hit: Equatable, Sendable {
    public var passage: Int
    public var score: Float

    /// True when `self` ranks before `other`: higher score, then earlier passage.
    @inline(__always) func ranksBefore(_ other: Hit) -> Bool {
        score > other.score || (score == other.score && passage < other.passage)
    }
}

extension TopK {
    /// A bounded heap of the best k hits seen so far, for scorers that visit passages one by one
    /// in increasing order.
    struct Heap {
        let k: Int
        private(set) var items: [Hit] = []
        init(k: Int) { self.k = k; items.reserveCapacity(k) }
        var count: Int { items.count }
        /// The worst hit kept (valid when count > 0).
        var worst: Hit { items[0] }

        /// Keeps `hit` if it ranks before the worst kept (or the heap is not full).
        mutating func insert(_ hit: Hit) {
            if items.count < k {
                items.append(hit)
                TopK.siftUp(&items, items.count - 1)
            } else if hit.ranksBefore(items[0]) {
                items[0] = hit
                TopK.siftDown(&items, 0)
            }
        }

        func sorted() -> [Hit] { items.sorted { $0.ranksBefore($1) } }
    }
}

/// Exact top-k selection with a bounded heap: O(n log k), ties broken by passage order, so the
/// result equals a full sort by (score descending, passage ascending) cut at k.
public enum TopK {
    /// The best `k` of `scores` with a score above `floor`, best first.
    public static func select(_ scores: UnsafeBufferPointer<Float>, k: Int, above floor: Float = -.infinity) -> [Hit] {
        guard k > 0 else { return [] }
        // heap[0] is the worst hit kept.
        var heap: [Hit] = []
        heap.reserveCapacity(k)
        for i in 0..<scores.count {
            let s = scores[i]
            guard s > floor else { continue }
            if heap.count < k {
                heap.append(Hit(passage: i, score: s))
                siftUp(&heap, heap.count - 1)
            } else if s > heap[0].score {
                // Equal scores never replace: the earlier passage already kept ranks first.
                heap[0] = Hit(passage: i, score: s)
                siftDown(&heap, 0)
            }
        }
        return heap.sorted { $0.ranksBefore($1) }
    }

    public static func select(_ scores: [Float], k: Int, above floor: Float = -.infinity) -> [Hit] {
        scores.withUnsafeBufferPointer { select($0, k: k, above: floor) }
    }

    static func siftUp(_ h: inout [Hit], _ start: Int) {
        var i = start
        while i > 0 {
            let parent = (i - 1) / 2
            guard h[parent].ranksBefore(h[i]) else { return }
            h.swapAt(parent, i)
            i = parent
        }
    }

    static func siftDown(_ h: inout [Hit], _ start: Int) {
        var i = start
        let n = h.count
        while true {
            let l = 2 * i + 1, r = l + 1
            var worst = i
            if l < n, h[worst].ranksBefore(h[l]) { worst = l }
            if r < n, h[worst].ranksBefore(h[r]) { worst = r }
            if worst == i { return }
            h.swapAt(i, worst)
            i = worst
        }
    }
}
