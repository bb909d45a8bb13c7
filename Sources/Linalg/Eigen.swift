import CLapacke
import Numerics

extension Matrix {
    /// Eigendecomposition of the symmetric part `(A + Aᵀ)/2` via dsyevd: ascending eigenvalues, orthonormal eigenvector columns.
    public func symmetricEigen() throws -> (values: [Double], vectors: Matrix) {
        try LAPACK.requireSquare(self, "symmetricEigen")
        let n = rows
        if n == 0 { return ([], Matrix(rows: 0, cols: 0)) }
        try LAPACK.requireFinite(self, "symmetricEigen")
        let n32 = try LAPACK.int(n)
        _ = try LAPACK.int(n * n, "matrix size")
        var a = symmetricPart.storage
        var w = [Double](repeating: 0, count: n)
        let info = LAPACKE_dsyevd(LAPACK.colMajor, LAPACK.flag("V"), LAPACK.flag("L"), n32, &a, n32, &w)
        try LAPACK.check(info, "dsyevd")
        return (w, Matrix(rows: n, cols: n, columnMajor: a))
    }

    /// Eigenvalues and right eigenvectors of a general square matrix via dgeev (unit-norm columns; conjugate pairs adjacent, positive imaginary part first).
    public func eigen() throws -> (values: [Complex<Double>], vectors: ComplexMatrix) {
        let (wr, wi, vr) = try geev(vectors: true)
        let n = rows
        var v = ComplexMatrix(rows: n, cols: n)
        var j = 0
        while j < n {
            if wi[j] != 0 && j + 1 < n {
                // LAPACK packs the pair (j, j+1) as Re in column j and Im in column j+1.
                for i in 0..<n {
                    let re = vr[i + j * n], im = vr[i + (j + 1) * n]
                    v[i, j] = Complex(re, im)
                    v[i, j + 1] = Complex(re, -im)
                }
                j += 2
            } else {
                for i in 0..<n { v[i, j] = Complex(vr[i + j * n], 0) }
                j += 1
            }
        }
        return ((0..<n).map { Complex(wr[$0], wi[$0]) }, v)
    }

    /// Eigenvalues of a general square matrix via dgeev without eigenvectors (LAPACK order, conjugate pairs adjacent).
    public func eigenvalues() throws -> [Complex<Double>] {
        let (wr, wi, _) = try geev(vectors: false)
        return zip(wr, wi).map { Complex($0, $1) }
    }

    /// Spectral radius `max |λ|` over the eigenvalues (0 for an empty matrix).
    public func spectralRadius() throws -> Double {
        try eigenvalues().reduce(0) { Swift.max($0, $1.length) }
    }

    /// `V · diag(f(λ)) · Vᵀ` for the symmetric part of this matrix (eigendecomposition by dsyevd), symmetrised.
    public func symmetricFunction(_ f: (Double) -> Double) throws -> Matrix {
        let (values, vectors) = try symmetricEigen()
        return Matrix.spectralSynthesis(values.map(f), vectors)
    }

    /// `A^{-1/2}` for a symmetric positive definite matrix (e.g. whitening); throws `.invalidInput` if not numerically positive definite.
    public func inverseSquareRoot() throws -> Matrix {
        let (values, vectors) = try symmetricEigen()
        guard let lo = values.first, let hi = values.last else { return Matrix(rows: 0, cols: 0) }
        let floor = Double(rows) * Double.ulpOfOne * Swift.max(abs(hi), abs(lo))
        if !(lo > floor) {
            throw LinalgError.invalidInput(
                "inverseSquareRoot needs a symmetric positive definite matrix; smallest eigenvalue is \(lo) "
                + "(largest \(hi), threshold \(floor)) — add a ridge term or use symmetricFunction")
        }
        return Matrix.spectralSynthesis(values.map { 1 / $0.squareRoot() }, vectors)
    }

    /// `(A + Aᵀ) / 2`.
    public var symmetricPart: Matrix {
        precondition(isSquare, "symmetricPart needs a square matrix")
        var s = self
        for j in 0..<cols { for i in 0..<j { let v = 0.5 * (self[i, j] + self[j, i]); s[i, j] = v; s[j, i] = v } }
        return s
    }

    /// `V · diag(d) · Vᵀ`, made exactly symmetric.
    static func spectralSynthesis(_ d: [Double], _ v: Matrix) -> Matrix {
        var scaled = v
        for j in 0..<v.cols { for i in 0..<v.rows { scaled[i, j] *= d[j] } }
        return scaled.timesTranspose(v).symmetricPart
    }

    /// Raw dgeev call: real parts, imaginary parts, and (if requested) the packed right eigenvectors.
    func geev(vectors: Bool) throws -> (wr: [Double], wi: [Double], vr: [Double]) {
        try LAPACK.requireSquare(self, vectors ? "eigen" : "eigenvalues")
        let n = rows
        if n == 0 { return ([], [], []) }
        try LAPACK.requireFinite(self, "eigen")
        let n32 = try LAPACK.int(n)
        _ = try LAPACK.int(n * n, "matrix size")
        var a = storage
        var wr = [Double](repeating: 0, count: n), wi = [Double](repeating: 0, count: n)
        var vl = [Double](repeating: 0, count: 1)
        var vr = [Double](repeating: 0, count: vectors ? n * n : 1)
        let info = LAPACKE_dgeev(LAPACK.colMajor, LAPACK.flag("N"), LAPACK.flag(vectors ? "V" : "N"), n32, &a, n32,
                                 &wr, &wi, &vl, 1, &vr, vectors ? n32 : 1)
        try LAPACK.check(info, "dgeev")
        return (wr, wi, vr)
    }
}
