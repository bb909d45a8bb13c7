import Linalg
import SequenceData

/// Conversions between the two layouts of trajectory data.
///
/// *Stacked*: one `(T·N_x) × P` matrix whose row block t is `x_t` — the layout in which inputs are whitened.
/// *Batched*: the `N_x × (T·P)` layout of `SequenceBatch` whose column block t is `x_t`.
public enum SequenceLayout {
    /// Stacked `(T·N_x) × P` → batched `N_x × (T·P)`.
    public static func batched(fromStacked s: Matrix, timeSteps T: Int) -> Matrix {
        precondition(s.rows % T == 0, "stacked rows \(s.rows) are not a multiple of T = \(T)")
        let nx = s.rows / T, p = s.cols
        var b = Matrix(rows: nx, cols: T * p)
        for t in 0..<T { for j in 0..<p { for i in 0..<nx { b[i, t * p + j] = s[t * nx + i, j] } } }
        return b
    }

    /// Batched `N_x × (T·P)` → stacked `(T·N_x) × P`.
    public static func stacked(fromBatched b: Matrix, timeSteps T: Int) -> Matrix {
        precondition(b.cols % T == 0, "batched columns \(b.cols) are not a multiple of T = \(T)")
        let nx = b.rows, p = b.cols / T
        var s = Matrix(rows: T * nx, cols: p)
        for t in 0..<T { for j in 0..<p { for i in 0..<nx { s[t * nx + i, j] = b[i, t * p + j] } } }
        return s
    }
}

/// Whitening over samples: centre each row, then rotate and scale so that `(1/P) X Xᵀ = I` exactly.
public enum Whitening {
    /// Whitens the rows of `x` (`d × P`, needs `P > d`) by a thin QR of the centred `xᵀ`:
    /// `xᵀ − mean = Q R` ⇒ `√P Qᵀ` has zero row means and `(1/P) X Xᵀ = I`.
    public static func whiten(_ x: Matrix) throws -> Matrix {
        let d = x.rows, p = x.cols
        guard p > d else {
            throw LinalgError.shape("whitening \(d) input dimensions needs more than \(d) samples, got P = \(p)")
        }
        var centred = x
        for i in 0..<d {
            var m = 0.0
            for j in 0..<p { m += x[i, j] }
            m /= Double(p)
            for j in 0..<p { centred[i, j] -= m }
        }
        let (q, r) = try centred.transposed.qr()
        for i in 0..<d where abs(r[i, i]) < 1e-12 * max(1, r.maxAbs) {
            throw LinalgError.shape("inputs are rank-deficient (direction \(i) has no variance); cannot whiten")
        }
        return Double(p).squareRoot() * q.transposed
    }
}
