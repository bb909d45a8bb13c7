import Dispatch
import Foundation

/// Parallel loops over independent items on a fixed number of threads: results come back in item order and are
/// bit-identical for any thread count (each item is computed alone; only who computes it varies). Items are handed
/// out one at a time, so uneven items balance. The first error by item index is rethrown after every item ran.
public enum ParallelMap {
    /// `body(i)` for i in 0..<count on up to `threads` threads.
    public static func map<T>(_ count: Int, threads: Int, progress: (@Sendable (Int) -> Void)? = nil,
                              _ body: @escaping @Sendable (Int) throws -> T) throws -> [T] {
        try map(count, threads: threads, progress: progress, state: { () }) { i, _ in try body(i) }
    }

    /// `body(i, &state)` for i in 0..<count, each thread with its own `state()` (a workspace reused across items).
    public static func map<T, State>(_ count: Int, threads: Int, progress: (@Sendable (Int) -> Void)? = nil,
                                     state makeState: @escaping @Sendable () -> State,
                                     _ body: @escaping @Sendable (Int, inout State) throws -> T) throws -> [T] {
        guard count > 0 else { return [] }
        var results = [T?](repeating: nil, count: count)
        var failures = [(any Error)?](repeating: nil, count: count)
        let workers = max(1, min(threads, count))
        let next = Counter(), done = Counter()
        results.withUnsafeMutableBufferPointer { rb in
            failures.withUnsafeMutableBufferPointer { fb in
                nonisolated(unsafe) let slots = rb.baseAddress!, errors = fb.baseAddress!
                let work: @Sendable (Int) -> Void = { _ in
                    var state = makeState()
                    while true {
                        let i = next.increment()
                        guard i < count else { return }
                        do { slots[i] = try body(i, &state) } catch { errors[i] = error }
                        let finished = done.increment() + 1
                        progress?(finished)
                    }
                }
                if workers == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }
            }
        }
        if let failure = failures.lazy.compactMap({ $0 }).first { throw failure }
        return results.map { $0! }
    }

    /// `body(i, j)` for every pair i < j of `count` items, in (i, j) lexicographic order: the second map of a study
    /// whose reduce compares every pair of cells (e.g. distances between all trained networks).
    public static func pairs<T>(_ count: Int, threads: Int, _ body: @escaping @Sendable (Int, Int) throws -> T) throws -> [T] {
        let pairs = pairIndices(count)
        return try map(pairs.count, threads: threads) { k in try body(pairs[k].0, pairs[k].1) }
    }

    /// The pairs i < j of `count` items in lexicographic order.
    public static func pairIndices(_ count: Int) -> [(Int, Int)] {
        (0..<max(count, 0)).flatMap { i in ((i + 1)..<max(count, 0)).map { (i, $0) } }
    }

    /// A lock-protected counter (items are coarse, so a lock costs nothing measurable).
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        /// Returns the value, then adds one.
        func increment() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value - 1 }
    }
}
