import Foundation
import Linalg

/// What the runner hands an experiment besides its parameters: its node of the seed tree, the number of threads it
/// may use for in-process parallel maps, and a progress sink. None of it is a science parameter: results never
/// depend on `threads`, and it is neither recorded among the parameters nor compared on resume.
public struct RunContext: Sendable {
    /// The experiment's node of the seed tree (`root → paper → experiment`).
    public let streams: RandomStreams
    /// Threads for `map` (≥ 1).
    public let threads: Int
    /// Receives the fraction of the work done, in [0, 1].
    public let progress: @Sendable (Double) -> Void
    /// Where a `PersistentStudy` keeps and finds finished cells (nil: compute every cell, keep none).
    public let cellStore: (any StudyCellStore)?

    /// A context.
    public init(streams: RandomStreams, threads: Int = RunContext.defaultThreads, cellStore: (any StudyCellStore)? = nil,
                progress: @escaping @Sendable (Double) -> Void = { _ in }) {
        self.streams = streams
        self.threads = max(1, threads)
        self.cellStore = cellStore
        self.progress = progress
    }

    /// The default thread count: the machine's active cores.
    public static var defaultThreads: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// `body(i)` for i in 0..<count on `threads` threads, results in order (see `ParallelMap`).
    public func map<T>(_ count: Int, _ body: @escaping @Sendable (Int) throws -> T) throws -> [T] {
        try ParallelMap.map(count, threads: threads, body)
    }

    /// `body(i, &state)` with a per-thread workspace `state()`.
    public func map<T, State>(_ count: Int, state: @escaping @Sendable () -> State, _ body: @escaping @Sendable (Int, inout State) throws -> T) throws -> [T] {
        try ParallelMap.map(count, threads: threads, state: state, body)
    }

    /// `body(i, j)` for every pair i < j, in lexicographic order.
    public func mapPairs<T>(_ count: Int, _ body: @escaping @Sendable (Int, Int) throws -> T) throws -> [T] {
        try ParallelMap.pairs(count, threads: threads, body)
    }

    /// The same context reporting progress in the sub-range [lower, upper] of the whole.
    public func progressRange(_ lower: Double, _ upper: Double) -> RunContext {
        let outer = progress
        return RunContext(streams: streams, threads: threads, cellStore: cellStore) { outer(lower + (upper - lower) * min(1, max(0, $0))) }
    }
}
