import Foundation
import Linalg

/// One system centred and partially whitened for the Procrustes shape metric (Williams et al. 2021, netrep's `whiten`).
///
/// With eigenpairs (λ_i, v_i) of the scatter matrix X_cᵀX_c (not divided by m, as in netrep),
/// `Z_α = c · Σ_i d_i v_i v_iᵀ` with `d_i = α + (1 − α) λ_i^{−1/2}`, and `X̃ = X_c Z_α`:
/// - α = 1 is exactly `Z = I` (no eigendecomposition); α = 0 is full whitening (X̃ spans col(X_c) with equal variances).
/// - **Eigenvalue floor:** directions with `λ_i ≤ floor · λ_max` are null directions of X_c (rank deficiency, e.g.
///   more units than samples or collinear units); they get `d_i = 0` (a pseudo-inverse) instead of amplifying noise.
///   netrep instead clips every λ to an absolute 1e-7, which is scale dependent.
/// - **Rescaling:** `c = ‖X_c‖_F / √(Σ_{retained} λ_i d_i²)`, so `‖X̃‖_F = ‖X_c‖_F` exactly (total variance preserved).
///   netrep's rescaling counts clipped null directions (including zero-padding columns) in the new variance; the
///   two agree whenever X_c has full column rank, and the angular score never depends on the rescaling.
/// - For 0 < α < 1 the mix depends on the data's absolute scale (λ is not normalised), as in netrep.
struct WhitenedResponses: Sendable {
    /// `X̃ = X_c Z_α` (m × p).
    let whitened: Matrix
    /// `‖X̃‖_F` (> 0).
    let norm: Double
    /// Name used in errors.
    let field: String

    init(_ x: Matrix, alpha: Double, relativeEigenvalueFloor: Double, field: String) throws {
        try ProcrustesShapeDistance.validate(alpha: alpha, relativeEigenvalueFloor: relativeEigenvalueFloor)
        try ResponseChecks.validate(x, field: field, minimumRows: 2)
        let centred = ResponseChecks.centredColumns(x)
        let totalNorm = centred.frobeniusNorm
        guard totalNorm > 0 else { throw RepresentationError.zeroVariance(field: field) }
        self.field = field
        if alpha == 1 {
            whitened = centred
            norm = totalNorm
            return
        }
        let (lambda, vectors) = try centred.transposeTimes(centred).symmetricEigen()
        let floor = relativeEigenvalueFloor * (lambda.last ?? 0)
        var weights = lambda.map { $0 > floor ? alpha + (1 - alpha) / $0.squareRoot() : 0 }
        var newVariance = 0.0
        for (l, d) in zip(lambda, weights) where d > 0 { newVariance += l * d * d }
        let scale = totalNorm / newVariance.squareRoot()
        for i in weights.indices { weights[i] *= scale }
        var scaledVectors = vectors
        for j in 0..<vectors.cols { for i in 0..<vectors.rows { scaledVectors[i, j] *= weights[j] } }
        whitened = centred * scaledVectors.timesTranspose(vectors)
        norm = whitened.frobeniusNorm
        guard norm > 0 else { throw RepresentationError.zeroVariance(field: field) }
    }

    /// `X̃` with zero columns appended up to `width` (netrep's zero padding to equal widths).
    func padded(to width: Int) -> Matrix {
        if width == whitened.cols { return whitened }
        return Matrix(rows: whitened.rows, cols: width,
                      columnMajor: whitened.storage + [Double](repeating: 0, count: whitened.rows * (width - whitened.cols)))
    }
}
