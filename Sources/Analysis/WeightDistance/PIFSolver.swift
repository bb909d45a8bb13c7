import Linalg

/// Permutation-invariant Frobenius (PIF) distances between networks of one shape, on buffers allocated once.
///
/// d(W1, W2) = min over permutations P of ‖W1 − Pᵀ W2 P‖_F (arXiv 2410.03972, on W_h), optionally with unit-indexed
/// blocks permuted consistently (`PermutableWeights`). With Π = Pᵀ this is the graph-matching QAP
/// max_Π ⟨A, Π B Πᵀ⟩ + ⟨Π, C⟩ (A = W1, B = W2, C = R1 R2ᵀ + C1ᵀ C2 from the blocks), solved as in SciPy's
/// `quadratic_assignment(method="faq", maximize=True)` — Frank–Wolfe over doubly stochastic matrices with an exact
/// line search and exact linear assignment steps — from several starts, each optionally refined by 2-opt.
/// Each Frank–Wolfe step costs one assignment (Jonker–Volgenant) and one update of the gradient, which is linear
/// in P: G ← (1 − t) G + t G(Q) with G(Q)ᵀ = Cᵀ + [B Qᵀ | Bᵀ Qᵀ] [Aᵀ; A] for the vertex Q. G(Q) is kept from the
/// previous vertex and corrected by one `n × 2c × n` GEMM when c ≤ n/2 rows of Q changed (`vertexGradient`), else
/// recomputed by one `n × 2n × n` GEMM.
/// The pair is solved in a canonical order (by content), so d(A, B) and d(B, A) are the same number.
/// Not thread-safe: use one solver per thread.
public final class PIFSolver {
    /// Hidden units n.
    public let units: Int
    /// Columns k of the unit-row blocks.
    public let unitRowWidth: Int
    /// Rows m of the unit-column blocks.
    public let unitColumnHeight: Int
    /// The search settings.
    public let options: PIFOptions

    let n: Int
    var assignment: AssignmentWorkspace
    // Column-major n × n unless noted; the "t" buffers hold transposes, i.e. row-major copies.
    let a: UnsafeMutablePointer<Double>          // A
    let at: UnsafeMutablePointer<Double>         // Aᵀ
    let stackedA: UnsafeMutablePointer<Double>   // [Aᵀ; A], 2n × n
    let b: UnsafeMutablePointer<Double>          // B
    let bt: UnsafeMutablePointer<Double>         // Bᵀ
    let ct: UnsafeMutablePointer<Double>         // Cᵀ (C row-major)
    let left: UnsafeMutablePointer<Double>       // [B Pᵀ | Bᵀ Pᵀ], n × 2n
    let gt: UnsafeMutablePointer<Double>         // G(P)ᵀ: row i of the gradient is contiguous
    let gq: UnsafeMutablePointer<Double>         // G(Q)ᵀ for the vertex `gqVertex` (when `gqValid`)
    let gqVertex: UnsafeMutablePointer<Int>      // n
    var gqValid = false
    let gathered: UnsafeMutablePointer<Double>   // n × 2n scratch: columns of A and Aᵀ for a low-rank update
    let changedRows: UnsafeMutablePointer<Int>   // n
    let pt: UnsafeMutablePointer<Double>         // Pᵀ (P row-major)
    let bp: UnsafeMutablePointer<Double>         // B[π, π] during 2-opt
    let swapGain: UnsafeMutablePointer<Double>   // G(Π)Πᵀ during 2-opt
    let vectors: UnsafeMutablePointer<Double>    // 4n scratch
    var permutation: [Int]
    var direction: [Int]
    var hasLinearTerm = false
    var scaleA = 0.0, scaleB = 0.0
    let signatures: SignatureWorkspace

    /// A solver for networks with `units` hidden units, unit-row blocks of `unitRowWidth` columns and unit-column
    /// blocks of `unitColumnHeight` rows; throws `.invalidInput` for negative sizes or invalid options.
    public init(units: Int, unitRowWidth: Int = 0, unitColumnHeight: Int = 0, options: PIFOptions = PIFOptions()) throws {
        guard units >= 1, unitRowWidth >= 0, unitColumnHeight >= 0 else {
            throw LinalgError.invalidInput("PIF sizes must be units ≥ 1 and block sizes ≥ 0, got \(units), \(unitRowWidth), \(unitColumnHeight)")
        }
        self.units = units
        self.unitRowWidth = unitRowWidth
        self.unitColumnHeight = unitColumnHeight
        self.options = try options.validated()
        n = units
        assignment = try AssignmentWorkspace(rows: units, cols: units)
        let nn = units * units
        func buffer(_ count: Int) -> UnsafeMutablePointer<Double> {
            let p = UnsafeMutablePointer<Double>.allocate(capacity: count)
            p.initialize(repeating: 0, count: count)
            return p
        }
        a = buffer(nn); at = buffer(nn); gathered = buffer(2 * nn); stackedA = buffer(2 * nn); b = buffer(nn); bt = buffer(nn); ct = buffer(nn)
        left = buffer(2 * nn); gt = buffer(nn); gq = buffer(nn); pt = buffer(nn); bp = buffer(nn); swapGain = buffer(nn)
        vectors = buffer(4 * units)
        gqVertex = .allocate(capacity: units)
        gqVertex.initialize(repeating: 0, count: units)
        changedRows = .allocate(capacity: units)
        changedRows.initialize(repeating: 0, count: units)
        permutation = Array(0..<units)
        direction = Array(0..<units)
        signatures = SignatureWorkspace(units: units, extra: unitRowWidth + unitColumnHeight)
    }

    deinit {
        for p in [a, at, gathered, stackedA, b, bt, ct, left, gt, gq, pt, bp, swapGain, vectors] { p.deallocate() }
        gqVertex.deallocate()
        changedRows.deallocate()
    }

    /// The PIF distance between the recurrent matrices `w1` and `w2` (`units × units`, no other blocks).
    public func distance(_ w1: Matrix, _ w2: Matrix) throws -> PIFResult {
        try distance(PermutableWeights(recurrent: w1), PermutableWeights(recurrent: w2))
    }

    /// The PIF distance between two networks of this solver's shape; throws `.shape` for another shape.
    public func distance(_ first: PermutableWeights, _ second: PermutableWeights) throws -> PIFResult {
        for w in [first, second] where w.units != n || w.unitRows.cols != unitRowWidth || w.unitColumns.rows != unitColumnHeight {
            throw LinalgError.shape("PIF solver is for \(n) units, \(unitRowWidth) row-block columns and \(unitColumnHeight) "
                                    + "column-block rows; got \(w.units), \(w.unitRows.cols), \(w.unitColumns.rows)")
        }
        let swapped = Self.precedes(second, first)
        let (x, y) = swapped ? (second, first) : (first, second)
        load(x, y)
        var records: [PIFStartRecord] = []
        var best: [Int] = [], bestObjective = -Double.infinity, bestIndex = 0
        for (index, start) in options.starts.enumerated() {
            let iterations = try frankWolfe(from: start, first: x, second: y)
            assignment.solve(rowMajor: pt, maximize: true)
            assignment.copyColumns(into: &permutation)
            let projected = objective(of: permutation)
            var refined = projected, swaps = 0
            if options.pairwiseSwaps {
                swaps = refineBySwaps()
                refined = objective(of: permutation)
            }
            records.append(PIFStartRecord(start: start, iterations: iterations, projectedObjective: projected,
                                          refinedObjective: refined, swaps: swaps))
            if refined > bestObjective { bestObjective = refined; best = permutation; bestIndex = index }
        }
        let distance = Self.frobeniusDistance(x, y, best)
        if swapped {
            var inverse = best
            for (i, j) in best.enumerated() { inverse[j] = i }
            best = inverse
        }
        return PIFResult(permutation: best, distance: distance, parameterCount: first.parameterCount, objective: bestObjective,
                         starts: records, bestStart: bestIndex, solver: options.solverDescription)
    }

    /// Whether `x` comes before `y` in the canonical order (lexicographic on the blocks' entries).
    static func precedes(_ x: PermutableWeights, _ y: PermutableWeights) -> Bool {
        for (u, v) in [(x.recurrent, y.recurrent), (x.unitRows, y.unitRows), (x.unitColumns, y.unitColumns)] {
            for (p, q) in zip(u.storage, v.storage) where p != q { return p < q }
        }
        return false
    }

    /// ‖x − y relabelled by π‖_F over all blocks, summed entry by entry.
    static func frobeniusDistance(_ x: PermutableWeights, _ y: PermutableWeights, _ pi: [Int]) -> Double {
        let n = x.units
        var sum = 0.0
        for j in 0..<n {
            for i in 0..<n { let d = x.recurrent[i, j] - y.recurrent[pi[i], pi[j]]; sum += d * d }
        }
        for k in 0..<x.unitRows.cols {
            for i in 0..<n { let d = x.unitRows[i, k] - y.unitRows[pi[i], k]; sum += d * d }
        }
        for i in 0..<n {
            for l in 0..<x.unitColumns.rows { let d = x.unitColumns[l, i] - y.unitColumns[l, pi[i]]; sum += d * d }
        }
        return sum.squareRoot()
    }

    /// Copies A, B and the linear term of the pair into the buffers.
    func load(_ x: PermutableWeights, _ y: PermutableWeights) {
        let nn = n * n
        x.recurrent.storage.withUnsafeBufferPointer { a.update(from: $0.baseAddress!, count: nn) }
        y.recurrent.storage.withUnsafeBufferPointer { b.update(from: $0.baseAddress!, count: nn) }
        for i in 0..<n {
            for j in 0..<n {
                stackedA[i + j * 2 * n] = a[j + i * n]       // Aᵀ on top
                stackedA[n + i + j * 2 * n] = a[i + j * n]   // A below
                at[i + j * n] = a[j + i * n]
                bt[i + j * n] = b[j + i * n]
            }
        }
        gqValid = false
        scaleA = x.recurrent.frobeniusNorm
        scaleB = y.recurrent.frobeniusNorm
        ct.update(repeating: 0, count: nn)
        hasLinearTerm = unitRowWidth > 0 || unitColumnHeight > 0
        // Cᵀ = R2 R1ᵀ + C2ᵀ C1.
        if unitRowWidth > 0 {
            x.unitRows.storage.withUnsafeBufferPointer { r1 in
                y.unitRows.storage.withUnsafeBufferPointer { r2 in
                    BLAS.gemm(.none, .transpose, m: n, n: n, k: unitRowWidth, alpha: 1, a: r2.baseAddress!, lda: n,
                              b: r1.baseAddress!, ldb: n, beta: 1, c: ct, ldc: n)
                }
            }
        }
        if unitColumnHeight > 0 {
            x.unitColumns.storage.withUnsafeBufferPointer { c1 in
                y.unitColumns.storage.withUnsafeBufferPointer { c2 in
                    BLAS.gemm(.transpose, .none, m: n, n: n, k: unitColumnHeight, alpha: 1, a: c2.baseAddress!,
                              lda: unitColumnHeight, b: c1.baseAddress!, ldb: unitColumnHeight, beta: 1, c: ct, ldc: n)
                }
            }
        }
    }

    /// The objective ⟨A, Π B Πᵀ⟩ + ⟨Π, C⟩ of the permutation π (Π row i = e_{π(i)}).
    func objective(of pi: [Int]) -> Double {
        var quadratic = 0.0, linear = 0.0
        pi.withUnsafeBufferPointer { p in
            for j in 0..<n {
                let column = b + p[j] * n
                let aj = a + j * n
                for i in 0..<n { quadratic += aj[i] * column[p[i]] }
            }
            if hasLinearTerm { for i in 0..<n { linear += ct[p[i] + i * n] } }
        }
        return quadratic + linear
    }
}
