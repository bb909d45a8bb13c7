import Linalg
import Numerics

/// Buffers of `ImpulseResponseDistance`'s Krylov route: the two projections, the stability certificate's scratch
/// and the factors of the low-rank gradient `∂L/∂A = [U K, −Re(w α), Im(w α)] [V, Re β, Im β]ᵀ`.
final class KrylovBuffers {
    let controllability: KrylovGramian, observability: KrylovGramian
    let shifts: [(sigma: Complex<Double>, tau: Complex<Double>)]
    var certificate: Matrix
    var left: [Double], right: [Double]
    var cross: [Double], half: [Double], core: [Double]
    var projected: [Double], scratch: [Double], realPart: [Double], imaginaryPart: [Double]

    init(dimension n: Int, maxRank m: Int, shifts: [(sigma: Complex<Double>, tau: Complex<Double>, weight: Complex<Double>)]) {
        controllability = KrylovGramian(dimension: n, maxRank: m)
        observability = KrylovGramian(dimension: n, maxRank: m)
        self.shifts = shifts.map { ($0.sigma, $0.tau) }
        certificate = Matrix(rows: n, cols: n)
        let columns = m + 2 * shifts.count
        left = [Double](repeating: 0, count: n * columns); right = left
        cross = [Double](repeating: 0, count: m * m); half = cross; core = cross
        projected = [Double](repeating: 0, count: m + 1); scratch = projected
        realPart = projected; imaginaryPart = projected
    }
}

extension ImpulseResponseDistance {
    /// The loss (and gradient) by the Krylov route, or nil when `A + Aᵀ` is not negative definite or a projection
    /// does not converge within `n / 2` (the caller then takes the Schur route).
    func evaluateKrylov(a: Matrix, b: [Double], c: [Double], gradient: UnsafeMutablePointer<SystemGradient>?) throws -> Double? {
        guard let k = krylov, KrylovGramian.certifiesStability(a, scratch: &k.certificate) else { return nil }
        let kb = k.controllability
        guard try kb.build(a, transposed: false, start: b, shifts: k.shifts, tolerance: krylovTolerance) else { return nil }
        let n = dimension, m = kb.rank, terms = target.poles.count
        let v = UnsafePointer(kb.basis)
        // Loss: ½ c̃ᵀ Y c̃ − Re Σ r_k c̃ᵀ y_k + ½ E*, with c̃ = Vᵀ c.
        c.withUnsafeBufferPointer { cp in
            BLAS.gemm(.transpose, .none, m: m, n: 1, k: n, alpha: 1, a: v, lda: n, b: cp.baseAddress!, ldb: n,
                      beta: 0, c: &k.projected, ldc: m)
        }
        let y = kb.projectedGramian
        var quadratic = 0.0
        for j in 0..<m {
            var s = 0.0
            for i in 0..<m { s += y[i, j] * k.projected[i] }
            k.scratch[j] = s           // Y c̃, reused for ∂L/∂c
            quadratic += s * k.projected[j]
        }
        var loss = 0.5 * quadratic + halfTargetEnergy
        let solvesB = kb.projectedSolves
        for t in 0..<terms {
            var cross = Complex<Double>.zero
            for i in 0..<m { cross += solvesB[t][i].multiplied(by: k.projected[i]) }
            loss -= (target.residues[t] * cross).real
        }
        guard let g = gradient else { return loss }

        let kc = k.observability
        guard try kc.build(a, transposed: true, start: c, shifts: k.shifts, tolerance: krylovTolerance) else { return nil }
        let q = kc.rank, u = UnsafePointer(kc.basis), yq = kc.projectedGramian, solvesC = kc.projectedSolves
        let columns = m + 2 * terms
        // ∂L/∂c = V (Y c̃) − Re Σ r_k V y_k.
        g.pointee.c.withUnsafeMutableBufferPointer { out in
            BLAS.gemm(.none, .none, m: n, n: 1, k: m, alpha: 1, a: v, lda: n, b: k.scratch, ldb: m, beta: 0,
                      c: out.baseAddress!, ldc: n)
        }
        // Left factor: U K with K = Yq (Uᵀ V) Y (q × m); right factor: V.
        BLAS.gemm(.transpose, .none, m: q, n: m, k: n, alpha: 1, a: u, lda: n, b: v, ldb: n, beta: 0, c: &k.cross, ldc: q)
        yq.storage.withUnsafeBufferPointer { yqp in
            BLAS.gemm(.none, .none, m: q, n: m, k: q, alpha: 1, a: yqp.baseAddress!, lda: q, b: k.cross, ldb: q, beta: 0,
                      c: &k.half, ldc: q)
        }
        y.storage.withUnsafeBufferPointer { yp in
            BLAS.gemm(.none, .none, m: q, n: m, k: m, alpha: 1, a: k.half, lda: q, b: yp.baseAddress!, ldb: m, beta: 0,
                      c: &k.core, ldc: q)
        }
        k.left.withUnsafeMutableBufferPointer { lp in
            BLAS.gemm(.none, .none, m: n, n: m, k: q, alpha: 1, a: u, lda: n, b: k.core, ldb: q, beta: 0,
                      c: lp.baseAddress!, ldc: n)
        }
        k.right.withUnsafeMutableBufferPointer { rp in rp.baseAddress!.update(from: v, count: n * m) }
        // ∂L/∂b = U (Yq Uᵀ b) − Re Σ r_k α_k.
        b.withUnsafeBufferPointer { bp in
            BLAS.gemm(.transpose, .none, m: q, n: 1, k: n, alpha: 1, a: u, lda: n, b: bp.baseAddress!, ldb: n,
                      beta: 0, c: &k.projected, ldc: q)
        }
        for j in 0..<q {
            var s = 0.0
            for i in 0..<q { s += yq[j, i] * k.projected[i] }
            k.scratch[j] = s
        }
        g.pointee.b.withUnsafeMutableBufferPointer { out in
            BLAS.gemm(.none, .none, m: n, n: 1, k: q, alpha: 1, a: u, lda: n, b: k.scratch, ldb: q, beta: 0,
                      c: out.baseAddress!, ldc: n)
        }
        // Target terms: α_k = U y^c_k, β_k = V y^b_k; columns −Re(w α), Im(w α) against Re β, Im β; and the
        // −Re(r α), −Re(r β) parts of ∂L/∂b, ∂L/∂c.
        for t in 0..<terms {
            let weight = shift(t).weight, r = target.residues[t]
            let lre = m + 2 * t, lim = lre + 1
            // w α_k = U (w y^c_k): real and imaginary parts as two columns of `left`.
            for i in 0..<q { let z = weight * solvesC[t][i]; k.realPart[i] = -z.real; k.imaginaryPart[i] = z.imaginary }
            k.left.withUnsafeMutableBufferPointer { lp in
                BLAS.gemm(.none, .none, m: n, n: 1, k: q, alpha: 1, a: u, lda: n, b: k.realPart, ldb: q, beta: 0,
                          c: lp.baseAddress! + lre * n, ldc: n)
                BLAS.gemm(.none, .none, m: n, n: 1, k: q, alpha: 1, a: u, lda: n, b: k.imaginaryPart, ldb: q, beta: 0,
                          c: lp.baseAddress! + lim * n, ldc: n)
            }
            for i in 0..<m { k.realPart[i] = solvesB[t][i].real; k.imaginaryPart[i] = solvesB[t][i].imaginary }
            k.right.withUnsafeMutableBufferPointer { rp in
                BLAS.gemm(.none, .none, m: n, n: 1, k: m, alpha: 1, a: v, lda: n, b: k.realPart, ldb: m, beta: 0,
                          c: rp.baseAddress! + lre * n, ldc: n)
                BLAS.gemm(.none, .none, m: n, n: 1, k: m, alpha: 1, a: v, lda: n, b: k.imaginaryPart, ldb: m, beta: 0,
                          c: rp.baseAddress! + lim * n, ldc: n)
            }
            // −Re(r α_k) = −U Re(r y^c_k);  −Re(r β_k) = −V Re(r y^b_k).
            for i in 0..<q { k.realPart[i] = (r * solvesC[t][i]).real }
            g.pointee.b.withUnsafeMutableBufferPointer { out in
                BLAS.gemm(.none, .none, m: n, n: 1, k: q, alpha: -1, a: u, lda: n, b: k.realPart, ldb: q, beta: 1,
                          c: out.baseAddress!, ldc: n)
            }
            for i in 0..<m { k.realPart[i] = (r * solvesB[t][i]).real }
            g.pointee.c.withUnsafeMutableBufferPointer { out in
                BLAS.gemm(.none, .none, m: n, n: 1, k: m, alpha: -1, a: v, lda: n, b: k.realPart, ldb: m, beta: 1,
                          c: out.baseAddress!, ldc: n)
            }
        }
        // ∂L/∂A = left · rightᵀ over the m + 2·terms columns.
        k.left.withUnsafeBufferPointer { lp in
            k.right.withUnsafeBufferPointer { rp in
                g.pointee.a.storage.withUnsafeMutableBufferPointer { gp in
                    BLAS.gemm(.none, .transpose, m: n, n: n, k: columns, alpha: 1, a: lp.baseAddress!, lda: n,
                              b: rp.baseAddress!, ldb: n, beta: 0, c: gp.baseAddress!, ldc: n)
                }
            }
        }
        return loss
    }
}
