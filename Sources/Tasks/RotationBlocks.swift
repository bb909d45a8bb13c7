import Linalg
import Numerics
import SequenceData

/// The real-block convention of `EigenBasis`, usable with `(re, im)` pairs (Proca et al. §8.4, spec erratum 7).
///
/// A pair block at frame vectors `(q₁, q₂)` holding `d = μ + iν` is `[[μ, −ν], [ν, μ]]`; its eigenvector for `d` is
/// `(q₁ − i q₂)/√2` and for `d̄` is `(q₁ + i q₂)/√2`. A real block holds the real part of its value.
extension EigenBasis {
    /// The real block-diagonal matrix of `values` (one per block): `blockMatrix(_:)` with `(re, im)` pairs.
    public func blockMatrix(pairs values: [ComplexPair]) -> Matrix { blockMatrix(values.map { Complex($0.re, $0.im) }) }

    /// `Q B Qᵀ` for the block matrix of `values`.
    public func matrix(pairs values: [ComplexPair]) -> Matrix { matrix(values.map { Complex($0.re, $0.im) }) }

    /// Per-block values of `Qᵀ W Q` as `(re, im)` pairs (see `modes(of:)`).
    public func modePairs(of w: Matrix) -> [ComplexPair] { modes(of: w).map { ComplexPair($0.real, $0.imaginary) } }

    /// The unitary eigenvector matrix `P` (`W = P D P^†` for `W = matrix(pairs:)`): a real block contributes its
    /// frame vector, a pair block the columns `(q₁ − i q₂)/√2` (for d) then `(q₁ + i q₂)/√2` (for d̄).
    public var eigenvectorMatrix: ComplexMatrix {
        let n = q.rows, h = 0.5.squareRoot()
        var re = Matrix(rows: n, cols: n), im = Matrix(rows: n, cols: n)
        for (k, off) in blockOffsets.enumerated() {
            for i in 0..<n {
                if isPair[k] {
                    re[i, off] = h * q[i, off]; im[i, off] = -h * q[i, off + 1]
                    re[i, off + 1] = h * q[i, off]; im[i, off + 1] = h * q[i, off + 1]
                } else {
                    re[i, off] = q[i, off]
                }
            }
        }
        return ComplexMatrix(real: re, imaginary: im)
    }

    /// The eigenvalues in the column order of `eigenvectorMatrix`: `d` for a real block, `d, d̄` for a pair.
    public func eigenvalues(pairs values: [ComplexPair]) -> [ComplexPair] {
        precondition(values.count == isPair.count, "need one value per block (\(isPair.count))")
        return zip(values, isPair).flatMap { $1 ? [$0, $0.conjugate] : [ComplexPair($0.re)] }
    }
}
