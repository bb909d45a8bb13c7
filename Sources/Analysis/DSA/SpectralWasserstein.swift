import Linalg
import Numerics

/// dsa-metric 2.0.2's "wasserstein" DSA score: the optimal-transport cost between uniform measures on two operators'
/// eigenvalues, taken as points (Re, Im) in the plane, with squared Euclidean ground cost — `W₂²`, not square-rooted,
/// and without the ×n factor of late-2025 versions. The smaller set is padded with zeros (points at the origin).
///
/// With equal counts n and uniform weights an optimal plan is a permutation (Birkhoff–von Neumann), so the score is
/// `(1/n) min over σ of Σ_i |λ_i − μ_σ(i)|²`, solved exactly by `LinearAssignment`.
public enum SpectralWasserstein {
    /// The score between two eigenvalue sets (each nonempty).
    public static func distance(_ x: [Complex<Double>], _ y: [Complex<Double>]) throws -> Double {
        guard !x.isEmpty, !y.isEmpty else {
            throw DSAError.invalidParameter(field: "eigenvalues", allowed: "nonempty sets")
        }
        let n = max(x.count, y.count)
        let a = x + Array(repeating: .zero, count: n - x.count), b = y + Array(repeating: .zero, count: n - y.count)
        let cost = Matrix(rows: n, cols: n) { i, j in (a[i] - b[j]).lengthSquared }
        return try LinearAssignment.solve(cost).cost / Double(n)
    }

    /// The score between two operators' spectra.
    public static func distance(_ a: Matrix, _ b: Matrix) throws -> Double {
        try distance(a.eigenvalues(), b.eigenvalues())
    }
}
