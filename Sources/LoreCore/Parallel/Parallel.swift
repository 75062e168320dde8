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
