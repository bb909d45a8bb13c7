import Foundation
import Linalg

/// All-pairs representational distances between many systems, computed in parallel.
public enum RepresentationalSimilarity {
    /// The symmetric M × M matrix of `metric` distances between `systems` (zero diagonal). Each system is prepared
    /// once and each pair computed alone, by the same code as `metric.distance(_:_:)`, so the result is bit-identical
    /// to the pairwise calls for any `threads`. Keep BLAS at one thread. Errors name the system as `systems[i]`.
    public static func allPairs(_ systems: [Matrix], metric: RepresentationMetric, threads: Int) throws -> Matrix {
        guard !systems.isEmpty else { throw RepresentationError.empty(field: "systems") }
        try metric.validate()
        let prepared = try DynamicalSimilarity.parallelMap(systems.count, threads: threads) {
            try metric.prepare(systems[$0], field: "systems[\($0)]")
        }
        let indices = (0..<systems.count).flatMap { i in ((i + 1)..<systems.count).map { (i, $0) } }
        let scores = try DynamicalSimilarity.parallelMap(indices.count, threads: threads) {
            try metric.distance(prepared[indices[$0].0], prepared[indices[$0].1])
        }
        var distances = Matrix(rows: systems.count, cols: systems.count)
        for (k, (i, j)) in indices.enumerated() { distances[i, j] = scores[k]; distances[j, i] = scores[k] }
        return distances
    }

    /// All-pairs distances between trajectory sets, each flattened by `samples`.
    public static func allPairs(_ systems: [TrialTrajectories], metric: RepresentationMetric,
                                samples: TrajectorySamples = .everyStep, threads: Int) throws -> Matrix {
        try allPairs(systems.map { $0.responseMatrix(samples) }, metric: metric, threads: threads)
    }
}
