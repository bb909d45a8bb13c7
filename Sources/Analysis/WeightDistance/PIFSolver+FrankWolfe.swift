import Linalg

extension PIFSolver {
    /// Runs FAQ from `start`, leaving the relaxed solution P in `pt`; returns the iterations (SciPy's `nit`).
    ///
    /// Each step is one assignment, one `vertexGradient` and one fused pass over the n × n buffers (P and G(P)
    /// updated, ⟨G, P⟩, ⟨C, P⟩ and ‖P‖² for the next step accumulated on the way); the line search and the step
    /// length then cost O(n).
    func frankWolfe(from start: PIFStart, first: PermutableWeights, second: PermutableWeights) throws -> Int {
        let nn = n * n
        switch start {
        case .barycenter:
            pt.update(repeating: 1 / Double(n), count: nn)
            gradientAtBarycenter()
        case .signature:
            signatures.assign(first, second, assignment: &assignment)
            assignment.copyColumns(into: &direction)
            setVertex(direction)
            vertexGradient(direction)
            gt.update(from: gq, count: nn)
        case .random(let r):
            var rng = options.streams.stream("random-start-\(r)")
            for i in 0..<nn { pt[i] = rng.uniform() }
            sinkhorn()
            for i in 0..<nn { pt[i] = 0.5 * (pt[i] + 1 / Double(n)) }
            gradientAtDoublyStochastic()
        }
        var sums = StepSums()
        for i in 0..<nn { sums.gP += gt[i] * pt[i]; sums.squaredNorm += pt[i] * pt[i] }
        if hasLinearTerm { for i in 0..<nn { sums.cP += ct[i] * pt[i] } }
        var iteration = 0
        while iteration < options.maxIterations {
            iteration += 1
            // Direction: the vertex Q maximising ⟨G(P), Q⟩.
            let gradientAtQ = assignment.solve(rowMajor: gt, maximize: true)
            assignment.copyColumns(into: &direction)
            vertexGradient(direction)
            let step = lineSearch(towards: direction, gradientAtQ: gradientAtQ, sums)
            // ‖P_k − P_{k+1}‖ = t ‖Q − P‖.
            var overlap = 0.0
            direction.withUnsafeBufferPointer { q in for i in 0..<n { overlap += pt[q[i] + i * n] } }
            let move = step * max(0, sums.squaredNorm - 2 * overlap + Double(n)).squareRoot()
            let converged = move / Double(n).squareRoot() < options.tolerance
            if step > 0 { sums = advance(towards: direction, step: step, gradientToo: !converged) }
            if converged { break }
        }
        return iteration
    }

    /// ⟨G, P⟩, ⟨C, P⟩ and ‖P‖² of the current iterate.
    struct StepSums {
        var gP = 0.0, cP = 0.0, squaredNorm = 0.0
    }

    /// P ← P + t (Q − P) and, when `gradientToo`, G(P) ← G(P) + t (G(Q) − G(P)) (G(Q) in `gq`), in one pass over
    /// the buffers; returns the sums of the new iterate (zeros when not `gradientToo`: the search stops there).
    func advance(towards q: [Int], step: Double, gradientToo: Bool) -> StepSums {
        let nn = n * n, keep = 1 - step
        var sums = StepSums()
        if gradientToo {
            var gP = 0.0, squaredNorm = 0.0
            for i in 0..<nn {
                let p = keep * pt[i], g = keep * gt[i] + step * gq[i]
                pt[i] = p
                gt[i] = g
                gP += g * p
                squaredNorm += p * p
            }
            sums.gP = gP
            sums.squaredNorm = squaredNorm
            if hasLinearTerm { for i in 0..<nn { sums.cP += ct[i] * pt[i] } }
        } else {
            for i in 0..<nn { pt[i] *= keep }
            q.withUnsafeBufferPointer { q in for i in 0..<n { pt[q[i] + i * n] += step } }
            return sums
        }
        // The vertex entries: P[i, q(i)] gains t.
        q.withUnsafeBufferPointer { q in
            for i in 0..<n {
                let k = q[i] + i * n, p = pt[k]
                sums.gP += step * gt[k]
                sums.cP += step * ct[k]
                sums.squaredNorm += (2 * p + step) * step
                pt[k] = p + step
            }
        }
        return sums
    }

    /// The step t ∈ [0, 1] maximising F(P + t(Q − P)), a quadratic whose coefficients follow from G(P) and G(Q) in
    /// O(n): F(P + tD) = F(P) + t⟨G, D⟩ + t² f(D), f(D) = f(Q) − ⟨Q, G − C⟩ + f(P) with f(X) = (⟨G(X), X⟩ − ⟨C, X⟩)/2
    /// the quadratic part of F. Ties go to Q, as in SciPy.
    func lineSearch(towards q: [Int], gradientAtQ: Double, _ sums: StepSums) -> Double {
        var cQ = 0.0, gqQ = 0.0
        q.withUnsafeBufferPointer { q in
            for i in 0..<n {
                let k = q[i] + i * n
                gqQ += gq[k]
                if hasLinearTerm { cQ += ct[k] }
            }
        }
        let fQ = 0.5 * (gqQ - cQ)
        let fP = 0.5 * (sums.gP - sums.cP)
        let quadratic = fQ - (gradientAtQ - cQ) + fP
        let linear = gradientAtQ - sums.gP
        if quadratic < 0 {
            let vertex = -linear / (2 * quadratic)
            if vertex >= 0 && vertex <= 1 { return vertex }
        }
        return linear + quadratic >= 0 ? 1 : 0
    }

    /// `gt ← G(P)ᵀ` at the barycenter P = 11ᵀ/n in O(n²): [B Pᵀ | Bᵀ Pᵀ] [Aᵀ; A] = ((B1)(A1)ᵀ + (Bᵀ1)(Aᵀ1)ᵀ)/n.
    func gradientAtBarycenter() {
        let rowsB = vectors, columnsB = vectors + n, rowsA = vectors + 2 * n, columnsA = vectors + 3 * n
        for i in 0..<n { rowsB[i] = 0; rowsA[i] = 0 }
        for j in 0..<n {
            var sumB = 0.0, sumA = 0.0
            for i in 0..<n {
                rowsB[i] += b[i + j * n]; sumB += b[i + j * n]
                rowsA[i] += a[i + j * n]; sumA += a[i + j * n]
            }
            columnsB[j] = sumB
            columnsA[j] = sumA
        }
        let scale = 1 / Double(n)
        for j in 0..<n {
            let rA = rowsA[j] * scale, cA = columnsA[j] * scale
            for i in 0..<n { gt[i + j * n] = ct[i + j * n] + (rowsB[i] * rA + columnsB[i] * cA) }
        }
    }

    /// `gt ← G(P)ᵀ = Cᵀ + [B Pᵀ | Bᵀ Pᵀ] [Aᵀ; A]` for the doubly stochastic P held in `pt`.
    func gradientAtDoublyStochastic() {
        BLAS.gemm(.none, .none, m: n, n: n, k: n, alpha: 1, a: b, lda: n, b: pt, ldb: n, beta: 0, c: left, ldc: n)
        BLAS.gemm(.none, .none, m: n, n: n, k: n, alpha: 1, a: bt, lda: n, b: pt, ldb: n, beta: 0, c: left + n * n, ldc: n)
        gt.update(from: ct, count: n * n)
        BLAS.gemm(.none, .none, m: n, n: n, k: 2 * n, alpha: 1, a: left, lda: n, b: stackedA, ldb: 2 * n, beta: 1, c: gt, ldc: n)
    }

    /// `target ← G(Q)ᵀ` for the permutation matrix Q of `q`: column j of B Qᵀ is column q(j) of B, so the left factor
    /// is a column gather and the product one GEMM.
    func gradientAtVertex(_ q: [Int], into target: UnsafeMutablePointer<Double>) {
        q.withUnsafeBufferPointer { q in
            for j in 0..<n {
                (left + j * n).update(from: b + q[j] * n, count: n)
                (left + (n + j) * n).update(from: bt + q[j] * n, count: n)
            }
        }
        target.update(from: ct, count: n * n)
        BLAS.gemm(.none, .none, m: n, n: n, k: 2 * n, alpha: 1, a: left, lda: n, b: stackedA, ldb: 2 * n, beta: 1, c: target, ldc: n)
    }

    /// `gq ← G(Q)ᵀ` for the permutation `q`. When `gq` holds G(Q′)ᵀ for a vertex Q′ that differs from Q in c ≤ n/2
    /// rows, it is corrected in place: G(Q)ᵀ − G(Q′)ᵀ = Σ over the changed rows j of
    /// (B[:, q(j)] − B[:, q′(j)]) A[:, j]ᵀ + (Bᵀ[:, q(j)] − Bᵀ[:, q′(j)]) Aᵀ[:, j]ᵀ, one `n × 2c × n` GEMM;
    /// otherwise it is recomputed (`gradientAtVertex`).
    func vertexGradient(_ q: [Int]) {
        var changed = 0
        if gqValid {
            q.withUnsafeBufferPointer { q in
                for j in 0..<n where q[j] != gqVertex[j] { changedRows[changed] = j; changed += 1 }
            }
        }
        if !gqValid || 2 * changed > n {
            gradientAtVertex(q, into: gq)
        } else if changed > 0 {
            q.withUnsafeBufferPointer { q in
                for k in 0..<changed {
                    let j = changedRows[k], new = q[j], old = gqVertex[j]
                    let dB = left + k * n, dBt = left + (changed + k) * n
                    for i in 0..<n {
                        dB[i] = b[i + new * n] - b[i + old * n]
                        dBt[i] = bt[i + new * n] - bt[i + old * n]
                    }
                    (gathered + k * n).update(from: a + j * n, count: n)
                    (gathered + (changed + k) * n).update(from: at + j * n, count: n)
                }
            }
            BLAS.gemm(.none, .transpose, m: n, n: n, k: 2 * changed, alpha: 1, a: left, lda: n, b: gathered, ldb: n,
                      beta: 1, c: gq, ldc: n)
        }
        q.withUnsafeBufferPointer { q in for j in 0..<n { gqVertex[j] = q[j] } }
        gqValid = true
    }

    /// `pt ← ` the permutation matrix of `q` (row-major).
    func setVertex(_ q: [Int]) {
        pt.update(repeating: 0, count: n * n)
        q.withUnsafeBufferPointer { q in for i in 0..<n { pt[q[i] + i * n] = 1 } }
    }

    /// Balances the positive matrix in `pt` to doubly stochastic (Sinkhorn–Knopp; row and column sums within 1e-12).
    func sinkhorn() {
        let sums = vectors
        for _ in 0..<10_000 {
            // Rows of P are the contiguous columns of `pt`.
            var worst = 0.0
            for i in 0..<n {
                var s = 0.0
                for j in 0..<n { s += pt[j + i * n] }
                worst = max(worst, abs(s - 1))
                let inverse = 1 / s
                for j in 0..<n { pt[j + i * n] *= inverse }
            }
            for j in 0..<n { sums[j] = 0 }
            for i in 0..<n { for j in 0..<n { sums[j] += pt[j + i * n] } }
            for j in 0..<n { worst = max(worst, abs(sums[j] - 1)); sums[j] = 1 / sums[j] }
            if worst < 1e-12 { return }
            for i in 0..<n { for j in 0..<n { pt[j + i * n] *= sums[j] } }
        }
    }
}
