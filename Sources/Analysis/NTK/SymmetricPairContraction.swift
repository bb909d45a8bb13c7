import Linalg

/// The final-readout contraction `Σ_{k,l} G_kl ⊗ C_kl` of `LinearRNNTangentKernel` over Θ's unique entries only.
///
/// `G_kl = Φ_kᵀ Φ_l` (`P × P`) and `C_kl = L_{T−k} L_{T−l}ᵀ` (`N_y × N_y`) satisfy `G_lk = G_klᵀ`, `C_lk = C_klᵀ`, so
/// `Σ_{k,l} G_kl ⊗ C_kl = Σ_{k≤l} (G_kl + G_klᵀ) ⊗ w_kl (C_kl + C_klᵀ) + Σ_{k<l} (G_kl − G_klᵀ) ⊗ ½ (C_kl − C_klᵀ)`
/// with `w_kl = ½` for k < l and `¼` for k = l. The first sum is symmetric in p ↔ q and in i ↔ j, the second
/// antisymmetric in both, so each is contracted over packed triangles only, `(p ≤ q) × (i ≤ j)` and
/// `(p < q) × (i < j)`: about half the products of contracting all `P² × N_y²` entries with the pairs k ≤ l.
/// `Θ[(p,i),(q,j)] = S[{p,q},{i,j}] + sgn(q−p) sgn(j−i) A[{p,q},{i,j}]`, written to both mirror entries, so Θ is
/// exactly symmetric. Pairs are taken k-major in chunks of `pairsPerChunk`; all buffers are preallocated.
struct SymmetricPairContraction: Sendable {
    let samples: Int, outputs: Int, timeSteps: Int
    /// Pairs k ≤ l whose Gram columns are held at once.
    let pairsPerChunk: Int
    /// Leading feature rows the Grams of pairs (k, l ≥ k) need (all rows, or fewer in the Krylov basis).
    let innerRows: [Int]
    /// `Φ_kᵀ [Φ_l … Φ_{l+r−1}]` for one run of a k-row, `P × T·P`.
    var rowGram: Matrix
    /// `(G + Gᵀ)[p ≤ q]` packed (`p + q(q+1)/2`), one column per pair k ≤ l of the chunk.
    var symGram: Matrix
    /// `(G − Gᵀ)[p < q]` packed (`p + q(q−1)/2`), one column per pair k < l of the chunk.
    var antiGram: Matrix
    /// `w_kl (C + Cᵀ)[i ≤ j]`, `T(T+1)/2 × N_y(N_y+1)/2` (row: pair index k-major).
    var symReadout: Matrix
    /// `½ (C − Cᵀ)[i < j]`, `T(T−1)/2 × N_y(N_y−1)/2` (row: off-diagonal pair index k-major).
    var antiReadout: Matrix
    /// `S`: `P(P+1)/2 × N_y(N_y+1)/2`.
    var symContracted: Matrix
    /// `A`: `P(P−1)/2 × N_y(N_y−1)/2`.
    var antiContracted: Matrix

    var pairs: Int { timeSteps * (timeSteps + 1) / 2 }
    var offDiagonalPairs: Int { timeSteps * (timeSteps - 1) / 2 }

    /// Buffers for P samples, N_y outputs and T steps; `pairsPerChunk` Gram columns of `P²` doubles at once.
    init(samples p: Int, outputs ny: Int, timeSteps T: Int, pairsPerChunk: Int, innerRows: [Int]) {
        precondition(innerRows.count == T, "one inner row count per time step")
        samples = p; outputs = ny; timeSteps = T
        self.pairsPerChunk = pairsPerChunk
        self.innerRows = innerRows
        let sym = p * (p + 1) / 2, anti = p * (p - 1) / 2, ySym = ny * (ny + 1) / 2, yAnti = ny * (ny - 1) / 2
        rowGram = Matrix(rows: p, cols: T * p)
        symGram = Matrix(rows: sym, cols: pairsPerChunk)
        antiGram = Matrix(rows: anti, cols: pairsPerChunk)
        symReadout = Matrix(rows: T * (T + 1) / 2, cols: ySym)
        antiReadout = Matrix(rows: T * (T - 1) / 2, cols: yAnti)
        symContracted = Matrix(rows: sym, cols: ySym)
        antiContracted = Matrix(rows: anti, cols: yAnti)
    }

    /// Fills the packed readout matrices from `readoutGram = L Lᵀ` (`T·N_y` square, block `(u, v)` = `L_u L_vᵀ`).
    mutating func setReadouts(_ readoutGram: Matrix) {
        let ny = outputs, T = timeSteps, ld = T * ny, rows = pairs, antiRows = offDiagonalPairs
        var pair = 0, antiPair = 0
        for k in 0..<T {
            for l in k..<T {
                let r0 = (T - 1 - k) * ny, c0 = (T - 1 - l) * ny, w = k == l ? 0.25 : 0.5
                for j in 0..<ny {
                    for i in 0...j {
                        let cij = readoutGram.storage[r0 + i + (c0 + j) * ld], cji = readoutGram.storage[r0 + j + (c0 + i) * ld]
                        symReadout.storage[pair + (i + j * (j + 1) / 2) * rows] = w * (cij + cji)
                        if k < l && i < j { antiReadout.storage[antiPair + (i + j * (j - 1) / 2) * antiRows] = 0.5 * (cij - cji) }
                    }
                }
                pair += 1
                if k < l { antiPair += 1 }
            }
        }
    }

    /// `S` and `A` from the features `Φ` (`m × T·P`, column `k·P + p`), chunk by chunk.
    mutating func contract(features: Matrix) {
        let p = samples, T = timeSteps, m = features.rows
        let sym = symGram.rows, anti = antiGram.rows, ySym = symReadout.cols, yAnti = antiReadout.cols
        let pairs = self.pairs, offDiagonalPairs = self.offDiagonalPairs, chunk = pairsPerChunk, inner = innerRows
        let hasAnti = anti > 0 && yAnti > 0 && offDiagonalPairs > 0
        var start = 0, antiStart = 0, k = 0, l = 0, antiWritten = false
        features.storage.withUnsafeBufferPointer { fp in
        rowGram.storage.withUnsafeMutableBufferPointer { rp in
        symGram.storage.withUnsafeMutableBufferPointer { sp in
        antiGram.storage.withUnsafeMutableBufferPointer { ap in
        symReadout.storage.withUnsafeBufferPointer { srp in
        antiReadout.storage.withUnsafeBufferPointer { arp in
        symContracted.storage.withUnsafeMutableBufferPointer { scp in
        antiContracted.storage.withUnsafeMutableBufferPointer { acp in
            let f = fp.baseAddress!, row = rp.baseAddress!
            while start < pairs {
                let count = min(chunk, pairs - start)
                var column = 0, antiColumn = 0
                while column < count {
                    let run = min(count - column, T - l)
                    BLAS.gemm(.transpose, .none, m: p, n: run * p, k: inner[k], alpha: 1, a: f + k * p * m, lda: m,
                              b: f + l * p * m, ldb: m, beta: 0, c: row, ldc: p)
                    for r in 0..<run {
                        let g = UnsafePointer(row + r * p * p), offDiagonal = l + r > k
                        Self.pack(g, p: p, sym: sp.baseAddress! + (column + r) * sym,
                                  anti: offDiagonal && hasAnti ? ap.baseAddress! + antiColumn * anti : nil)
                        if offDiagonal { antiColumn += 1 }
                    }
                    column += run
                    l += run
                    if l == T { k += 1; l = k }
                }
                BLAS.gemm(.none, .none, m: sym, n: ySym, k: count, alpha: 1, a: sp.baseAddress!, lda: sym,
                          b: srp.baseAddress! + start, ldb: pairs, beta: start == 0 ? 0 : 1, c: scp.baseAddress!, ldc: sym)
                if hasAnti && antiColumn > 0 {
                    BLAS.gemm(.none, .none, m: anti, n: yAnti, k: antiColumn, alpha: 1, a: ap.baseAddress!, lda: anti,
                              b: arp.baseAddress! + antiStart, ldb: offDiagonalPairs,
                              beta: antiWritten ? 1 : 0, c: acp.baseAddress!, ldc: anti)
                    antiWritten = true
                }
                start += count
                antiStart += antiColumn
            }
            if !antiWritten && !acp.isEmpty { acp.update(repeating: 0) }
        }}}}}}}}
    }

    /// `sym[p + q(q+1)/2] = g[p,q] + g[q,p]` (p ≤ q) and, when `anti` is given, `anti[p + q(q−1)/2] = g[p,q] − g[q,p]`
    /// (p < q), for the column-major `P × P` block `g`.
    static func pack(_ g: UnsafePointer<Double>, p: Int, sym: UnsafeMutablePointer<Double>, anti: UnsafeMutablePointer<Double>?) {
        for q in 0..<p {
            let column = g + q * p, s = sym + q * (q + 1) / 2
            if let anti {
                let a = anti + q * (q - 1) / 2
                for r in 0..<q {
                    let upper = column[r], lower = g[q + r * p]
                    s[r] = upper + lower
                    a[r] = upper - lower
                }
            } else {
                for r in 0..<q { s[r] = column[r] + g[q + r * p] }
            }
            s[q] = 2 * column[q]
        }
    }

    /// Writes Θ (`P·N_y` square, row `i + N_y·p`) from `S` and `A`, every entry and its mirror.
    func assemble(into kernel: inout Matrix) {
        let p = samples, ny = outputs, n = p * ny, sym = symContracted.rows, anti = antiContracted.rows
        symContracted.storage.withUnsafeBufferPointer { scp in
        antiContracted.storage.withUnsafeBufferPointer { acp in
        kernel.storage.withUnsafeMutableBufferPointer { kp in
            let th = kp.baseAddress!
            for q in 0..<p {
                for pr in 0...q {
                    // S[{p,q}, y] at s[sym·y], A[{p,q}, y] at a[anti·y].
                    let s = scp.baseAddress! + (pr + q * (q + 1) / 2)
                    let a = pr < q && ny > 1 ? acp.baseAddress! + (pr + q * (q - 1) / 2) : nil
                    for j in 0..<ny {
                        for i in 0..<ny {
                            var v = i <= j ? s[sym * (i + j * (j + 1) / 2)] : s[sym * (j + i * (i + 1) / 2)]
                            if let a, i != j {
                                v += i < j ? a[anti * (i + j * (j - 1) / 2)] : -a[anti * (j + i * (i - 1) / 2)]
                            }
                            th[i + ny * pr + n * (j + ny * q)] = v
                            th[j + ny * q + n * (i + ny * pr)] = v
                        }
                    }
                }
            }
        }}}
    }
}
