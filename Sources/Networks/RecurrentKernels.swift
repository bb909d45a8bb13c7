import CKernels
import Foundation
import Linalg

/// Raw-buffer loops shared by the nonlinear recurrent networks' BPTT (column-major, allocation-free).
enum RecurrentKernels {
    /// `c[:, j] += scale · v` for every column j of the `rows × cols` buffer `c`.
    static func addColumn(_ v: UnsafePointer<Double>, scale: Double = 1, to c: UnsafeMutablePointer<Double>,
                          rows: Int, cols: Int) {
        for j in 0..<cols {
            let col = c + j * rows
            for i in 0..<rows { col[i] += scale * v[i] }
        }
    }

    /// `out[i] = Σ_j a[i, j]` over the `rows × cols` buffer `a`.
    static func rowSums(_ a: UnsafePointer<Double>, rows: Int, cols: Int, into out: UnsafeMutablePointer<Double>) {
        out.update(repeating: 0, count: rows)
        for j in 0..<cols {
            let col = a + j * rows
            for i in 0..<rows { out[i] += col[i] }
        }
    }

    /// Applies tanh to `count` entries of `z`, writing the results to `out` (may equal `z`); returns the largest |z|
    /// seen before the map (NaN if any entry is NaN). The vectorised kernel of `rnndyn_tanh.h` (a few ulp from libm).
    static func tanhInPlace(_ z: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>, count: Int) -> Double {
        rnndyn_tanh_columns(z, nil, out, count, 1)
    }

    /// The larger of two running maxima, NaN when either is NaN (`Swift.max` would drop a NaN).
    static func maxKeepingNaN(_ a: Double, _ b: Double) -> Double { a.isNaN || b.isNaN ? .nan : max(a, b) }

    /// Uniform matrix on `[−bound, bound)`, filled column by column from `rng`.
    static func uniformMatrix(rows: Int, cols: Int, bound: Double, rng: inout Xoshiro256) -> Matrix {
        var m = Matrix(rows: rows, cols: cols)
        for k in 0..<m.count { m.storage[k] = bound * (2 * rng.uniform() - 1) }
        return m
    }

    /// Readout residuals and loss. Writes `r = w·(multiplier · W φ[:, offset…] + bias − Y)/P` into `residuals`
    /// (`N_y × outCols`) and returns `L = ½ Σ w·(multiplier · W φ + bias − Y)² / P` (`LossConvention`), with the
    /// per-entry `lossWeights` w shaped like the targets (nil: w = 1). Allocation-free.
    static func readoutResiduals(weights w: Matrix, multiplier: Double, bias: Matrix?, activations phi: UnsafePointer<Double>,
                                 firstColumn offset: Int, targets: Matrix, lossWeights: Matrix?, samples p: Int,
                                 into residuals: inout Matrix) -> Double {
        let ny = w.rows, n = w.cols, outCols = residuals.cols
        precondition(targets.shape == residuals.shape, "targets are \(targets.shape), readout needs \(residuals.shape)")
        return residuals.storage.withUnsafeMutableBufferPointer { rp in
            let r = rp.baseAddress!
            targets.storage.withUnsafeBufferPointer { r.update(from: $0.baseAddress!, count: $0.count) }
            w.storage.withUnsafeBufferPointer { wp in
                BLAS.gemm(.none, .none, m: ny, n: outCols, k: n, alpha: multiplier, a: wp.baseAddress!, lda: ny,
                          b: phi + offset * n, ldb: n, beta: -1, c: r, ldc: ny)
            }
            if let bias {
                bias.storage.withUnsafeBufferPointer { addColumn($0.baseAddress!, to: r, rows: ny, cols: outCols) }
            }
            return weightedLoss(rp, lossWeights: lossWeights, samples: p)
        }
    }

    /// Turns raw residuals `e = ŷ − y` into the scaled residuals `w·e/P` in place and returns `½ Σ w·e² / P`
    /// (w = 1 when `lossWeights` is nil). Allocation-free.
    static func weightedLoss(_ e: UnsafeMutableBufferPointer<Double>, lossWeights: Matrix?, samples p: Int) -> Double {
        let invP = 1 / Double(p)
        var squared = 0.0
        if let lossWeights {
            precondition(lossWeights.count == e.count, "loss weights have \(lossWeights.count) entries, residuals \(e.count)")
            lossWeights.storage.withUnsafeBufferPointer { wp in
                for i in e.indices {
                    let we = wp[i] * e[i]
                    squared += we * e[i]
                    e[i] = we * invP
                }
            }
        } else {
            for i in e.indices { squared += e[i] * e[i] }
            for i in e.indices { e[i] *= invP }
        }
        return 0.5 * squared / Double(p)
    }
}
