import Linalg

extension PIFSolver {
    /// Best-improvement 2-opt on `permutation`: applies the swap π(r) ↔ π(s) that raises the objective most until
    /// none raises it by more than round-off; returns the swaps applied.
    ///
    /// With Bp = B[π, π] and M = G(Π)Πᵀ (M[r, s] = G[r, π(s)], one GEMM), the gain of swapping r and s is
    /// M_rs + M_sr − M_rr − M_ss corrected by O(1) entries of A and Bp where the swapped rows and columns cross, so
    /// a full scan is O(n²). After a swap, M ← (M − x yᵀ − z wᵀ) S with x, z the differences of columns and rows
    /// r, s of A, y, w those of Bp, and S the transposition: O(n²) per swap.
    func refineBySwaps() -> Int {
        vertexGradient(permutation)
        let nn = n * n
        var linearScale = 0.0
        if hasLinearTerm { for i in 0..<nn { linearScale = max(linearScale, abs(ct[i])) } }
        let threshold = 1e-12 * (scaleA * scaleB + Double(n) * linearScale)
        var swaps = 0
        permutation.withUnsafeMutableBufferPointer { pi in
            for s in 0..<n {
                for r in 0..<n { swapGain[r + s * n] = gq[pi[s] + r * n] }
                for i in 0..<n { bp[i + s * n] = b[pi[i] + pi[s] * n] }
            }
            while swaps < options.maxSwapsPerUnit * n {
                let (gain, r, s) = bestSwap()
                if gain <= threshold { break }
                applySwap(r, s)
                pi.swapAt(r, s)
                swaps += 1
            }
        }
        return swaps
    }

    /// The largest swap gain over pairs r < s, with the pair.
    private func bestSwap() -> (Double, Int, Int) {
        var best = -Double.infinity, bestR = 0, bestS = 0
        for s in 1..<max(1, n) {
            let mss = swapGain[s + s * n], ass = a[s + s * n], bss = bp[s + s * n]
            for r in 0..<s {
                let rr = r + r * n, rs = r + s * n, sr = s + r * n
                let arr = a[rr], ars = a[rs], asr = a[sr]
                let brr = bp[rr], brs = bp[rs], bsr = bp[sr]
                // Terms k = r and k = s of the full sums, which the exact gain replaces by the crossing entries.
                let atR = (arr - asr) * (bsr - brr) + (arr - ars) * (brs - brr)
                let atS = (ars - ass) * (bss - brs) + (asr - ass) * (bss - bsr)
                let crossing = (arr - ass) * (bss - brr) + (asr - ars) * (brs - bsr)
                let gain = swapGain[rs] + swapGain[sr] - swapGain[rr] - mss - atR - atS + crossing
                if gain > best { best = gain; bestR = r; bestS = s }
            }
        }
        return (best, bestR, bestS)
    }

    /// Updates `swapGain` and `bp` for the swap of r and s.
    private func applySwap(_ r: Int, _ s: Int) {
        let x = vectors, y = vectors + n, z = vectors + 2 * n, w = vectors + 3 * n
        for i in 0..<n {
            x[i] = a[i + r * n] - a[i + s * n]
            y[i] = bp[i + r * n] - bp[i + s * n]
            z[i] = a[r + i * n] - a[s + i * n]
            w[i] = bp[r + i * n] - bp[s + i * n]
        }
        for j in 0..<n {
            let yj = y[j], wj = w[j]
            let column = swapGain + j * n
            for i in 0..<n { column[i] -= x[i] * yj + z[i] * wj }
        }
        swapColumns(swapGain, r, s)
        swapColumns(bp, r, s)
        for j in 0..<n { bp.swapRows(r, s, column: j, n: n) }
    }

    private func swapColumns(_ m: UnsafeMutablePointer<Double>, _ r: Int, _ s: Int) {
        for i in 0..<n { let t = m[i + r * n]; m[i + r * n] = m[i + s * n]; m[i + s * n] = t }
    }
}

private extension UnsafeMutablePointer<Double> {
    func swapRows(_ r: Int, _ s: Int, column j: Int, n: Int) {
        let t = self[r + j * n]; self[r + j * n] = self[s + j * n]; self[s + j * n] = t
    }
}
