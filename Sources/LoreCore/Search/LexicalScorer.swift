/// Scores questions with the lexical layer (BM25) over an index's segments: every passage at
/// once (`score`), or the exact top k with MaxScore dynamic pruning (`topK`).
///
/// A question's vector holds each term's count × idf; a passage's score is the sum over the
/// question's terms of that weight × (k1+1) × the passage's saturated count (`LexicalModel`).
public struct LexicalScorer {
    public let statistics: LexicalModel
    let segments: [Segment]
    let bases: [Int]

    public init(_ index: CorpusIndex) {
        self.init(statistics: index.lexical, segments: index.segments)
    }

    init(statistics: LexicalModel, segments: [Segment]) {
        self.statistics = statistics
        self.segments = segments
        bases = CorpusIndex.bases(segments)
    }

    /// Each term's weight with BM25's constant factor k1+1 (postings hold counts only).
    private func weight(_ q: Float) -> Float { q * (statistics.weighting.k1 + 1) }

    /// Sets `scores` (one per slot) to each passage's BM25 score for `query`; dead slots get
    /// -infinity so that no later stage can bring them back.
    public func score(_ query: SparseVector, into scores: UnsafeMutableBufferPointer<Float>) throws {
        for i in scores.indices { scores[i] = 0 }
        let norms = statistics.lengthNorms.buffer.baseAddress!, ratios = statistics.contextRatios.buffer.baseAddress!
        for (s, segment) in segments.enumerated() {
            let out = scores.baseAddress! + bases[s], norm = norms + bases[s], ratio = ratios + bases[s]
            let ids = segment.ids.buffer.baseAddress!, counts = segment.counts.buffer.baseAddress!
            for (f, q) in zip(query.indices, query.values) {
                let qw = weight(q)
                for p in try segment.postings(f) {
                    let i = Int(ids[p])
                    out[i] += qw * LexicalModel.saturate(stored: counts[p], norm[i], ratio[i])
                }
            }
        }
        for i in scores.indices where norms[i] < 0 { scores[i] = -.infinity }
    }

    /// Whether the passage in `slot` holds dimension `f` (a galloping search of its postings).
    func holds(_ f: UInt32, slot: Int) throws -> Bool {
        let s = CorpusIndex.segment(holding: slot, bases: bases)
        let segment = segments[s], local = UInt32(slot - bases[s])
        let r = try segment.postings(f)
        guard !r.isEmpty else { return false }
        let ids = segment.ids.buffer.baseAddress!
        guard let p = Self.gallop(ids, from: r.lowerBound, to: r.upperBound, to: local) else { return false }
        return ids[p] == local
    }

    /// The best `k` live passages for `query` with a score above 0, best first, scored term by
    /// term like `score` (the same sums) but into `accumulator`, so that a question costs its
    /// postings and the passages they reach, not three passes over every passage's score.
    public func top(_ query: SparseVector, k: Int, accumulator: inout ScoreAccumulator) throws -> [Hit] {
        let n = statistics.slots
        accumulator.prepare(slots: n)
        let norms = statistics.lengthNorms.buffer.baseAddress!, ratios = statistics.contextRatios.buffer.baseAddress!
        var touched = 0
        // Damage found mid-way leaves sums behind: the next question starts from fresh zeros.
        do { try accumulator.scores.withUnsafeMutableBufferPointer { scores in
            try accumulator.touched.withUnsafeMutableBufferPointer { list in
                for (s, segment) in segments.enumerated() {
                    let base = bases[s]
                    let out = scores.baseAddress! + base, norm = norms + base, ratio = ratios + base
                    let ids = segment.ids.buffer.baseAddress!, counts = segment.counts.buffer.baseAddress!
                    for (f, q) in zip(query.indices, query.values) {
                        let qw = weight(q)
                        for p in try segment.postings(f) {
                            let i = Int(ids[p])
                            // A score still at zero is touched for the first time (or its sum came
                            // back to exactly zero: then it is listed twice, and read once below).
                            // Without a branch: every posting writes the next free place of the
                            // list (its last place once the list is full), and only a first touch
                            // moves it on.
                            let old = out[i]
                            list[min(touched, n)] = Int32(base + i)
                            touched += old == 0 ? 1 : 0
                            out[i] = old + qw * LexicalModel.saturate(stored: counts[p], norm[i], ratio[i])
                        }
                    }
                }
            }
        } } catch {
            accumulator.scores = []
            throw error
        }
        var heap = TopK.Heap(k: k)
        accumulator.scores.withUnsafeMutableBufferPointer { scores in
            // Each score is read and zeroed once: the accumulator is all zeros again afterwards.
            func take(_ i: Int) {
                let score = scores[i]
                guard score != 0 else { return }
                scores[i] = 0
                if score > 0 && norms[i] >= 0 { heap.insert(Hit(passage: i, score: score)) }
            }
            if touched <= n {
                for t in accumulator.touched[0..<touched] { take(Int(t)) }
            } else {
                for i in 0..<n { take(i) }  // more listings than slots: read them all
            }
        }
        return heap.sorted()
    }

    public func score(_ query: SparseVector, into scores: inout [Float]) throws {
        try scores.withUnsafeMutableBufferPointer { try score(query, into: $0) }
    }

    /// The exact top `k` live passages for `query` (scores above 0), by MaxScore (Turtle and
    /// Flood, "Query evaluation: strategies and optimizations", 1995), segment after segment:
    /// terms are ordered by their largest possible contribution, and once the k-th best score
    /// exceeds what the weakest terms can add together, passages that only those terms hold are
    /// never visited; those terms are looked up (by galloping search) only for passages the
    /// others bring up. A passage's score is summed in the question's term order, exactly as
    /// `score` computes it.
    public func topK(_ query: SparseVector, k: Int) throws -> [Hit] {
        guard k > 0, !query.isEmpty else { return [] }
        let plan = MaxScorePlan(query, statistics: statistics, weight: weight)
        var heap = TopK.Heap(k: k)
        var cursors = MaxScoreCursors(count: plan.order.count)
        defer { cursors.deallocate() }
        for (s, segment) in segments.enumerated() {
            try cursors.start(segment, plan)
            try scoreSegment(segment, base: bases[s], plan, &cursors, &heap)
        }
        return heap.sorted()
    }

    /// Visits the passages of one segment that can still enter the top k.
    private func scoreSegment(_ segment: Segment, base: Int, _ plan: MaxScorePlan, _ c: inout MaxScoreCursors,
                              _ heap: inout TopK.Heap) throws {
        let m = plan.order.count
        let ids = segment.ids.buffer.baseAddress!, counts = segment.counts.buffer.baseAddress!
        let norm = statistics.lengthNorms.buffer.baseAddress! + base
        let ratio = statistics.contextRatios.buffer.baseAddress! + base
        let floor = seedFloor(plan, c, k: heap.k, ids: ids, counts: counts, norm: norm, ratio: ratio)
        var threshold = max(heap.count == heap.k ? heap.worst.score : 0, floor)
        var firstEssential = plan.firstEssential(above: threshold, full: heap.count == heap.k || floor > 0)
        // Each essential term's next passage (UInt32.max once its postings are done).
        for i in 0..<m { c.next[i] = c.cursor[i] < c.end[i] ? ids[c.cursor[i]] : UInt32.max }
        while true {
            // The next passage any essential term holds.
            var doc = UInt32.max
            for i in firstEssential..<m { doc = min(doc, c.next[i]) }
            if doc == UInt32.max { break }
            let kd = norm[Int(doc)], r = ratio[Int(doc)]
            var estimate: Float = 0
            var held = 0
            for i in firstEssential..<m where c.next[i] == doc {
                let p = c.cursor[i]
                let v = c.weight[i] * LexicalModel.saturate(stored: counts[p], kd, r)
                c.contribution[i] = v
                c.held[held] = i
                held += 1
                estimate += v
                c.cursor[i] = p + 1
                c.next[i] = p + 1 < c.end[i] ? ids[p + 1] : UInt32.max
            }
            // Non-essential terms, strongest first, while the passage can still make it.
            var pruned = kd < 0
            var i = firstEssential - 1
            while i >= 0 && !pruned {
                if estimate + plan.prefix[i] <= threshold { pruned = true; break }
                if let p = Self.gallop(ids, from: c.cursor[i], to: c.end[i], to: doc) {
                    c.cursor[i] = p
                    if ids[p] == doc {
                        let v = c.weight[i] * LexicalModel.saturate(stored: counts[p], kd, r)
                        c.contribution[i] = v
                        c.held[held] = i
                        held += 1
                        estimate += v
                    }
                } else {
                    c.cursor[i] = c.end[i]
                }
                i -= 1
            }
            guard !pruned else { continue }
            let score = c.sumInQuestionOrder(held, plan)
            if score > threshold || (heap.count < heap.k && score > 0) {
                heap.insert(Hit(passage: base + Int(doc), score: score))
                if heap.count == heap.k {
                    threshold = max(threshold, heap.worst.score)
                    firstEssential = max(firstEssential, plan.firstEssential(above: threshold, full: true))
                }
            }
        }
    }

    /// A floor under the k-th best score of a segment's passages, so that MaxScore prunes from
    /// its first passage on instead of waiting for its heap to fill with whatever comes first.
    /// The k passages where the question's strongest term weighs most are scored in full (each
    /// term looked up), and the least of their scores is a floor. Scoring 2k and taking their
    /// k-th best gave a higher floor that did not pay for the k more seeds: at 100k generated
    /// passages the lexical mean was 0.0545 ms with k seeds against 0.0567 with 2k (three runs
    /// each, alternated, 100 passes over the 1000 bench questions). 0 when the strongest term's
    /// list is too long to read whole for this, or holds fewer than k live passages. The floor is
    /// set a hair under that score, so that the passages scoring it are still taken in, ties
    /// broken as always.
    private func seedFloor(_ plan: MaxScorePlan, _ c: MaxScoreCursors, k: Int, ids: UnsafePointer<UInt32>,
                           counts: UnsafePointer<Int16>, norm: UnsafePointer<Float>, ratio: UnsafePointer<Float>) -> Float {
        let m = plan.order.count
        let strongest = m - 1
        let lo = c.cursor[strongest], hi = c.end[strongest]
        guard m > 1, hi - lo >= k, hi - lo <= Self.seedListLength else { return 0 }
        var seeds = TopK.Heap(k: k)
        let w = c.weight[strongest]
        for p in lo..<hi {
            let kd = norm[Int(ids[p])]
            guard kd >= 0 else { continue }
            seeds.insert(Hit(passage: Int(ids[p]), score: w * LexicalModel.saturate(stored: counts[p], kd, ratio[Int(ids[p])])))
        }
        guard seeds.count == k else { return 0 }
        // The places in question order, so that each seed's score is summed as `score` sums it.
        let places = (0..<m).sorted { plan.order[$0] < plan.order[$1] }
        var least = Float.infinity
        for seed in seeds.items {
            let doc = UInt32(seed.passage), kd = norm[seed.passage], r = ratio[seed.passage]
            var sum: Float = 0
            for i in places {
                guard let p = Self.gallop(ids, from: c.cursor[i], to: c.end[i], to: doc), ids[p] == doc else { continue }
                sum += c.weight[i] * LexicalModel.saturate(stored: counts[p], kd, r)
            }
            guard sum > 0 else { return 0 }
            least = min(least, sum)
        }
        return least * (1 - 1e-5) - 1e-9
    }

    /// The longest list of a question's strongest term that `seedFloor` reads whole. At 100k
    /// generated passages (`lore bench`), lists of up to 256, 1024 and 4096 postings all took the
    /// lexical p50 from 0.065-0.072 ms to 0.050-0.058 ms, within each other's noise.
    static let seedListLength = 1024

    /// The first position in `ids[from..<to]` (increasing) holding a value ≥ `doc`, found by
    /// doubling steps then bisection; nil when there is none.
    @inline(__always) static func gallop(_ ids: UnsafePointer<UInt32>, from: Int, to end: Int, to doc: UInt32) -> Int? {
        guard from < end else { return nil }
        if ids[from] >= doc { return from }
        // ids[lo] < doc throughout; the answer lies in lo+1 ... lo+step (or is end).
        var lo = from, step = 1
        while lo + step < end && ids[lo + step] < doc { lo += step; step *= 2 }
        // Bisection without branches on the data (a conditional move each halving): the first
        // position after lo holding a value ≥ doc among the next `n`.
        var n = min(step, end - lo - 1)
        var base = lo + 1
        while n > 1 {
            let half = n / 2
            base = ids[base + half - 1] < doc ? base + half : base
            n -= half
        }
        if n == 1 && ids[base] < doc { base += 1 }
        return base < end ? base : nil
    }
}

/// A question's terms for MaxScore: ordered by their largest possible contribution, ascending,
/// with the running sums of those bounds.
struct MaxScorePlan {
    /// Question term (position in the query) at each place of the order.
    let order: [Int]
    /// Weight (count × idf × (k1+1)) at each place.
    let weight: [Float]
    /// prefix[i]: what the terms at places 0...i can add together at most (rounded up).
    let prefix: [Float]
    let dimensions: [UInt32]

    init(_ query: SparseVector, statistics: LexicalModel, weight: (Float) -> Float) {
        let terms = Array(query.indices.indices)
        let w = terms.map { weight(query.values[$0]) }
        let bound = terms.map { t -> Float in
            guard let b = statistics.bounds(query.indices[t]) else { return 0 }
            return max(0, w[t] >= 0 ? w[t] * b.max : w[t] * b.min)
        }
        order = terms.sorted { bound[$0] != bound[$1] ? bound[$0] < bound[$1] : $0 < $1 }
        self.weight = order.map { w[$0] }
        var running: Float = 0
        prefix = order.map { running += bound[$0]; return running * (1 + 1e-5) + 1e-9 }
        dimensions = order.map { query.indices[$0] }
    }

    /// The first place whose terms can, together with the weaker ones, beat `threshold`; the
    /// terms before it are non-essential. All are essential until the heap is `full`.
    func firstEssential(above threshold: Float, full: Bool) -> Int {
        guard full else { return 0 }
        var i = 0
        while i < prefix.count && prefix[i] <= threshold { i += 1 }
        return i
    }
}

/// MaxScore's per-term state, in flat buffers (one entry per place of the plan's order).
struct MaxScoreCursors {
    let cursor: UnsafeMutablePointer<Int>, end: UnsafeMutablePointer<Int>
    /// The passage at each cursor, UInt32.max past the end (kept for the essential terms).
    let next: UnsafeMutablePointer<UInt32>
    /// Each place's weight (the plan's, where the loop reads it without a bounds check).
    let weight: UnsafeMutablePointer<Float>
    let contribution: UnsafeMutablePointer<Float>
    /// Places whose terms the current passage holds.
    let held: UnsafeMutablePointer<Int>
    let count: Int

    init(count: Int) {
        self.count = count
        cursor = .allocate(capacity: count)
        end = .allocate(capacity: count)
        next = .allocate(capacity: count)
        weight = .allocate(capacity: count)
        contribution = .allocate(capacity: count)
        held = .allocate(capacity: count)
        contribution.initialize(repeating: 0, count: count)
    }

    func deallocate() {
        cursor.deallocate()
        end.deallocate()
        next.deallocate()
        weight.deallocate()
        contribution.deallocate()
        held.deallocate()
    }

    /// Each term's postings in `segment` (checked on first use).
    func start(_ segment: Segment, _ plan: MaxScorePlan) throws {
        for i in 0..<count {
            let r = try segment.postings(plan.dimensions[i])
            cursor[i] = r.lowerBound
            end[i] = r.upperBound
            weight[i] = plan.weight[i]
        }
    }

    /// The sum of the `n` held contributions in the question's term order, as `score` adds them
    /// (the places sorted by question term: few, so by insertion).
    func sumInQuestionOrder(_ n: Int, _ plan: MaxScorePlan) -> Float {
        if n > 1 {
            for a in 1..<n {
                let x = held[a]
                var b = a - 1
                while b >= 0 && plan.order[held[b]] > plan.order[x] { held[b + 1] = held[b]; b -= 1 }
                held[b + 1] = x
            }
        }
        var sum: Float = 0
        for a in 0..<n { sum += contribution[held[a]] }
        return sum
    }
}

/// One score per passage slot, zero between questions, and room to list the slots a question
/// touches: what `LexicalScorer.top` sums into. One per searcher (not thread-safe).
public struct ScoreAccumulator {
    var scores: [Float] = []
    var touched: [Int32] = []

    public init() {}

    /// Sizes the arrays for `n` slots (all zero).
    mutating func prepare(slots n: Int) {
        guard scores.count != n else { return }
        scores = [Float](repeating: 0, count: n)
        touched = [Int32](repeating: 0, count: n + 1)  // one more: see `top`
    }
}
