import Linalg

/// The PAVF objective `f(C) = ‖Â − C B̂ Cᵀ‖²_F` over orthogonal C, for the unit-Frobenius copies Â, B̂ of two square
/// operators (the caller's matrices are never changed), evaluated in the Cayley chart around a base point C₀:
/// `C(S) = C₀ (I + S)⁻¹ (I − S)`, S skew-symmetric with free coordinates `s_ij = S_ij`, i < j.
///
/// The chart stays in C₀'s component of O(n) (det C = det C₀); it reaches every C there without an eigenvalue −1
/// relative to C₀, and the optimiser re-centres it at every step.
public struct OrthogonalSimilarityObjective: Sendable {
    /// Â = A / ‖A‖_F.
    public let a: Matrix
    /// B̂ = B / ‖B‖_F.
    public let b: Matrix

    /// Normalised copies of `a` and `b`; throws unless both are square, of one size and nonzero and finite.
    public init(_ a: Matrix, _ b: Matrix) throws {
        guard a.isSquare, b.isSquare, a.rows == b.rows, a.rows >= 1 else {
            throw DSAError.invalidParameter(field: "operators",
                                            allowed: "square and of one size for PAVF (got \(a.shape) and \(b.shape))")
        }
        let na = a.frobeniusNorm, nb = b.frobeniusNorm
        guard na > 0, nb > 0, na.isFinite, nb.isFinite else {
            throw DSAError.invalidParameter(field: "operators", allowed: "finite and not zero")
        }
        self.a = (1 / na) * a
        self.b = (1 / nb) * b
    }

    /// Order n of the operators.
    public var dimension: Int { a.rows }

    /// One chart evaluation: the point, the value there, and what the optimiser reuses.
    public struct Evaluation: Sendable {
        /// `C = C₀ (I + S)⁻¹ (I − S)`.
        public let point: Matrix
        /// `F(S) = f(C)`.
        public let value: Double
        /// `∂F/∂s_ij` for i < j, stored as a skew matrix Γ (Γ_ij for i < j, Γ_ji = −Γ_ij).
        public let gradient: Matrix
        /// `Ã = Cᵀ Â C`.
        let rotated: Matrix
        /// `H = Cᵀ ∇f(C)` (Euclidean gradient pulled back to the point); its chart gradient at S = 0 is `−2(H − Hᵀ)`.
        let pulledBack: Matrix
    }

    /// `(I + S)⁻¹ (I − S)` for skew S (orthogonal, determinant +1).
    public static func cayley(_ s: Matrix) -> Matrix {
        var q = 2 * inverseOfIdentityPlusSkew(s)
        for i in 0..<s.rows { q[i, i] -= 1 }
        return q
    }

    /// `(I + S)⁻¹` for skew S by Gauss–Jordan elimination without pivoting, which is stable here: the symmetric
    /// part of `I + S` is I, so every leading block is nonsingular and the pivots stay at least 1. Far cheaper than
    /// LAPACK's dgetrf + dgetri at the sizes DSA compares (n ≈ 20).
    static func inverseOfIdentityPlusSkew(_ s: Matrix) -> Matrix {
        let n = s.rows
        var inverse = s
        for i in 0..<n { inverse[i, i] += 1 }
        var multipliers = [Double](repeating: 0, count: n)
        inverse.storage.withUnsafeMutableBufferPointer { a in
            multipliers.withUnsafeMutableBufferPointer { f in
                for k in 0..<n {
                    let scale = 1 / a[k + k * n]
                    for i in 0..<n { f[i] = a[i + k * n]; a[i + k * n] = 0 }
                    f[k] = 0  // row k is only scaled
                    a[k + k * n] = 1
                    for j in 0..<n {
                        let pivotRow = a[k + j * n] * scale
                        a[k + j * n] = pivotRow
                        let column = a.baseAddress! + j * n
                        for i in 0..<n { column[i] -= f[i] * pivotRow }
                    }
                }
            }
        }
        return inverse
    }

    /// `f(C) = ‖Â − C B̂ Cᵀ‖²_F` at any square C of the right order.
    public func value(at c: Matrix) -> Double {
        let r = c * b * c.transposed - a
        return r.dot(r)
    }

    /// F, its point and its chart gradient at skew `s` in the chart around orthogonal `base`.
    public func evaluate(base: Matrix, skew s: Matrix) throws -> Evaluation {
        try evaluate(from: centre(base), skew: s)
    }

    /// The evaluation at S = 0 of the chart around orthogonal `point`.
    func centre(_ point: Matrix) -> Evaluation {
        let rotated = point.transposeTimes(a * point)
        let (value, h) = pulledBackGradient(rotated)
        return Evaluation(point: point, value: value, gradient: (-2) * (h - h.transposed), rotated: rotated, pulledBack: h)
    }

    /// F and its chart gradient at skew `s` in the chart centred at `e.point` (reusing its `Ã`).
    func evaluate(from e: Evaluation, skew s: Matrix) throws -> Evaluation {
        let n = dimension
        let m = Self.inverseOfIdentityPlusSkew(s)
        var q = 2 * m
        for i in 0..<n { q[i, i] -= 1 }
        var product = Matrix(rows: n, cols: n), rotated = Matrix(rows: n, cols: n), point = Matrix(rows: n, cols: n)
        BLAS.gemm(e.rotated, q, into: &product)
        BLAS.gemm(q, product, into: &rotated, transA: .transpose)
        BLAS.gemm(e.point, q, into: &point)
        let (value, h) = pulledBackGradient(rotated)
        // dF = ⟨C₀ᵀ∇f, dQ⟩ with dQ = −2 M dS M and C₀ᵀ∇f = Q H, so ∂F/∂S = −2 Mᵀ Q H Mᵀ = −2 M H Mᵀ (M, Mᵀ and Q
        // are functions of one skew matrix and commute, and Mᵀ Q = M); Γ = Y − Yᵀ.
        BLAS.gemm(m, h, into: &product)
        var y = Matrix(rows: n, cols: n)
        BLAS.gemm(product, m, into: &y, transB: .transpose, alpha: -2)
        return Evaluation(point: point, value: value, gradient: y - y.transposed, rotated: rotated, pulledBack: h)
    }

    /// The chart gradient at S = 0 of the chart centred at an evaluation's point.
    func recentredGradient(_ e: Evaluation) -> Matrix {
        (-2) * (e.pulledBack - e.pulledBack.transposed)
    }

    /// `f(C)` and `H = Cᵀ ∇f(C)` at orthogonal C from `Ã = Cᵀ Â C`: `f = ‖Ã − B̂‖²` and
    /// `H = 2[(B̂ − Ã) B̂ᵀ + (B̂ − Ã)ᵀ B̂]` (from `∇f = 2(R C B̂ᵀ + Rᵀ C B̂)`, `R = C B̂ Cᵀ − Â`).
    private func pulledBackGradient(_ rotated: Matrix) -> (value: Double, h: Matrix) {
        let n = dimension
        let d = b - rotated
        var h = Matrix(rows: n, cols: n)
        BLAS.gemm(d, b, into: &h, transB: .transpose, alpha: 2)
        BLAS.gemm(d, b, into: &h, transA: .transpose, alpha: 2, beta: 1)
        return (d.dot(d), h)
    }
}
