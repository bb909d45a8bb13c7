import Foundation
import Linalg

/// One system's centred column space for CCA and SVCCA: the thin SVD `X_c = U S Wᵀ`, with the left singular vectors
/// of the numerical rank kept as an orthonormal basis.
///
/// The numerical rank counts singular values above `σ_1 · max(m, p) · ε` (NumPy's `matrix_rank` tolerance); CCA on
/// these bases is the stable form of `Σ_XX^{−1/2} Σ_XY Σ_YY^{−1/2}` and copes with rank-deficient covariances.
struct CentredColumnSpace: Sendable {
    /// The leading `rank` left singular vectors of X_c (m × rank), in order of decreasing singular value.
    let basis: Matrix
    /// All singular values of X_c, descending.
    let singularValues: [Double]
    /// Name used in errors.
    let field: String

    init(_ x: Matrix, field: String) throws {
        try ResponseChecks.validate(x, field: field, minimumRows: 2)
        let svd = try ResponseChecks.centredColumns(x).svd()
        guard let largest = svd.singularValues.first, largest > 0 else {
            throw RepresentationError.zeroVariance(field: field)
        }
        let tolerance = largest * Double(max(x.rows, x.cols)) * Double.ulpOfOne
        let rank = svd.singularValues.prefix { $0 > tolerance }.count
        basis = svd.U.columns(0..<rank)
        singularValues = svd.singularValues
        self.field = field
    }

    /// Number of samples m.
    var rows: Int { basis.rows }
    /// Numerical rank of X_c.
    var rank: Int { basis.cols }

    /// The first `k` basis vectors (k ≤ rank).
    func leading(_ k: Int) -> Matrix { k == rank ? basis : basis.columns(0..<k) }
}
