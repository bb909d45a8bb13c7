import Linalg

/// Writes the blocks of a recurrent network's output Jacobian from the per-readout adjoints of one sample chunk
/// (shared by `TanhRNN` and `LeakyRateRNN`).
///
/// **Adjoint layout:** for one readout time with step t, `adjoints` holds `∂ŷ_{t,p,i}/∂s_k` for k = 1…t, s_k the
/// quantity the recursion differentiates (pre-activation or state) after input k: entry `a` of output `(p, i)` at
/// step k is at `a + N·(i + N_y·p) + stepStride·(k − 1)`, `stepStride = N·N_y·c`. Jacobian rows and columns follow
/// `OutputJacobianModel`; `jacobian` is column-major with `rows` rows.
struct RecurrentJacobianWriter {
    /// Hidden width N, output width N_y, samples in the chunk c, Jacobian rows.
    let n: Int, ny: Int, samples: Int, rows: Int
    /// The Jacobian being written.
    let jacobian: UnsafeMutablePointer<Double>
    /// Scratch of at least `N·N_y·max(N, N_x)·c` entries.
    let scratch: UnsafeMutablePointer<Double>

    /// Distance between the adjoints of consecutive steps.
    var stepStride: Int { n * ny * samples }

    /// The Jacobian row of output i of chunk sample p at readout τ.
    func row(_ tau: Int, _ p: Int, _ i: Int) -> Int { i + ny * (p + samples * tau) }

    /// A weight block `N × f` whose entry (a, b) has derivative `scale · Σ_{k = 1+lag…t} adj_k[a] F[b, (k−1−lag)·c + p]`
    /// (F `f × T·c`, `SequenceBatch` layout, so `lag` = 1 pairs step k with the feature of step k − 1), plus
    /// `scale · adj_1[a] initial[b]` when `lag` = 1 and an `initial` feature (the h_0 term) is given.
    /// One `N·N_y × f × (t − lag)` GEMM per sample into the scratch, then a transposing copy into the block's columns,
    /// feature by feature so that the rows of all samples of one column are written together (cache-friendly).
    func featureBlock(adjoints: UnsafePointer<Double>, steps t: Int, readout tau: Int, features: UnsafePointer<Double>,
                      featureRows f: Int, lag: Int, initial: UnsafePointer<Double>?, scale: Double, column offset: Int) {
        let m = n * ny, stride = stepStride
        for p in 0..<samples {
            let out = scratch + p * m * f
            BLAS.gemm(.none, .transpose, m: m, n: f, k: max(0, t - lag), alpha: scale, a: adjoints + lag * stride + p * m,
                      lda: stride, b: features + p * f, ldb: f * samples, beta: 0, c: out, ldc: m)
            if lag == 1, let initial {
                BLAS.gemm(.none, .transpose, m: m, n: f, k: 1, alpha: scale, a: adjoints + p * m, lda: stride,
                          b: initial, ldb: f, beta: 1, c: out, ldc: m)
            }
        }
        for b in 0..<f {
            for p in 0..<samples {
                for i in 0..<ny {
                    BLAS.copy(n, from: scratch + p * m * f + n * i + m * b, stride: 1,
                              to: jacobian + row(tau, p, i) + (offset + n * b) * rows, stride: rows)
                }
            }
        }
    }

    /// A bias block `N × 1`: `Σ_{k = 1…t} adj_k[a]`.
    func sumBlock(adjoints: UnsafePointer<Double>, steps t: Int, readout tau: Int, column offset: Int) {
        for p in 0..<samples {
            for i in 0..<ny {
                let dst = jacobian + row(tau, p, i) + offset * rows
                for a in 0..<n {
                    var s = 0.0
                    var src = adjoints + a + n * (i + ny * p)
                    for _ in 0..<t { s += src.pointee; src += stepStride }
                    dst[a * rows] = s
                }
            }
        }
    }

    /// An `N × 1` block given directly: `values` is `N × N_y·c`, column `i + N_y·p` the derivative of output (p, i).
    func vectorBlock(_ values: UnsafePointer<Double>, readout tau: Int, column offset: Int) {
        for p in 0..<samples {
            for i in 0..<ny {
                BLAS.copy(n, from: values + n * (i + ny * p), stride: 1, to: jacobian + row(tau, p, i) + offset * rows,
                          stride: rows)
            }
        }
    }

    /// A readout block `N_y × N`: output i depends on row i only, with derivative `scale · φ[b]` for the rates φ
    /// (`N × T·c`) at step t; `biasOffset` also writes a readout bias block (derivative 1).
    func readoutBlock(rates: UnsafePointer<Double>, step t: Int, readout tau: Int, scale: Double, column offset: Int?,
                      biasOffset: Int?) {
        for p in 0..<samples {
            let phi = rates + n * ((t - 1) * samples + p)
            for i in 0..<ny {
                let r = row(tau, p, i)
                if let offset { for b in 0..<n { jacobian[r + (offset + i + ny * b) * rows] = scale * phi[b] } }
                if let biasOffset { jacobian[r + (biasOffset + i) * rows] = 1 }
            }
        }
    }

    /// Seeds the adjoints of step t: `adj_t[a, (p, i)] = scale · W[i, a] · (1 − φ_t[a, p]²)` for the readout weights W
    /// (`N_y × N`) and tanh rates φ (`N × T·c`).
    func seed(_ adjoints: UnsafeMutablePointer<Double>, readout w: UnsafePointer<Double>, rates: UnsafePointer<Double>,
              step t: Int, scale: Double) {
        let base = adjoints + (t - 1) * stepStride
        for p in 0..<samples {
            let phi = rates + n * ((t - 1) * samples + p)
            for i in 0..<ny {
                let col = base + n * (i + ny * p)
                for a in 0..<n { col[a] = scale * w[i + ny * a] * (1 - phi[a] * phi[a]) }
            }
        }
    }
}
