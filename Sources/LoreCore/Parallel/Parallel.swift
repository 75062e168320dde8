import Foundation

/// Hands a value to concurrently running closures that write disjoint parts of it.
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// `body(i, state)` for every i in 0..<count, on all cores, results in the order of i. Worker w
/// takes i = w, w + workers, …, and makes its `state` (an embedder, a searcher) once.
func concurrentMap<State, T>(_ count: Int, workers: Int = ProcessInfo.processInfo.activeProcessorCount,
                             state: (Int) -> State, _ body: (Int, State) -> T) -> [T] {
    let workers = max(1, min(workers, count))
    if workers > 1 { BLASThreads.set(1) }
    defer { if workers > 1 { BLASThreads.restore() } }
    let results = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
    results.initialize(repeating: nil)
    defer { _ = results.deinitialize(); results.deallocate() }
    withoutActuallyEscaping(state) { state in
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedSendable((results, state, body))
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                let (results, state, body) = shared.value
                let s = state(w)
                for i in stride(from: w, to: count, by: workers) { results[i] = body(i, s) }
            }
        }
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
enum BLASThreads {
    private typealias Setter = @convention(c) (Int32) -> Void
    private typealias Getter = @convention(c) () -> Int32
    private static let setter: Setter? = dlsym(dlopen(nil, RTLD_NOW), "openblas_set_num_threads")
        .map { unsafeBitCast($0, to: Setter.self) }
    private static let getter: Getter? = dlsym(dlopen(nil, RTLD_NOW), "openblas_get_num_threads")
        .map { unsafeBitCast($0, to: Getter.self) }
    /// The count to go back to: the library's own choice, read before the first change.
    private static let initial: Int32 = getter?() ?? 1

    /// Sets the count for the calls that follow.
    static func set(_ threads: Int32) {
        _ = initial
        setter?(threads)
    }

    /// The count BLAS calls take now (1 without OpenBLAS).
    static var current: Int32 { getter?() ?? 1 }

    /// Back to the library's own count.
    static func restore() { setter?(initial) }
}
