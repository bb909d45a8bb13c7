import Dispatch
import Foundation
import Linalg
import Numerics

/// Dynamical similarity analysis between systems: HAVOK DMD per system, then PAVF (angular / Euclidean) or the
/// spectral Wasserstein score between every pair of operators.
public enum DynamicalSimilarity {
    /// The DSA score to compute.
    public enum Score: String, Sendable, CaseIterable {
        /// PAVF angular score (radians).
        case angular
        /// PAVF Euclidean score on normalised operators.
        case euclidean
        /// W₂² between eigenvalue spectra (dsa-metric's "wasserstein").
        case wasserstein
    }

    /// Everything a DSA comparison needs.
    public struct Options: Sendable, Equatable {
        /// DMD settings (one for all systems, as DSA requires for comparable scales).
        public var dmd: HAVOKOptions
        /// Score.
        public var score: Score
        /// PAVF settings (its `score` is set from `score` for angular and Euclidean).
        public var procrustes: SimilarityTransformDistance.Options

        /// Combines the settings.
        public init(dmd: HAVOKOptions, score: Score = .angular, procrustes: SimilarityTransformDistance.Options) {
            self.dmd = dmd
            self.score = score
            self.procrustes = procrustes
            if score == .euclidean { self.procrustes.score = .euclidean }
            if score == .angular { self.procrustes.score = .angular }
        }
    }

    /// One pair's score and, for PAVF, its optimisation record.
    public struct PairComparison: Sendable {
        /// Indices i < j of the systems.
        public let first: Int, second: Int
        /// The score.
        public let score: Double
        /// PAVF details (nil for Wasserstein).
        public let procrustes: SimilarityTransformDistance.Result?
    }

    /// All-pairs output.
    public struct AllPairs: Sendable {
        /// One DMD per system, in input order.
        public let models: [HAVOKModel]
        /// Symmetric score matrix with zero diagonal.
        public let distances: Matrix
        /// The pairs i < j in lexicographic order.
        public let pairs: [PairComparison]
    }

    /// The score between two fitted models; PAVF random starts draw from `streams`.
    public static func compare(_ x: HAVOKModel, _ y: HAVOKModel, options: Options, streams: RandomStreams) throws
        -> PairComparison {
        try compare(x, y, indices: (0, 1), options: options, streams: streams)
    }

    /// Fits each system's DMD once, then scores every pair, on up to `threads` threads (each pair computed alone
    /// with its own stream node `pair-i-j`, so results do not depend on the thread count). Keep BLAS at one thread.
    public static func allPairs(_ systems: [TrialTrajectories], options: Options, streams: RandomStreams, threads: Int)
        throws -> AllPairs {
        let models = try parallelMap(systems.count, threads: threads) { try HAVOKModel.fit(systems[$0], options: options.dmd) }
        return try allPairs(models: models, options: options, streams: streams, threads: threads)
    }

    /// Scores every pair of already fitted models (see `allPairs(_:options:streams:threads:)`).
    public static func allPairs(models: [HAVOKModel], options: Options, streams: RandomStreams, threads: Int) throws
        -> AllPairs {
        let spectra: [[Complex<Double>]] = options.score == .wasserstein
            ? try parallelMap(models.count, threads: threads) { try models[$0].eigenvalues() } : []
        let indices = (0..<models.count).flatMap { i in ((i + 1)..<models.count).map { (i, $0) } }
        let pairs = try parallelMap(indices.count, threads: threads) { k -> PairComparison in
            let (i, j) = indices[k]
            if options.score == .wasserstein {
                return PairComparison(first: i, second: j, score: try SpectralWasserstein.distance(spectra[i], spectra[j]),
                                      procrustes: nil)
            }
            return try compare(models[i], models[j], indices: (i, j), options: options,
                               streams: streams.child("pair-\(i)-\(j)"))
        }
        var distances = Matrix(rows: models.count, cols: models.count)
        for p in pairs { distances[p.first, p.second] = p.score; distances[p.second, p.first] = p.score }
        return AllPairs(models: models, distances: distances, pairs: pairs)
    }

    private static func compare(_ x: HAVOKModel, _ y: HAVOKModel, indices: (Int, Int), options: Options,
                                streams: RandomStreams) throws -> PairComparison {
        if options.score == .wasserstein {
            return PairComparison(first: indices.0, second: indices.1,
                                  score: try SpectralWasserstein.distance(x.operatorMatrix, y.operatorMatrix), procrustes: nil)
        }
        let result = try SimilarityTransformDistance.compare(x.operatorMatrix, y.operatorMatrix, options: options.procrustes,
                                                             streams: streams)
        return PairComparison(first: indices.0, second: indices.1, score: result.score, procrustes: result)
    }

    /// `body(i)` for i in 0..<count on up to `threads` threads, results in index order; items are handed out one at
    /// a time; the first error by index is rethrown after all items ran.
    static func parallelMap<T>(_ count: Int, threads: Int, _ body: @escaping @Sendable (Int) throws -> T) throws -> [T] {
        let slots = ResultSlots<T>(count)
        let workers = max(1, min(threads, count))
        if workers == 1 {
            for i in 0..<count { slots.store(i, Result { try body(i) }) }
        } else {
            DispatchQueue.concurrentPerform(iterations: workers) { _ in
                while let i = slots.claim() { slots.store(i, Result { try body(i) }) }
            }
        }
        return try slots.results()
    }

    /// Lock-protected result slots and the next unclaimed index.
    private final class ResultSlots<T>: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [Result<T, any Error>?]
        private var next = 0
        init(_ count: Int) { items = Array(repeating: nil, count: count) }
        func claim() -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard next < items.count else { return nil }
            next += 1
            return next - 1
        }
        func store(_ i: Int, _ r: Result<T, any Error>) { lock.lock(); items[i] = r; lock.unlock() }
        func results() throws -> [T] { try items.map { try $0!.get() } }
    }
}
