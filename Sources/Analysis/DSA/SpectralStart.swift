import Linalg

/// A starting rotation for PAVF from the symmetric parts: with `sym(Â) = U_a Λ_a U_aᵀ` and `sym(B̂) = U_b Λ_b U_bᵀ`
/// (eigenvalues ascending), `C = U_a D U_bᵀ` with signs D maximising `⟨Â, C B̂ Cᵀ⟩ = Σ_ij Ā_ij B̄_ij d_i d_j`
/// (`Ā = U_aᵀ Â U_a`, `B̄ = U_bᵀ B̂ U_b`) by a greedy pass and single flips. If `B̂ = Qᵀ Â Q` with a simple symmetric
/// spectrum this is Q itself; it also gives the best start found by the same search in the other component of O(n).
enum SpectralStart {
    /// The start and the best start of the opposite determinant (one sign flipped).
    static func starts(_ objective: OrthogonalSimilarityObjective) throws -> (Matrix, Matrix) {
        let n = objective.dimension
        let (_, ua) = try objective.a.symmetricEigen()
        let (_, ub) = try objective.b.symmetricEigen()
        let abar = ua.transposeTimes(objective.a * ua), bbar = ub.transposeTimes(objective.b * ub)
        var w = Matrix(rows: n, cols: n)
        for j in 0..<n { for i in 0..<n where i != j { w[i, j] = abar[i, j] * bbar[i, j] + abar[j, i] * bbar[j, i] } }
        func field(_ d: [Double], _ i: Int) -> Double { (0..<n).reduce(0) { $0 + ($1 == i ? 0 : w[i, $1] * d[$1]) } }
        var d = [Double](repeating: 1, count: n)
        for i in 1..<max(n, 1) {
            let pull = (0..<i).reduce(0.0) { $0 + w[i, $1] * d[$1] }
            d[i] = pull < 0 ? -1 : 1
        }
        // Single flips while one raises the objective (each flip raises it strictly, so this ends).
        var improved = true, sweeps = 0
        while improved && sweeps < 10 * n {
            improved = false
            sweeps += 1
            for i in 0..<n where d[i] * field(d, i) < 0 {
                d[i] = -d[i]
                improved = true
            }
        }
        // The cheapest single flip moves to the other component.
        let cheapest = (0..<n).min { d[$0] * field(d, $0) < d[$1] * field(d, $1) } ?? 0
        var flipped = d
        flipped[cheapest] = -flipped[cheapest]
        func rotation(_ signs: [Double]) -> Matrix {
            var scaled = ua
            for j in 0..<n { for i in 0..<n { scaled[i, j] *= signs[j] } }
            return scaled.timesTranspose(ub)
        }
        return (rotation(d), rotation(flipped))
    }
}

/// Starting rotations from the linear relaxation of PAVF: for orthogonal C, `‖Â − C B̂ Cᵀ‖ = ‖Â C − C B̂‖`, which is
/// linear in C; the unit-norm minimisers over all n × n matrices are the smallest right singular vectors of the
/// Sylvester operator `C ↦ Â C − C B̂` (`I ⊗ Â − B̂ᵀ ⊗ I` on vec C). Each of the `count` smallest is projected to its
/// nearest orthogonal matrix (polar factor `U Vᵀ`) and to the nearest one of the other determinant (the weakest
/// singular direction flipped). A heuristic, not exact even for conjugate operators (there every `C p(B̂)` solves the
/// relaxation); on the DSA benchmark it found basins the other starts missed.
enum SylvesterStart {
    /// (polar factor, flipped polar factor) for each of the `count` smallest singular vectors (a vector and its
    /// negative give the same conjugation, so one of each suffices).
    static func starts(_ objective: OrthogonalSimilarityObjective, count: Int) throws -> [(Matrix, Matrix)] {
        let n = objective.dimension, size = n * n
        // Kᵀ with K = I ⊗ Â − B̂ᵀ ⊗ I, so that Kᵀ K is the row Gram matrix of Kᵀ.
        var kt = Matrix(rows: size, cols: size)
        for col in 0..<n {  // column block of vec C
            for row in 0..<n {
                let j = row + col * n  // column of K: entry C[row, col]
                // (Â C)[i, col] gains Â[i, row]; (C B̂)[row, c] gains B̂[col, c].
                for i in 0..<n { kt[j, i + col * n] += objective.a[i, row] }
                for c in 0..<n { kt[j, row + c * n] -= objective.b[col, c] }
            }
        }
        let gram = kt.rowGram()
        let (_, vectors) = try (-1 * gram).symmetricLeadingEigen(count: min(count, size))
        return try (0..<vectors.cols).map { k in
            let c = Matrix(rows: n, cols: n, columnMajor: vectors.column(k))
            let svd = try c.svd()
            var flipped = svd.U
            for i in 0..<n { flipped[i, n - 1] = -flipped[i, n - 1] }
            return (svd.U * svd.Vt, flipped * svd.Vt)
        }
    }
}
