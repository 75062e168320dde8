import Foundation
import XCTest
@testable import LoreCore

final class ParallelTests: XCTestCase {
    func testEveryWorkerRunsOnce() {
        for workers in [0, 1, 2, 7] {
            let seen = UnsafeMutableBufferPointer<Int>.allocate(capacity: max(workers, 1))
            defer { seen.deallocate() }
            seen.initialize(repeating: 0)
            Parallel.run(workers) { w in seen[w] += 1 }
            XCTAssertEqual(Array(seen.prefix(workers)), Array(repeating: 1, count: workers), "\(workers) workers")
        }
    }

    func testChunksCoverTheRangeOnce() {
        for (n, minimum) in [(0, 1), (1, 1), (10, 1), (1000, 1024), (5000, 1024), (12345, 7)] {
            let ranges = NSLock()
            var covered: [Range<Int>] = []
            Parallel.chunks(n, minimum: minimum) { r in ranges.withLock { covered.append(r) } }
            covered.sort { $0.lowerBound < $1.lowerBound }
            XCTAssertEqual(covered.flatMap { Array($0) }, Array(0..<n), "n \(n)")
            XCTAssertLessThanOrEqual(covered.count, max(1, Parallel.cores))
        }
    }

    func testMapKeepsOrderAndMakesStateOncePerWorker() {
        let made = NSLock()
        var states = 0
        let out = concurrentMap(100, workers: 3, state: { w -> Int in made.withLock { states += 1 }; return w }) { i, _ in i * i }
        XCTAssertEqual(out, (0..<100).map { $0 * $0 })
        XCTAssertEqual(states, 3)
    }

    /// Items are claimed as workers get free: a worker held up on its first item leaves the rest
    /// to the others, and every item is still done once, its result in its place.
    func testMapHandsItemsToTheFreeWorker() {
        let lock = NSLock()
        var byWorker = [Int: Int]()
        var done = [Int](repeating: 0, count: 200)
        let out = concurrentMap(200, workers: 2, state: { $0 }) { i, w -> Int in
            // The first item of worker 0 is slow; the other worker should take most of the rest.
            if i == 0 { Thread.sleep(forTimeInterval: 0.2) }
            lock.withLock { byWorker[w, default: 0] += 1; done[i] += 1 }
            return i + 1
        }
        XCTAssertEqual(out, Array(1...200))
        XCTAssertEqual(done, [Int](repeating: 1, count: 200))
        // A fixed split would give each worker 100; 16 runs a worker are claimed 6 items at a time.
        XCTAssertGreaterThan(byWorker.values.max() ?? 0, 150, "\(byWorker)")
    }

    /// Regions nest, and BLAS calls take one thread in the inner and outer ones and after.
    func testNestedRegionsKeepOneBLASThread() {
        let after = concurrentMap(2) { _ -> Int32 in
            _ = concurrentMap(2) { _ in BLASThreads.current }
            return BLASThreads.current
        }
        XCTAssertEqual(after, [1, 1])
        XCTAssertEqual(BLASThreads.current, 1)
    }

    /// `alongside` returns both results; the side runs on another thread while the main part
    /// runs parallel regions; when the main part throws, the side has finished before the error
    /// comes back.
    func testAlongsideRunsBothAndWaitsForTheSide() throws {
        let caller = Thread.current
        let (side, main) = Parallel.alongside({ (Thread.current != caller, (0..<1000).reduce(0, +)) }) {
            concurrentMap(8) { $0 * 2 }
        }
        XCTAssertEqual(side.0, true)
        XCTAssertEqual(side.1, 499_500)
        XCTAssertEqual(main, [0, 2, 4, 6, 8, 10, 12, 14])

        struct Failure: Error {}
        let finished = NSLock()
        var sideDone = false
        XCTAssertThrowsError(try Parallel.alongside({ usleep(20_000); finished.withLock { sideDone = true } }) { throw Failure() })
        XCTAssertTrue(finished.withLock { sideDone })
    }
}
