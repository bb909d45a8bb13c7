import Linalg
import Numerics

/// A real orthogonal frame whose 1×1 and 2×2 blocks carry the real and complex-conjugate modes of an
/// eigen-aligned network (Proca et al. §8, App. P.4.1).
///
/// A complex mode `z = μ + iν` occupies two consecutive frame vectors `q_1, q_2` as the real block
/// `[[μ, −ν], [ν, μ]]`. That block's eigenvector for `μ + iν` is `(1, −i)/√2` (spec erratum 7: the paper
/// writes `(1, i)`), so with `P = Q·blockdiag(1, (1 −i; 1 i)ᵀ/√2 …)` the real matrix is `W = P W̄ P^†`.
public struct EigenBasis: Sendable, Equatable {
    /// Orthogonal `N × N` frame `Q`.
    public var q: Matrix
    /// Per mode: true for a conjugate pair (2 dimensions), false for a real mode (1 dimension).
    public var isPair: [Bool]

    /// A frame with the given block structure; the block sizes must add up to `q.rows`.
    public init(q: Matrix, isPair: [Bool]) {
        precondition(q.isSquare, "Q must be square")
        precondition(isPair.reduce(0) { $0 + ($1 ? 2 : 1) } == q.rows, "block sizes must add up to N = \(q.rows)")
        self.q = q; self.isPair = isPair
    }

    /// Start index of each block in the frame.
    public var blockOffsets: [Int] {
        var o = [Int](), s = 0
        for p in isPair { o.append(s); s += p ? 2 : 1 }
        return o
    }

    /// The real block-diagonal matrix of `modes` (one complex value per block; real blocks use the real part).
    public func blockMatrix(_ modes: [Complex<Double>]) -> Matrix {
        precondition(modes.count == isPair.count, "need one value per block (\(isPair.count))")
        var m = Matrix(rows: q.rows, cols: q.rows)
        for (k, off) in blockOffsets.enumerated() {
            if isPair[k] {
                m[off, off] = modes[k].real; m[off, off + 1] = -modes[k].imaginary
                m[off + 1, off] = modes[k].imaginary; m[off + 1, off + 1] = modes[k].real
            } else {
                m[off, off] = modes[k].real
            }
        }
        return m
    }

    /// `Q B Qᵀ` for the block matrix of `modes`.
    public func matrix(_ modes: [Complex<Double>]) -> Matrix { q * blockMatrix(modes).timesTranspose(q) }

    /// Reads the per-block complex values of `w` projected on the frame, `Qᵀ W Q`
    /// (`μ` = mean of the block diagonal, `ν` = half the difference of the off-diagonal entries).
    public func modes(of w: Matrix) -> [Complex<Double>] {
        let b = q.transposeTimes(w * q)
        return blockOffsets.enumerated().map { k, off in
            isPair[k] ? Complex((b[off, off] + b[off + 1, off + 1]) / 2, (b[off + 1, off] - b[off, off + 1]) / 2)
                      : Complex(b[off, off], 0)
        }
    }
}
