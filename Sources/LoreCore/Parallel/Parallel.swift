import Foundation

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
/// `Parallel.run`, which is the only caller of `DispatchQueue.concurrentPerform`, and which
/// applies the BLAS rule: its workers' BLAS calls take one thread each (see `BLASThreads`).
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

    /// `side()` on a thread of its own while `main()` runs on the calling thread, where it may
    /// start parallel regions; returns when both are done (also when `main` throws). For work
    /// of one thread, such as reading an index, overlapped with work that fills the cores.
    static func alongside<A, B>(_ side: () -> A, _ main: () throws -> B) rethrows -> (A, B) {
        BLASThreads.enterParallel()
        defer { BLASThreads.leaveParallel() }
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
/// may put behind the generic libblas; the reference BLAS has no threads and none of these calls).
///
/// Lore's own workers are the one way work runs on the cores, so a BLAS call takes one thread
/// unless it is made inside `wide`, which only the large dense products that run alone use (the
/// latent fit's, the benchmark's dense scans). Outside `wide` OpenBLAS's threads are also let go:
/// it starts them when the library loads and after every threaded call, and each then spins on a
/// core for about a tenth of a second waiting for work, taking that core from Lore's workers
/// (listing a folder of 100k notes took 120 ms with the spinning thread and 90 without).
enum BLASThreads {
    private typealias Setter = @convention(c) (Int32) -> Void
    private typealias Getter = @convention(c) () -> Int32
    private typealias Shutdown = @convention(c) () -> Int32
    private static let setter: Setter? = symbol("openblas_set_num_threads").map { unsafeBitCast($0, to: Setter.self) }
    private static let getter: Getter? = symbol("openblas_get_num_threads").map { unsafeBitCast($0, to: Getter.self) }
    private static let shutdown: Shutdown? = symbol("blas_thread_shutdown_").map { unsafeBitCast($0, to: Shutdown.self) }
    private static func symbol(_ name: String) -> UnsafeMutableRawPointer? { dlsym(dlopen(nil, RTLD_NOW), name) }
    /// The count `wide` gives: the library's own choice, read before the first change.
    static let initial: Int32 = getter?() ?? 1
    /// Parallel regions and `wide` calls running now (they may overlap on different threads),
    /// under `lock`.
    nonisolated(unsafe) private static var regions = 0
    nonisolated(unsafe) private static var wideCalls = 0
    private static let lock = NSLock()

    /// Called before a BLAS call made outside `wide` and outside parallel regions (a question's
    /// scoring): the first such call finds the library at one thread with its threads stopped,
    /// as a parallel region or the end of a `wide` call would have left it.
    static func narrowOnce() { _ = narrowed }
    private static let narrowed: Void = lock.withLock {
        _ = initial
        if regions == 0 && wideCalls == 0 {
            setter?(1)
            _ = shutdown?()
        }
    }

    /// A parallel region starts: its workers' BLAS calls take one thread each, and the library's
    /// threads stop unless a `wide` product on another thread is using them.
    static func enterParallel() {
        lock.withLock {
            _ = initial
            regions += 1
            setter?(1)
            if wideCalls == 0 { _ = shutdown?() }
        }
    }

    /// A parallel region ends: a `wide` call still running gets the threads back.
    static func leaveParallel() {
        lock.withLock {
            regions -= 1
            if regions == 0 && wideCalls > 0 { setter?(initial) }
        }
    }

    /// `body`'s BLAS calls may take the library's threads (unless a parallel region is running):
    /// for a large dense product made outside Lore's workers. Afterwards calls take one thread
    /// again and the threads stop.
    static func wide<T>(_ body: () throws -> T) rethrows -> T {
        lock.withLock {
            _ = initial
            wideCalls += 1
            if regions == 0 { setter?(initial) }
        }
        defer {
            lock.withLock {
                wideCalls -= 1
                if wideCalls == 0 {
                    setter?(1)
                    _ = shutdown?()
                }
            }
        }
        return try body()
    }

    /// The count BLAS calls take now (1 without OpenBLAS).
    static var current: Int32 { getter?() ?? 1 }
}
