import Foundation

/// Hands a value to concurrently running closures that write disjoint parts of it.
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// The one way Lore runs work on several cores. Every parallel loop of the library goes through
/// `Parallel.run`, which is the only caller of `DispatchQueue.concurrentPerform`, and which
/// applies the BLAS rule: while its workers run, BLAS calls take one thread each.
enum Parallel {
    /// The cores to fill.
    static var cores: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// `body(w)` for every w in 0..<workers, concurrently, returning when all are done. One
    /// worker runs `body(0)` on the calling thread.
    static func run(_ workers: Int, _ body: (Int) -> Void) {
        guard workers > 1 else {
            if workers == 1 { body(0) }
            return
        }
        BLASThreads.enterParallel()
        defer { BLASThreads.leaveParallel() }
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: workers) { w in shared.value(w) }
        }
    }

    /// `body(range)` over `0..<n` cut into one contiguous range per worker, at most one worker per
    /// core and per `minimum` items.
    static func chunks(_ n: Int, minimum: Int = 1, _ body: (Range<Int>) -> Void) {
        let workers = max(1, min(cores, n / max(minimum, 1)))
        run(workers) { w in body((w * n / workers)..<((w + 1) * n / workers)) }
    }
}

/// `body(i, state)` for every i in 0..<count, on all cores, results in the order of i. Worker w
/// takes i = w, w + workers, …, and makes its `state` (an embedder, a searcher) once.
func concurrentMap<State, T>(_ count: Int, workers: Int = Parallel.cores,
                             state: (Int) -> State, _ body: (Int, State) -> T) -> [T] {
    let workers = max(1, min(workers, count))
    let results = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
    results.initialize(repeating: nil)
    defer { _ = results.deinitialize(); results.deallocate() }
    Parallel.run(count == 0 ? 0 : workers) { w in
        let s = state(w)
        for i in stride(from: w, to: count, by: workers) { results[i] = body(i, s) }
    }
    return results.map { $0! }
}

/// `body(i)` for every i in 0..<count, on all cores, results in the order of i.
func concurrentMap<T>(_ count: Int, _ body: (Int) -> T) -> [T] {
    concurrentMap(count, state: { _ in () }) { i, _ in body(i) }
}

/// The thread count of the BLAS in use, when it has one (OpenBLAS, which Debian's alternatives
/// may put behind the generic libblas; the reference BLAS has no threads and no such call).
/// While Lore's own workers fill the cores, each BLAS call they make must take one thread:
/// OpenBLAS would otherwise start its own threads from every worker, and the cores thrash.
/// Parallel regions may nest or overlap (a parallel batch of questions whose scoring is parallel
/// too): the count is set to 1 when the first starts and back when the last ends.
enum BLASThreads {
    private typealias Setter = @convention(c) (Int32) -> Void
    private typealias Getter = @convention(c) () -> Int32
    private static let setter: Setter? = dlsym(dlopen(nil, RTLD_NOW), "openblas_set_num_threads")
        .map { unsafeBitCast($0, to: Setter.self) }
    private static let getter: Getter? = dlsym(dlopen(nil, RTLD_NOW), "openblas_get_num_threads")
        .map { unsafeBitCast($0, to: Getter.self) }
    /// The count to go back to: the library's own choice, read before the first change.
    private static let initial: Int32 = getter?() ?? 1
    /// Parallel regions running now, under `lock`.
    nonisolated(unsafe) private static var depth = 0
    private static let lock = NSLock()

    /// A parallel region starts: BLAS calls take one thread until the last region ends.
    static func enterParallel() {
        _ = initial
        lock.lock()
        defer { lock.unlock() }
        if depth == 0 { setter?(1) }
        depth += 1
    }

    /// A parallel region ends.
    static func leaveParallel() {
        lock.lock()
        defer { lock.unlock() }
        depth -= 1
        if depth == 0 { setter?(initial) }
    }

    /// The count BLAS calls take now (1 without OpenBLAS).
    static var current: Int32 { getter?() ?? 1 }
}
