import Linalg

/// Classical (Torgerson) multidimensional scaling of a distance matrix: `B = −½ J D∘² J` with `J = I − 11ᵀ/M`, and
/// the coordinates are the top-k eigenvectors of B scaled by `√λ` (0 for a non-positive λ). When D is Euclidean (B
/// positive semidefinite) and k is at least its dimension, the embedding reproduces D exactly up to rotation,
/// reflection and translation; otherwise it is the best rank-k fit of B (the fractions below say how good).
public enum ClassicalMDS {
    /// The embedding and the spectrum it was read from.
    public struct Embedding: Sendable, Equatable {
        /// Point coordinates, `M × k` (row i is point i); each axis is signed so its largest-magnitude entry (the
        /// first among equals) is positive, so the output depends only on D.
        public let coordinates: Matrix
        /// All M eigenvalues of B, descending.
        public let eigenvalues: [Double]

        /// Axes k.
        public var dimensions: Int { coordinates.cols }

        /// `Σ max(λ, 0) / Σ |λ|` over all eigenvalues: 1 when D is Euclidean, lower the more negative mass B has
        /// (1 when B = 0, all points coincident).
        public var positiveMassFraction: Double {
            let total = eigenvalues.reduce(0) { $0 + abs($1) }
            return total == 0 ? 1 : eigenvalues.reduce(0) { $0 + max($1, 0) } / total
        }

        /// `Σ_{i<k} max(λ_i, 0) / Σ max(λ, 0)`: the share of the positive mass the k axes carry (1 when there is none).
        public var explainedFraction: Double {
            let positive = eigenvalues.reduce(0) { $0 + max($1, 0) }
            return positive == 0 ? 1 : eigenvalues.prefix(dimensions).reduce(0) { $0 + max($1, 0) } / positive
        }
    }

    /// Embeds the M points of the distance matrix `d` (square, symmetric, finite, non-negative, zero diagonal) in
    /// `dimensions` ∈ 1…M axes; throws `LinalgError.invalidInput` naming the first violated condition.
    public static func embed(_ d: Matrix, dimensions k: Int) throws -> Embedding {
        let m = d.rows
        guard d.isSquare, m >= 1 else { throw LinalgError.invalidInput("MDS: distance matrix must be square and non-empty, got \(d.shape)") }
        guard (1...m).contains(k) else { throw LinalgError.invalidInput("MDS: dimensions must be in 1…\(m) (the number of points), got \(k)") }
        for j in 0..<m {
            for i in 0..<m {
                let v = d[i, j]
                guard v.isFinite, v >= 0 else { throw LinalgError.invalidInput("MDS: distance (\(i), \(j)) must be finite and ≥ 0, got \(v)") }
                guard v == d[j, i] else { throw LinalgError.invalidInput("MDS: distance matrix must be symmetric; (\(i), \(j)) ≠ (\(j), \(i))") }
            }
            guard d[j, j] == 0 else { throw LinalgError.invalidInput("MDS: diagonal must be 0; entry (\(j), \(j)) is \(d[j, j])") }
        }
        let b = doubleCentredSquares(d)
        let (ascending, vectors) = try b.symmetricEigen()
        let eigenvalues = Array(ascending.reversed())
        var coordinates = Matrix(rows: m, cols: k)
        for axis in 0..<k {
            let column = vectors.column(m - 1 - axis)
            var lead = 0
            for i in 1..<m where abs(column[i]) > abs(column[lead]) { lead = i }
            let scale = max(eigenvalues[axis], 0).squareRoot() * (column[lead] < 0 ? -1 : 1)
            for i in 0..<m { coordinates[i, axis] = scale * column[i] }
        }
        return Embedding(coordinates: coordinates, eigenvalues: eigenvalues)
    }

    /// `−½ J D∘² J`: `B_ij = −½ (D²_ij − r_i − r_j + g)` with r the row means of D∘² and g their mean (D symmetric).
    static func doubleCentredSquares(_ d: Matrix) -> Matrix {
        let m = d.rows
        let squares = Matrix(rows: m, cols: m) { d[$0, $1] * d[$0, $1] }
        let means = (0..<m).map { j in squares.column(j).reduce(0, +) / Double(m) }
        let grand = means.reduce(0, +) / Double(m)
        return Matrix(rows: m, cols: m) { i, j in -0.5 * (squares[i, j] - means[i] - means[j] + grand) }
    }
}
