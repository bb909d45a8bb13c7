import Foundation
import Numerics
import Testing
@testable import Linalg

/// Residual-based checks of the LAPACK-backed decompositions and matrix-equation solvers.
@Suite(.serialized)
struct LinalgTests {
    static let streams = RandomStreams(seed: 20_240_611)

    static func rng(_ name: String) -> Xoshiro256 { streams.stream("linalg-tests/" + name) }

    /// ‖A − B‖_F.
    static func dist(_ a: Matrix, _ b: Matrix) -> Double { (a - b).frobeniusNorm }

    /// ‖QᵀQ − I‖_F (columns orthonormal).
    static func orthoColumnsError(_ q: Matrix) -> Double { dist(q.transposeTimes(q), .identity(q.cols)) }

    /// ‖Q Qᵀ − I‖_F (rows orthonormal).
    static func orthoRowsError(_ q: Matrix) -> Double { dist(q.timesTranspose(q), .identity(q.rows)) }

    /// A real matrix times a complex vector.
    static func apply(_ a: Matrix, _ v: [Complex<Double>]) -> [Complex<Double>] {
        (0..<a.rows).map { i in (0..<a.cols).reduce(Complex<Double>.zero) { $0 + Complex(a[i, $1], 0) * v[$1] } }
    }

    static func norm(_ v: [Complex<Double>]) -> Double { v.reduce(0) { $0 + $1.lengthSquared }.squareRoot() }

    /// A random matrix with spectral radius exactly `rho` (Gaussian, rescaled).
    static func scaledToRadius(_ g: Matrix, _ rho: Double) throws -> Matrix {
        (rho / (try g.spectralRadius())) * g
    }

    // MARK: SVD

    @Test(arguments: [(9, 5), (5, 9), (6, 6), (1, 4), (4, 1)])
    func svdReconstructionAndOrthogonality(shape: (Int, Int)) throws {
        var r = Self.rng("svd-\(shape.0)x\(shape.1)")
        let a = r.gaussianMatrix(rows: shape.0, cols: shape.1)
        let k = min(shape.0, shape.1)
        for full in [false, true] {
            let d = try a.svd(full: full)
            #expect(d.U.rows == a.rows && d.U.cols == (full ? a.rows : k))
            #expect(d.Vt.rows == (full ? a.cols : k) && d.Vt.cols == a.cols)
            #expect(d.singularValues.count == k)
            #expect(zip(d.singularValues, d.singularValues.dropFirst()).allSatisfy { $0 >= $1 })
            #expect(d.singularValues.allSatisfy { $0 >= 0 })
            let s = Matrix.diagonal(d.singularValues, rows: d.U.cols, cols: d.Vt.rows)
            #expect(Self.dist(a, d.U * s * d.Vt) <= 1e-12 * a.frobeniusNorm)
            #expect(Self.orthoColumnsError(d.U) <= 1e-12)
            #expect(Self.orthoRowsError(d.Vt) <= 1e-12)
            if full {
                #expect(Self.orthoRowsError(d.U) <= 1e-12)
                #expect(Self.orthoColumnsError(d.Vt) <= 1e-12)
            }
        }
        let sv = try a.singularValues()
        let top = try a.spectralNorm()
        #expect(top == sv[0])
        // ‖A v₁‖ = σ₁ for the top right singular vector.
        let v1 = try a.svd().Vt.row(0)
        let av = a * v1
        #expect(abs(av.reduce(0) { $0 + $1 * $1 }.squareRoot() - top) <= 1e-12 * top)
    }

    @Test func isFiniteFlagsExactlyInfinitiesAndNaNs() {
        let finite: [Double] = [0, -0.0, 1, -2.5, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
                                .leastNonzeroMagnitude, -.leastNormalMagnitude, 0x1.fffffffffffffp1023]
        #expect(Matrix(rows: 3, cols: 3, columnMajor: finite).isFinite)
        #expect(Matrix(rows: 0, cols: 3).isFinite)
        for bad in [Double.infinity, -.infinity, .nan, -.nan, .signalingNaN] {
            for position in [0, 4, 8] {
                var entries = finite
                entries[position] = bad
                #expect(!Matrix(rows: 3, cols: 3, columnMajor: entries).isFinite, "\(bad) at \(position)")
            }
        }
    }

    @Test func svdZeroSize() throws {
        for (m, n) in [(0, 3), (3, 0), (0, 0)] {
            let a = Matrix(rows: m, cols: n)
            let thin = try a.svd()
            #expect(thin.U.rows == m && thin.U.cols == 0 && thin.Vt.rows == 0 && thin.Vt.cols == n)
            #expect(thin.singularValues.isEmpty)
            let full = try a.svd(full: true)
            #expect(full.U == .identity(m) && full.Vt == .identity(n))
            #expect(try a.spectralNorm() == 0)
        }
    }

    @Test func spectralNormOfKnownSpectrum() throws {
        var r = Self.rng("spectral-norm")
        let u = try Matrix.haarOrthogonal(6, using: &r), v = try Matrix.haarOrthogonal(6, using: &r)
        let a = u * Matrix.diagonal([3, 2.5, 1, 0.5, 0.25, 0.1]) * v.transposed
        #expect(abs(try a.spectralNorm() - 3) <= 1e-13 * 3)
        #expect(abs(try a.conditionNumber() - 30) <= 1e-11 * 30)
    }

    // MARK: Eigen

    @Test func symmetricEigenResidual() throws {
        var r = Self.rng("syevd")
        let g = r.gaussianMatrix(rows: 8, cols: 8)
        let a = g + g.transposed
        let (values, vectors) = try a.symmetricEigen()
        #expect(zip(values, values.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(Self.dist(a * vectors, vectors * Matrix.diagonal(values)) <= 1e-12 * a.frobeniusNorm)
        #expect(Self.orthoColumnsError(vectors) <= 1e-12)
        #expect(Self.dist(try a.symmetricFunction { $0 }, a) <= 1e-12 * a.frobeniusNorm)
    }

    @Test func generalEigenWithComplexPairs() throws {
        var r = Self.rng("geev")
        // Similarity transform of a block-diagonal matrix with two rotation-scaling blocks (complex pairs) and reals.
        let (c1, s1) = (0.9 * cos(0.7), 0.9 * sin(0.7)), (c2, s2) = (-0.3, 1.2)
        var d = Matrix.diagonal([0.5, -1.25, 2.0, 0, 0, 0, 0])
        d[3, 3] = c1; d[3, 4] = -s1; d[4, 3] = s1; d[4, 4] = c1
        d[5, 5] = c2; d[5, 6] = -s2; d[6, 5] = s2; d[6, 6] = c2
        let p = r.gaussianMatrix(rows: 7, cols: 7) + 3 * Matrix.identity(7)
        let constructed = p * d * (try p.inverse())
        let random = r.gaussianMatrix(rows: 9, cols: 9)
        for a in [constructed, random] {
            let (values, vectors) = try a.eigen()
            #expect(values.count == a.rows)
            #expect(values.contains { $0.imaginary != 0 }, "test matrix must have complex eigenvalues")
            let scale = a.frobeniusNorm
            for j in 0..<a.rows {
                let v = vectors.column(j)
                let lv = v.map { values[j] * $0 }
                let res = zip(Self.apply(a, v), lv).map { $0 - $1 }
                #expect(Self.norm(res) <= 1e-11 * scale * Self.norm(v), "eigenpair \(j): λ = \(values[j])")
                #expect(abs(Self.norm(v) - 1) <= 1e-12)
            }
            // Conjugate pairs are adjacent with the positive imaginary part first.
            var j = 0
            while j < values.count {
                if values[j].imaginary != 0 {
                    #expect(values[j].imaginary > 0)
                    #expect(values[j + 1] == values[j].conjugate)
                    #expect(vectors.column(j + 1) == vectors.column(j).map(\.conjugate))
                    j += 2
                } else { j += 1 }
            }
            // Eigenvalues-only path agrees, and trace/determinant match the spectrum.
            let only = try a.eigenvalues()
            #expect(zip(only, values).allSatisfy { ($0 - $1).length <= 1e-12 * scale })
            let sum = values.reduce(Complex<Double>.zero, +), prod = values.reduce(Complex<Double>(1, 0), *)
            #expect(abs(sum.real - a.trace) <= 1e-12 * scale && abs(sum.imaginary) <= 1e-12 * scale)
            let det = try a.determinant()
            #expect(abs(prod.real - det) <= 1e-10 * max(1, abs(det)) && abs(prod.imaginary) <= 1e-10 * max(1, abs(det)))
            #expect(try a.spectralRadius() == values.map(\.length).max()!)
        }
        // The similarity transform preserves the spectrum {0.5, −1.25, 2, 0.9e^{±0.7i}, −0.3 ± 1.2i}.
        let known = try constructed.eigenvalues()
        let expected: [Complex<Double>] = [Complex(0.5, 0), Complex(-1.25, 0), Complex(2, 0), Complex(c1, s1), Complex(c1, -s1),
                                           Complex(c2, s2), Complex(c2, -s2)]
        let cond = try p.conditionNumber()
        for e in expected {
            #expect(known.map { ($0 - e).length }.min()! <= 1e-12 * cond * constructed.frobeniusNorm, "missing eigenvalue \(e)")
        }
        #expect(abs(try constructed.spectralRadius() - 2) <= 1e-12 * cond * constructed.frobeniusNorm)
    }

    // MARK: Solvers and factorisations

    @Test func solveAndInverseResiduals() throws {
        var r = Self.rng("solve")
        let a = r.gaussianMatrix(rows: 7, cols: 7), b = r.gaussianMatrix(rows: 7, cols: 3)
        let x = try a.solve(b)
        #expect(Self.dist(a * x, b) <= 1e-12 * a.frobeniusNorm * x.frobeniusNorm)
        let xv = try a.solve(b.column(0))
        #expect(Self.dist(a * Matrix(rows: 7, cols: 1, columnMajor: xv), b.columns(0..<1)) <= 1e-12 * a.frobeniusNorm * 10)
        let inv = try a.inverse()
        #expect(Self.dist(a * inv, .identity(7)) <= 1e-12 * a.frobeniusNorm * inv.frobeniusNorm)
        let det = try a.determinant(), det2 = try (a * a).determinant()
        #expect(abs(det2 - det * det) <= 1e-10 * det * det, "det(A²) = \(det2), det(A)² = \(det * det)")
    }

    @Test func singularSolveThrowsNamingDgesv() throws {
        let a = Matrix([[1, 2], [2, 4]])
        do {
            _ = try a.solve(Matrix([[1], [1]]))
            Issue.record("solve of a singular matrix should throw")
        } catch let error as LinalgError {
            #expect(error.description.contains("dgesv"))
            #expect(error == .lapack(routine: "dgesv", info: 2))
        }
        #expect(throws: LinalgError.self) { try a.inverse() }
        #expect(try a.determinant() == 0)
        #expect(throws: LinalgError.self) { try Matrix(rows: 2, cols: 3).solve(Matrix(rows: 2, cols: 1)) }
        #expect(throws: LinalgError.self) { try Matrix([[1, .nan], [0, 1]]).svd() }
    }

    @Test func leastSquaresOverAndUnderdetermined() throws {
        var r = Self.rng("lstsq")
        // Overdetermined full rank: normal equations Aᵀ(AX − B) = 0.
        let tall = r.gaussianMatrix(rows: 12, cols: 5), bt = r.gaussianMatrix(rows: 12, cols: 2)
        let xt = try tall.leastSquares(bt)
        #expect(xt.rows == 5 && xt.cols == 2)
        #expect(tall.transposeTimes(tall * xt - bt).frobeniusNorm <= 1e-12 * pow(tall.frobeniusNorm, 2) * xt.frobeniusNorm + 1e-12)
        // Underdetermined: exact fit, and the solution has no component in the null space (minimum norm).
        let wide = r.gaussianMatrix(rows: 4, cols: 9), bw = r.gaussianMatrix(rows: 4, cols: 3)
        let xw = try wide.leastSquares(bw)
        #expect(Self.dist(wide * xw, bw) <= 1e-12 * wide.frobeniusNorm * xw.frobeniusNorm)
        let nullBasis = try wide.svd(full: true).Vt.submatrix(rows: 4..<9, cols: 0..<9)
        #expect((nullBasis * xw).frobeniusNorm <= 1e-12 * xw.frobeniusNorm)
        // Rank deficient (rank 3 of 8×5): matches the pseudo-inverse solution.
        let low = r.gaussianMatrix(rows: 8, cols: 3) * r.gaussianMatrix(rows: 3, cols: 5), bl = r.gaussianMatrix(rows: 8, cols: 1)
        let xl = try low.leastSquares(bl)
        let d = try low.svd()
        let cut = 1e-10 * d.singularValues[0]
        let sPlus = Matrix.diagonal(d.singularValues.map { $0 > cut ? 1 / $0 : 0 })
        let pinvX = d.Vt.transposed * sPlus * d.U.transposeTimes(bl)
        #expect(Self.dist(xl, pinvX) <= 1e-9 * pinvX.frobeniusNorm)
    }

    @Test(arguments: [(9, 5), (5, 9), (6, 6)])
    func qrResiduals(shape: (Int, Int)) throws {
        var r = Self.rng("qr-\(shape.0)x\(shape.1)")
        let a = r.gaussianMatrix(rows: shape.0, cols: shape.1)
        let (q, rr) = try a.qr()
        let k = min(shape.0, shape.1)
        #expect(q.rows == a.rows && q.cols == k && rr.rows == k && rr.cols == a.cols)
        #expect(Self.dist(q * rr, a) <= 1e-12 * a.frobeniusNorm)
        #expect(Self.orthoColumnsError(q) <= 1e-12)
        for j in 0..<rr.cols { for i in 0..<rr.rows where i > j { #expect(rr[i, j] == 0) } }
    }

    @Test func choleskyResidualAndFailure() throws {
        var r = Self.rng("cholesky")
        let g = r.gaussianMatrix(rows: 6, cols: 6)
        let a = g.transposeTimes(g) + Matrix.identity(6)
        let l = try a.cholesky()
        for j in 0..<6 { for i in 0..<j { #expect(l[i, j] == 0) } }
        #expect(Self.dist(l.timesTranspose(l), a) <= 1e-12 * a.frobeniusNorm)
        do {
            _ = try Matrix([[1, 0], [0, -1]]).cholesky()
            Issue.record("cholesky of an indefinite matrix should throw")
        } catch let error as LinalgError {
            #expect(error.description.contains("dpotrf"))
        }
    }

    @Test func haarOrthogonalIsOrthogonalWithSignFix() throws {
        var r1 = Self.rng("haar"), r2 = Self.rng("haar")
        let q = try Matrix.haarOrthogonal(10, using: &r1)
        #expect(Self.orthoColumnsError(q) <= 1e-12)
        #expect(Self.orthoRowsError(q) <= 1e-12)
        // Reproduce the Gaussian draw: Qᵀ G must be upper triangular with a positive diagonal.
        let g = r2.gaussianMatrix(rows: 10, cols: 10)
        let rr = q.transposeTimes(g)
        for j in 0..<10 {
            #expect(rr[j, j] > 0)
            for i in (j + 1)..<10 { #expect(abs(rr[i, j]) <= 1e-12 * g.frobeniusNorm) }
        }
        #expect(r1 == r2)
        #expect(try Matrix.haarOrthogonal(0, using: &r1).count == 0)
    }

    @Test func inverseSquareRootWhitens() throws {
        var r = Self.rng("whiten")
        let g = r.gaussianMatrix(rows: 20, cols: 5)
        let c = g.transposeTimes(g)
        let w = try c.inverseSquareRoot()
        #expect(Self.dist(w * c * w, .identity(5)) <= 1e-11)
        #expect(Self.dist(w, w.transposed) == 0)
        do {
            _ = try Matrix([[1, 2], [2, 1]]).inverseSquareRoot()
            Issue.record("inverseSquareRoot of an indefinite matrix should throw")
        } catch let error as LinalgError {
            #expect(error.description.contains("positive definite"))
        }
    }

    // MARK: Matrix equations

    @Test func schurReconstruction() throws {
        var r = Self.rng("schur")
        let a = r.gaussianMatrix(rows: 8, cols: 8)
        let (t, z) = try a.realSchur()
        #expect(Self.dist((z * t).timesTranspose(z), a) <= 1e-12 * a.frobeniusNorm)
        #expect(Self.orthoColumnsError(z) <= 1e-12)
        for j in 0..<8 { for i in (j + 2)..<max(8, j + 2) where i < 8 { #expect(t[i, j] == 0) } }
    }

    @Test func sylvesterResidual() throws {
        var r = Self.rng("sylvester")
        let a = r.gaussianMatrix(rows: 7, cols: 7), b = r.gaussianMatrix(rows: 4, cols: 4) + 2 * Matrix.identity(4)
        let c = r.gaussianMatrix(rows: 7, cols: 4)
        let x = try Matrix.solveSylvester(a: a, b: b, c: c)
        let scale = (a.frobeniusNorm + b.frobeniusNorm) * x.frobeniusNorm + c.frobeniusNorm
        #expect(Self.dist(a * x + x * b, c) <= 1e-10 * scale)
        #expect(throws: LinalgError.self) { try Matrix.solveSylvester(a: a, b: b, c: Matrix(rows: 4, cols: 7)) }
    }

    @Test(arguments: [0.5, 0.05])
    func continuousLyapunovResidual(margin: Double) throws {
        var r = Self.rng("lyapunov-\(margin)")
        let n = 12
        let g = r.gaussianMatrix(rows: n, cols: n)
        // Stable: spectral abscissa of A equals −margin after shifting the most-right eigenvalue.
        let abscissa = try g.eigenvalues().map(\.real).max()!
        let a = g - (abscissa + margin) * Matrix.identity(n)
        let h = r.gaussianMatrix(rows: n, cols: n)
        let q = h.transposeTimes(h)
        let x = try Matrix.solveContinuousLyapunov(a: a, q: q)
        let scale = 2 * a.frobeniusNorm * x.frobeniusNorm + q.frobeniusNorm
        #expect(Self.dist(a * x + x.timesTranspose(a), -q) <= 1e-10 * scale)
        #expect(Self.dist(x, x.transposed) == 0)
        #expect(try x.symmetricEigen().values.first! > 0, "Gramian of a stable system with Q ≻ 0 is positive definite")
    }

    @Test func continuousLyapunovSingularThrows() throws {
        do {
            _ = try Matrix.solveContinuousLyapunov(a: Matrix([[0, 1], [-1, 0]]), q: .identity(2))
            Issue.record("λ_i + λ_j = 0 should make the Lyapunov equation singular")
        } catch let error as LinalgError {
            #expect(error.description.contains("dtrsyl"))
        }
    }

    @Test(arguments: [0.5, 0.95, 0.999])
    func discreteLyapunovResidual(rho: Double) throws {
        var r = Self.rng("stein-\(rho)")
        let n = 15
        let a = try Self.scaledToRadius(r.gaussianMatrix(rows: n, cols: n), rho)
        #expect(try a.eigenvalues().contains { $0.imaginary != 0 })
        let h = r.gaussianMatrix(rows: n, cols: n)
        let q = h.transposeTimes(h)
        let x = try Matrix.solveDiscreteLyapunov(a: a, q: q)
        let scale = (1 + pow(a.frobeniusNorm, 2)) * x.frobeniusNorm + q.frobeniusNorm
        #expect(Self.dist(x - a * x.timesTranspose(a), q) <= 1e-10 * scale)
        #expect(Self.dist(x, x.transposed) == 0)
        // Nonsymmetric right-hand side too.
        let c = r.gaussianMatrix(rows: n, cols: n)
        let y = try Matrix.solveDiscreteLyapunov(a: a, q: c)
        #expect(Self.dist(y - a * y.timesTranspose(a), c) <= 1e-10 * ((1 + pow(a.frobeniusNorm, 2)) * y.frobeniusNorm + c.frobeniusNorm))
    }

    @Test func discreteLyapunovMatchesSeries() throws {
        var r = Self.rng("stein-series")
        let a = try Self.scaledToRadius(r.gaussianMatrix(rows: 5, cols: 5), 0.3)
        let q = Matrix.identity(5)
        var series = q, term = q
        for _ in 0..<200 { term = a * term.timesTranspose(a); series = series + term }
        let x = try Matrix.solveDiscreteLyapunov(a: a, q: q)
        #expect(Self.dist(x, series) <= 1e-12 * series.frobeniusNorm)
    }

    @Test func generalSteinResidual() throws {
        var r = Self.rng("stein-general")
        let a = try Self.scaledToRadius(r.gaussianMatrix(rows: 9, cols: 9), 1.5)
        let b = try Self.scaledToRadius(r.gaussianMatrix(rows: 4, cols: 4), 0.6)
        let c = r.gaussianMatrix(rows: 9, cols: 4)
        let x = try Matrix.solveStein(a: a, b: b, c: c)
        let scale = (1 + a.frobeniusNorm * b.frobeniusNorm) * x.frobeniusNorm + c.frobeniusNorm
        #expect(Self.dist(x - a * x.timesTranspose(b), c) <= 1e-10 * scale)
        #expect(throws: LinalgError.self) { try Matrix.solveDiscreteLyapunov(a: .identity(3), q: .identity(3)) }
    }

    @Test func errorDescriptions() {
        let e = LinalgError.lapack(routine: "dgesdd", info: 3)
        #expect(e.description.contains("dgesdd") && e.description.contains("info = 3"))
        #expect(LinalgError.lapack(routine: "dgesv", info: -4).description.contains("argument 4"))
        #expect(LinalgError.shape("bad").description.contains("bad"))
    }
}
