import Linalg
import Networks

/// The real-block convention of `EigenBasis`, usable with `(re, im)` pairs (Proca et al. §8.4, spec erratum 7).
///
/// A pair block at frame vectors `(q₁, q₂)` holding `d = μ + iν` is `[[μ, −ν], [ν, μ]]`; its eigenvector for `d` is
/// `(q₁ − i q₂)/√2` and for `d̄` is `(q₁ + i q₂)/√2`. A real block holds the real part of its value.
extension EigenBasis {
    /// Start index of each block in the frame.
    public var blockOffsets: [Int] {
        var o = [Int](), s = 0
        for p in isPair { o.append(s); s += p ? 2 : 1 }
        return o
    }

    /// The real block-diagonal matrix of `values` (one per block), identical to `blockMatrix(_:)` for `Complex`.
    public func blockMatrix(pairs values: [ComplexPair]) -> Matrix {
        precondition(values.count == isPair.count, "need one value per block (\(isPair.count))")
        var m = Matrix(rows: q.rows, cols: q.rows)
        for (k, off) in blockOffsets.enumerated() {
            if isPair[k] {
                m[off, off] = values[k].re; m[off, off + 1] = -values[k].im
                m[off + 1, off] = values[k].im; m[off + 1, off + 1] = values[k].re
            } else {
                m[off, off] = values[k].re
            }
        }
        return m
    }

    /// `Q B Qᵀ` for the block matrix of `values`.
    public func matrix(pairs values: [ComplexPair]) -> Matrix { q * blockMatrix(pairs: values).timesTranspose(q) }

    /// Per-block values of `Qᵀ W Q` (`μ` = mean of the block diagonal, `ν` = half the off-diagonal difference).
    public func modePairs(of w: Matrix) -> [ComplexPair] {
        let b = q.transposeTimes(w * q)
        return blockOffsets.enumerated().map { k, off in
            isPair[k] ? ComplexPair((b[off, off] + b[off + 1, off + 1]) / 2, (b[off + 1, off] - b[off, off + 1]) / 2)
                      : ComplexPair(b[off, off])
        }
    }

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
