import Foundation
import Linalg
import SequenceData

/// The best shared real eigen-frame fit `Σ_k ≈ Q H_k Qᵀ` of square correlation matrices (Proca et al. §8.4).
///
/// `H_k` is block-diagonal in the `EigenBasis` convention (1×1 real blocks, `[[μ, −ν], [ν, μ]]` pair blocks), so
/// `Σ_k ≈ P D_k P^†` with the unitary `P = basis.eigenvectorMatrix`. Choice: the frame comes from the eigenvectors
/// of a generic combination `Σ_k w_k Σ_k` (a pair's eigenvector `v` for `μ + iν`, `ν > 0`, gives
/// `q₁ = √2 Re v`, `q₂ = −√2 Im v`), orthonormalised by QR; three fixed weight sequences are tried and the frame
/// with the smallest residual is kept, which avoids accidental cancellations (e.g. a pair whose combined value is
/// real). Blocks come in LAPACK's order. `d_k` per block is the block's best `μ + iν`; the residual is the part of
/// `Qᵀ Σ_k Q` outside that form.
public struct SharedEigenbasis: Sendable, Equatable {
    /// The fitted frame and block structure.
    public let basis: EigenBasis
    /// `d_{b,k}`: `blockValues[b][k]` for block b and matrix k (real blocks hold real values).
    public let blockValues: [[ComplexPair]]
    /// `√(Σ_k ‖Qᵀ Σ_k Q − H_k‖²_F / Σ_k ‖Σ_k‖²_F)`: 0 when the constant-eigenvector assumption holds.
    public let alignmentResidual: Double

    /// Fits `correlations` (all `N × N`).
    public init(correlations c: [Matrix]) throws {
        guard let first = c.first else { throw TaskError.invalidParameter("no correlation matrices; allowed: at least one") }
        guard first.isSquare, c.allSatisfy({ $0.shape == first.shape }) else {
            throw TaskError.invalidParameter("the eigen form needs square matrices of one shape (N_x = N_y)")
        }
        var best: (EigenBasis, [[ComplexPair]], Double)?
        // Weights w_k = frac(k·g) mapped to [1, 2) (positive) or [−1, 1) (mixed signs).
        for (g, mixedSigns) in [(0.6180339887498949, false), (0.4142135623730951, false), (0.7320508075688772, true)] {
            let w = c.indices.map { k -> Double in
                let f = (Double(k + 1) * g).truncatingRemainder(dividingBy: 1)
                return mixedSigns ? 2 * f - 1 : 1 + f
            }
            var m = Matrix(rows: first.rows, cols: first.cols)
            for (k, ck) in c.enumerated() { m.addScaled(ck, w[k]) }
            let basis = try Self.frame(of: m)
            let fit = Self.fit(c, basis)
            if best == nil || fit.residual < best!.2 { best = (basis, fit.values, fit.residual) }
        }
        (basis, blockValues, alignmentResidual) = best!
    }

    /// The unitary eigenvector matrix `P` of the fitted frame.
    public var eigenvectors: ComplexMatrix { basis.eigenvectorMatrix }

    /// `Q H_k Qᵀ` (k is 0-based in the list given to `init`).
    public func reconstruction(_ k: Int) -> Matrix { basis.matrix(pairs: blockValues.map { $0[k] }) }

    /// The real frame of `m`'s eigenvectors with its block structure.
    static func frame(of m: Matrix) throws -> EigenBasis {
        let n = m.rows
        let (values, vectors) = try m.eigen()
        var lambda = ComplexMatrix(rows: 1, cols: n)
        lambda.storage = values
        let im = lambda.imaginary, vre = vectors.real, vim = vectors.imaginary
        var q0 = Matrix(rows: n, cols: n)
        var isPair = [Bool]()
        var j = 0
        while j < n {
            if im[0, j] != 0 && j + 1 < n {
                let sign = im[0, j] > 0 ? 1.0 : -1.0  // use the eigenvector of the value with ν > 0
                for i in 0..<n {
                    q0[i, j] = 2.0.squareRoot() * vre[i, j]
                    q0[i, j + 1] = -sign * 2.0.squareRoot() * vim[i, j]
                }
                isPair.append(true); j += 2
            } else {
                let norm = (0..<n).reduce(0) { $0 + vre[$1, j] * vre[$1, j] }.squareRoot()
                for i in 0..<n { q0[i, j] = norm > 0 ? vre[i, j] / norm : 0 }
                isPair.append(false); j += 1
            }
        }
        let (q, r) = try q0.qr()
        var qs = q
        for k in 0..<n where r[k, k] < 0 { for i in 0..<n { qs[i, k] = -qs[i, k] } }
        return EigenBasis(q: qs, isPair: isPair)
    }

    /// Block values and relative residual of `c` in `basis`.
    static func fit(_ c: [Matrix], _ basis: EigenBasis) -> (values: [[ComplexPair]], residual: Double) {
        var values = [[ComplexPair]](repeating: [], count: basis.isPair.count)
        var off = 0.0, total = 0.0
        for ck in c {
            let d = basis.modePairs(of: ck)
            for (b, z) in d.enumerated() { values[b].append(z) }
            let h = basis.q.transposeTimes(ck * basis.q)
            let r = h - basis.blockMatrix(pairs: d)
            off += r.dot(r); total += ck.dot(ck)
        }
        return (values, total > 0 ? (off / total).squareRoot() : 0)
    }
}
