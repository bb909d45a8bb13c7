import Linalg

/// Entry points for permutation-invariant Frobenius (PIF) distances between networks (see `PIFSolver`).
public enum PermutationInvariantDistance {
    /// d(W1, W2) = min_P ‖W1 − Pᵀ W2 P‖_F between two square recurrent matrices of one size.
    public static func distance(_ w1: Matrix, _ w2: Matrix, options: PIFOptions = PIFOptions()) throws -> PIFResult {
        guard w1.shape == w2.shape else { throw LinalgError.shape("PIF: recurrent matrices differ in shape, \(w1.shape) vs \(w2.shape)") }
        return try PIFSolver(units: w1.rows, options: options).distance(w1, w2)
    }

    /// The PIF distance between two networks' blocks (permuted consistently).
    public static func distance(_ first: PermutableWeights, _ second: PermutableWeights,
                                options: PIFOptions = PIFOptions()) throws -> PIFResult {
        try solver(for: first, options: options).distance(first, second)
    }

    /// The symmetric matrix of distances between every pair of `networks` (all of one shape), on one solver's buffers;
    /// the diagonal is 0. Weight degeneracy in arXiv 2410.03972 is the mean of the off-diagonal entries.
    public static func pairwiseDistances(_ networks: [PermutableWeights], options: PIFOptions = PIFOptions()) throws -> Matrix {
        guard let head = networks.first else { return Matrix(rows: 0, cols: 0) }
        let solver = try solver(for: head, options: options)
        var d = Matrix(rows: networks.count, cols: networks.count)
        for j in networks.indices {
            for i in 0..<j {
                let value = try solver.distance(networks[i], networks[j]).distance
                d[i, j] = value
                d[j, i] = value
            }
        }
        return d
    }

    private static func solver(for w: PermutableWeights, options: PIFOptions) throws -> PIFSolver {
        try PIFSolver(units: w.units, unitRowWidth: w.unitRows.cols, unitColumnHeight: w.unitColumns.rows, options: options)
    }
}
