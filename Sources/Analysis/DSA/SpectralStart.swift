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
