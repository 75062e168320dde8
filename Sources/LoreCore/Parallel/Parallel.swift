import Foundation
import Synchronization

/// Hands a value to concurrently running closures that write disjoint parts of it.
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// The work `Parallel.alongside` gives its thread. The thread lets go of the closure before it
/// signals `done`, so that the closure is not held once `alongside` returns.
private final class SideJob<T>: @unchecked Sendable {
    private var work: (() -> T)?
    var value: T?
    let done = DispatchSemaphore(value: 0)
    init(_ work: @escaping () -> T) { self.work = work }
    func run() {
        value = work!()
        work = nil
        done.signal()
    }
}

/// The one way Lore runs work on several cores. Every parallel loop of the library goes through
/// `Parallel.run`, which is the only caller of `DispatchQueue.concurrentPerform`; the one thread
/// the library starts itself is `alongside`'s. Both apply the BLAS rule: every BLAS call takes
/// one thread (see `BLASThreads`).
enum Parallel {
    /// The cores to fill.
    static var cores: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// `body(w)` for every w in 0..<workers, concurrently, returning when all are done. One
    /// worker runs `body(0)` on the calling thread.
    static func run(_ workers: Int, _ body: (Int) -> Void) {
        BLASThreads.narrow()
        guard workers > 1 else {
            if workers == 1 { body(0) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: workers) { w in shared.value(w) }
        }
    }

    /// `side()` on a thread of its own while `main()` runs on the calling thread, where it may
    /// start parallel regions; returns when both are done (also when `main` throws). For work
    /// of one thread, such as reading an index, overlapped with work that fills the cores.
    static func alongside<A, B>(_ side: () -> A, _ main: () throws -> B) rethrows -> (A, B) {
        BLASThreads.narrow()
        return try withoutActuallyEscaping(side) { side in
            let job = SideJob(side)
            Thread { job.run() }.start()
            let b: B
            do { b = try main() } catch {
                job.done.wait()
                throw error
            }
            job.done.wait()
            return (job.value!, b)
        }
    }

    /// `body(range)` over `0..<n` cut into one contiguous range per worker, at most one worker per
    /// core and per `minimum` items.
    static func chunks(_ n: Int, minimum: Int = 1, _ body: (Range<Int>) -> Void) {
        let workers = max(1, min(cores, n / max(minimum, 1)))
        run(workers) { w in body((w * n / workers)..<((w + 1) * n / workers)) }
    }
}

/// `body(i, state)` for every i in 0..<count, on all cores, results in the order of i. Each worker
/// makes its `state` (an embedder, a searcher) once, takes its own first run of consecutive i
/// (worker w the w-th), then claims further runs from a shared counter until none is left: a
/// worker slowed by other work on its core (a thread reading an index, another process) takes
/// fewer, instead of holding back the others at the end, while a worker that starts first
/// cannot take the first runs of the others (with as many items as workers, each does its own).
func concurrentMap<State, T>(_ count: Int, workers: Int = Parallel.cores,
                             state: (Int) -> State, _ body: (Int, State) -> T) -> [T] {
    let workers = max(1, min(workers, count))
    let results = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
    results.initialize(repeating: nil)
    defer { _ = results.deinitialize(); results.deallocate() }
    // About 16 runs a worker: few claims, and a tail short enough to share.
    let run = max(1, count / (workers * 16))
    let next = ClaimCounter(first: workers * run)
    Parallel.run(count == 0 ? 0 : workers) { w in
        let s = state(w)
        var first = w * run
        while first < count {
            for i in first..<min(first + run, count) { results[i] = body(i, s) }
            first = next.claim(run)
        }
    }
    return results.map { $0! }
}

/// The next unclaimed item of a `concurrentMap`.
private final class ClaimCounter: Sendable {
    private let next: Atomic<Int>
    init(first: Int) { next = Atomic(first) }
    /// The first of the `n` items claimed.
    func claim(_ n: Int) -> Int { next.add(n, ordering: .relaxed).oldValue }
}

/// `body(i)` for every i in 0..<count, on all cores, results in the order of i.
func concurrentMap<T>(_ count: Int, _ body: (Int) -> T) -> [T] {
    concurrentMap(count, state: { _ in () }) { i, _ in body(i) }
}

/// The thread count of the BLAS in use, when it has one (OpenBLAS, which Debian's alternatives
/// may put behind the generic libblas; the reference BLAS has no threads and none of these calls).
///
/// Lore's workers are the one way work runs on the cores, so every BLAS call takes one thread:
/// a large dense product is cut into blocks of rows, one call a worker (`RowBlocks`). The first
/// parallel region or BLAS call of the process sets the count to 1 and stops the threads OpenBLAS
/// started when it loaded, which would otherwise spin on a core for about a tenth of a second
/// waiting for work, taking that core from Lore's workers (listing a folder of 100k notes took
/// 120 ms with the spinning thread and 90 without). With one thread a call OpenBLAS never starts
/// them again.
enum BLASThreads {
    private typealias Setter = @convention(c) (Int32) -> Void
    private typealias Getter = @convention(c) () -> Int32
    private typealias Shutdown = @convention(c) () -> Int32

    /// Sets one thread a call and stops the library's threads, the first time it is called.
    static func narrow() { _ = narrowed }
    private static let narrowed: Void = {
        let library = dlopen(nil, RTLD_NOW)
        if let set = dlsym(library, "openblas_set_num_threads") { unsafeBitCast(set, to: Setter.self)(1) }
        if let stop = dlsym(library, "blas_thread_shutdown_") { _ = unsafeBitCast(stop, to: Shutdown.self)() }
    }()

    /// The count BLAS calls take now (1 without OpenBLAS).
    static var current: Int32 {
        dlsym(dlopen(nil, RTLD_NOW), "openblas_get_num_threads").map { unsafeBitCast($0, to: Getter.self)() } ?? 1
    }
}
