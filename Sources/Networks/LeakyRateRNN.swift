import CKernels
import Linalg
import SequenceData

/// The Euler-discretised leaky rate RNN of the degeneracy study (spec §2.2), in multiplier form:
/// `h_{t+1} = h_t + α(−h_t + m_J J φ(h_t) + m_U U x_t + ξ_t)`, readout `ŷ_t = m_W W φ(h_{t+1})`, `φ = tanh`.
///
/// Under `.muP(γ, η0)`, `m_J = 1/N` and `m_W = 1/(γN)` (`h ← h + α(−h + Jφ(h)/N + Ux)`, `f = Wφ(h)/(γN)`); the
/// multipliers, initial variances and learning rates live in `scales` (`Parameterization.scales(width:)`).
/// Blocks (`parameterNames` order): `U` (`N × N_x`), `J` (`N × N`), `W` (`N_y × N`), `h0` (`N × 1` learned, `N × 0`
/// for h_1 = 0). The spec gives no biases, so there are none. Losses follow `LossConvention`.
public struct LeakyRateRNN: ReadoutResidualNetwork {
    /// Input weights U.
    public var u: Matrix
    /// Recurrent weights J (before the multiplier m_J).
    public var j: Matrix
    /// Readout weights W (before the multiplier m_W).
    public var w: Matrix
    /// Learned initial state, `N × 0` when h_1 = 0.
    public var h0: Matrix
    /// Euler step α = dt/τ.
    public let alpha: Double
    /// The parameterization the multipliers come from.
    public let parameterization: Parameterization
    /// Multipliers, initial scales and learning rates at this width.
    public let scales: ParameterScales
    /// Readout at every step or only after the last input.
    public var outputMode: OutputMode
    /// Process and input noise (off by default).
    public var noise: RecurrentNoise

    /// A network with the given blocks (shapes checked); `h0` nil for h_1 = 0.
    public init(u: Matrix, j: Matrix, w: Matrix, h0: Matrix? = nil, alpha: Double = 0.1,
                parameterization: Parameterization, outputMode: OutputMode = .autoregressive,
                noise: RecurrentNoise = .none) {
        let n = j.rows
        precondition(j.isSquare && u.rows == n && w.cols == n, "U, J, W shapes disagree: \(u.shape), \(j.shape), \(w.shape)")
        precondition(h0.map { $0.shape == (n, 1) } ?? true, "h_0 must be a column of length N")
        precondition(alpha > 0 && alpha <= 1, "alpha must be in (0, 1], got \(alpha)")
        self.u = u; self.j = j; self.w = w
        self.h0 = h0 ?? Matrix(rows: n, cols: 0)
        self.alpha = alpha
        self.parameterization = parameterization
        self.scales = parameterization.scales(width: n)
        self.outputMode = outputMode
        self.noise = noise
    }

    /// A network drawn as `parameterization` prescribes (`U ~ N(0, σ_U²)`, `J ~ N(0, σ_J²)`, `W ~ N(0, σ_W²)`), each
    /// block from its own stream of `streams`; a learned h_0 starts at zero.
    public static func random(inputs nx: Int, width n: Int, outputs ny: Int, parameterization: Parameterization,
                              alpha: Double = 0.1, learnedInitialState: Bool = false,
                              outputMode: OutputMode = .autoregressive, noise: RecurrentNoise = .none,
                              streams: RandomStreams) -> LeakyRateRNN {
        precondition(nx >= 1 && n >= 1 && ny >= 1, "need N_x, N, N_y ≥ 1")
        let s = parameterization.scales(width: n)
        func draw(_ name: String, _ rows: Int, _ cols: Int, _ std: Double) -> Matrix {
            var rng = streams.stream(name)
            return rng.gaussianMatrix(rows: rows, cols: cols, std: std)
        }
        return LeakyRateRNN(u: draw("U", n, nx, s.inputInitStd), j: draw("J", n, n, s.recurrentInitStd),
                            w: draw("W", ny, n, s.outputInitStd), h0: learnedInitialState ? Matrix(rows: n, cols: 1) : nil,
                            alpha: alpha, parameterization: parameterization, outputMode: outputMode, noise: noise)
    }

    /// Width N.
    public var hiddenDimension: Int { j.rows }
    /// Input width N_x.
    public var inputDimension: Int { u.cols }
    /// Output width N_y.
    public var outputDimension: Int { w.rows }
    /// True when h_0 is a learned block.
    public var learnsInitialState: Bool { h0.cols == 1 }

    public static let parameterNames = ["U", "J", "W", "h0"]
    public var parameters: [Matrix] { [u, j, w, h0] }

    public func forEachParameter(_ body: (Int, Matrix) -> Void) { body(0, u); body(1, j); body(2, w); body(3, h0) }

    public mutating func setParameters(_ blocks: [Matrix]) {
        precondition(blocks.count == 4, "LeakyRateRNN has 4 parameter blocks")
        precondition(zip(blocks, parameters).allSatisfy { $0.shape == $1.shape }, "parameter shapes differ")
        u = blocks[0]; j = blocks[1]; w = blocks[2]; h0 = blocks[3]
    }

    public mutating func updateParameters(_ update: (Int, inout Matrix) -> Void) {
        update(0, &u); update(1, &j); update(2, &w); update(3, &h0)
    }

    // MARK: Workspace

    /// Preallocated states, rates, adjoints, residuals, noise and gradients for one batch shape.
    public struct Workspace: ReadoutResidualWorkspace {
        /// States `h_2 … h_{T+1}` (`N × T·P`, block t holds h_{t+1}).
        public var states: Matrix
        /// Rates `φ(h_2) … φ(h_{T+1})`.
        public var rates: Matrix
        /// State adjoints `∂L/∂h_{t+1}`.
        public var adjoints: Matrix
        /// Rate adjoints `∂L/∂φ(h_{t+1})` (readout and recurrent parts).
        public var rateAdjoints: Matrix
        /// Scaled residuals `w·(ŷ − y)/P` (w: the batch's loss weights, 1 without).
        public var residuals: Matrix
        /// Gradient blocks, in `parameterNames` order.
        public var gradients: [Matrix]
        /// Noise realisation of the last pass.
        public var noise: RecurrentNoiseBuffers
        /// Largest |h| in the last forward pass.
        public var maxAbsState: Double = 0
        /// φ(h_0), and `(1 − α) h_0 + α m_J J φ(h_0)` then `Σ_p ∂L/∂h_1` and `α m_J Jᵀ Σ_p ∂L/∂h_1` (length N each).
        var initialRate: Matrix, initialScratch: Matrix, initialBack: Matrix
        /// `α m_J J` and `α m_J Jᵀ`, packed once per pass for the per-step products (`PackedOperand`).
        var packedRecurrent: PackedOperand, packedRecurrentTransposed: PackedOperand
    }

    public func makeWorkspace(for batch: SequenceBatch) -> Workspace {
        let n = hiddenDimension, cols = batch.timeSteps * batch.samples
        return Workspace(states: Matrix(rows: n, cols: cols), rates: Matrix(rows: n, cols: cols),
                         adjoints: Matrix(rows: n, cols: cols), rateAdjoints: Matrix(rows: n, cols: cols),
                         residuals: Matrix(rows: outputDimension, cols: outputMode == .final ? batch.samples : cols),
                         gradients: parameters.map { Matrix(rows: $0.rows, cols: $0.cols) },
                         noise: noise.makeBuffers(hidden: n, inputs: inputDimension, columns: cols),
                         initialRate: Matrix(rows: n, cols: 1), initialScratch: Matrix(rows: n, cols: 1),
                         initialBack: Matrix(rows: n, cols: 1),
                         packedRecurrent: PackedOperand(rows: n, inner: n), packedRecurrentTransposed: PackedOperand(rows: n, inner: n))
    }

    /// Forward pass: `H = α m_U U X` for all T·P columns as one GEMM (plus `α ξ`), then per step
    /// `h_{t+1} += (1 − α) h_t + α m_J J φ(h_t)` (one `N × N × P` product with `α m_J J` packed once for the sequence)
    /// and `φ(h_{t+1})`.
    private func forward(_ x: Matrix, _ p: Int, _ T: Int, _ ws: inout Workspace) {
        let n = hiddenDimension, a = alpha, mJ = scales.recurrentMultiplier
        BLAS.gemm(u, x, into: &ws.states, alpha: a * scales.inputMultiplier)
        ws.packedRecurrent.pack(j, scale: a * mJ)
        var largest = 0.0
        j.storage.withUnsafeBufferPointer { jp in
        ws.noise.process.storage.withUnsafeBufferPointer { xi in
        ws.initialRate.storage.withUnsafeMutableBufferPointer { r0p in
        ws.initialScratch.storage.withUnsafeMutableBufferPointer { c0p in
        ws.rates.storage.withUnsafeMutableBufferPointer { fp in
        ws.states.storage.withUnsafeMutableBufferPointer { hp in
            let h = hp.baseAddress!, phi = fp.baseAddress!, jb = jp.baseAddress!
            if xi.count > 0 { for k in 0..<(n * T * p) { h[k] += a * xi[k] } }
            if learnsInitialState {
                let r0 = r0p.baseAddress!, c0 = c0p.baseAddress!
                h0.storage.withUnsafeBufferPointer { h0p in
                    _ = RecurrentKernels.tanhInPlace(h0p.baseAddress!, into: r0, count: n)
                    for i in 0..<n { c0[i] = (1 - a) * h0p[i] }
                }
                BLAS.gemm(.none, .none, m: n, n: 1, k: n, alpha: a * mJ, a: jb, lda: n, b: r0, ldb: n, beta: 1, c: c0, ldc: n)
                RecurrentKernels.addColumn(c0, to: h, rows: n, cols: p)
            }
            for t in 0..<T {
                let block = h + t * p * n
                if t > 0 {
                    for k in 0..<(n * p) { block[k] += (1 - a) * block[k - p * n] }
                    ws.packedRecurrent.multiply(phi + (t - 1) * p * n, ldb: n, columns: p, accumulate: true, into: block, ldc: n)
                }
                largest = RecurrentKernels.maxKeepingNaN(largest, RecurrentKernels.tanhInPlace(block, into: phi + t * p * n,
                                                                                              count: n * p))
            }
        }}}}}}
        ws.maxAbsState = largest
    }

    // MARK: BPTT

    public func lossAndGradient(_ batch: SequenceBatch, workspace ws: inout Workspace) -> Double {
        lossAndGradient(batch, workspace: &ws, drawingNoise: true)
    }

    /// Exact BPTT. With `drawingNoise` false the noise of the previous call is reused (the gradient is then exact
    /// for that fixed realisation, e.g. for finite-difference checks).
    public func lossAndGradient(_ batch: SequenceBatch, workspace ws: inout Workspace, drawingNoise: Bool) -> Double {
        checkShapes(batch)
        let n = hiddenDimension, ny = outputDimension, nx = inputDimension
        let p = batch.samples, T = batch.timeSteps, a = alpha
        let mU = scales.inputMultiplier, mJ = scales.recurrentMultiplier, mW = scales.outputMultiplier
        if drawingNoise && !noise.isOff { ws.noise.draw(noise, inputs: batch.inputs) }
        let x = ws.noise.effectiveInputs(batch.inputs)
        forward(x, p, T, &ws)
        let outOffset = outputMode == .final ? (T - 1) * p : 0
        let outCols = ws.residuals.cols
        ws.packedRecurrentTransposed.pack(j, .transpose, scale: a * mJ)
        let loss = ws.rates.storage.withUnsafeBufferPointer { phi in
            RecurrentKernels.readoutResiduals(weights: w, multiplier: mW, bias: nil, activations: phi.baseAddress!,
                                              firstColumn: outOffset, targets: batch.targets, lossWeights: batch.lossWeights, samples: p,
                                              into: &ws.residuals)
        }
        w.storage.withUnsafeBufferPointer { wp in
        x.storage.withUnsafeBufferPointer { xp in
        ws.rates.storage.withUnsafeBufferPointer { fp in
        ws.residuals.storage.withUnsafeBufferPointer { rp in
        ws.rateAdjoints.storage.withUnsafeMutableBufferPointer { ep in
        ws.adjoints.storage.withUnsafeMutableBufferPointer { dp in
        ws.gradients.withUnsafeMutableBufferPointer { blocks in
        blocks[1].storage.withUnsafeMutableBufferPointer { gjp in
            let phi = fp.baseAddress!, r = rp.baseAddress!, e = ep.baseAddress!, d = dp.baseAddress!, gj = gjp.baseAddress!
            // e_t = m_W Wᵀ r_t + α m_J Jᵀ a_{t+1};  a_t = φ'(h_{t+1}) ⊙ e_t + (1 − α) a_{t+1}.
            BLAS.gemm(.transpose, .none, m: n, n: outCols, k: ny, alpha: mW, a: wp.baseAddress!, lda: ny,
                      b: r, ldb: ny, beta: 0, c: e + outOffset * n, ldc: n)
            for t in stride(from: T - 1, through: 0, by: -1) {
                let eb = e + t * p * n, db = d + t * p * n
                if t < T - 1 {
                    ws.packedRecurrentTransposed.multiply(db + p * n, ldb: n, columns: p, accumulate: outputMode != .final,
                                                          into: eb, ldc: n)
                }
                let fb = phi + t * p * n
                if t < T - 1 {
                    for k in 0..<(n * p) { db[k] = (1 - fb[k] * fb[k]) * eb[k] + (1 - a) * db[k + p * n] }
                    // Σ_{t≥1} a_t φ(h_t)ᵀ of ∂J, the term a_{t+1} φ(h_{t+1})ᵀ (blocks t+1 and t) while both are in cache.
                    rnndyn_gemm_abt(n, n, p, db + p * n, n, fb, n, t < T - 2 ? 1 : 0, gj, n)
                } else {
                    for k in 0..<(n * p) { db[k] = (1 - fb[k] * fb[k]) * eb[k] }
                }
            }
            // ∂J = α m_J Σ_{t≥1} a_t φ(h_t)ᵀ over (T−1)·P columns (plus the h_1 = h_0 term below).
            if T == 1 { gjp.update(repeating: 0) } else { for k in 0..<(n * n) { gj[k] *= a * mJ } }
            blocks[0].storage.withUnsafeMutableBufferPointer { g in
                // ∂U = α m_U Σ_t a_t x_tᵀ over all T·P columns.
                BLAS.gemm(.none, .transpose, m: n, n: nx, k: T * p, alpha: a * mU, a: d, lda: n, b: xp.baseAddress!,
                          ldb: nx, beta: 0, c: g.baseAddress!, ldc: n)
            }
            blocks[2].storage.withUnsafeMutableBufferPointer { g in
                // ∂W = m_W Σ_t r_t φ(h_{t+1})ᵀ over the readout columns.
                BLAS.gemm(.none, .transpose, m: ny, n: n, k: outCols, alpha: mW, a: r, lda: ny, b: phi + outOffset * n,
                          ldb: n, beta: 0, c: g.baseAddress!, ldc: ny)
            }
        }}}}}}}}
        if learnsInitialState { initialStateGradients(p, &ws) }
        return loss
    }

    /// The h_0 terms: with `s = Σ_p ∂L/∂h_1`, `∂J += α m_J s φ(h_0)ᵀ` and `∂h_0 = (1 − α) s + φ'(h_0) ⊙ α m_J Jᵀ s`.
    private func initialStateGradients(_ p: Int, _ ws: inout Workspace) {
        let n = hiddenDimension, a = alpha, mJ = scales.recurrentMultiplier
        j.storage.withUnsafeBufferPointer { jp in
        ws.adjoints.storage.withUnsafeBufferPointer { dp in
        ws.initialRate.storage.withUnsafeBufferPointer { r0p in
        ws.initialScratch.storage.withUnsafeMutableBufferPointer { sp in
        ws.initialBack.storage.withUnsafeMutableBufferPointer { bp in
            let s = sp.baseAddress!, r0 = r0p.baseAddress!, back = bp.baseAddress!
            RecurrentKernels.rowSums(dp.baseAddress!, rows: n, cols: p, into: s)
            ws.gradients[1].storage.withUnsafeMutableBufferPointer { g in
                BLAS.gemm(.none, .transpose, m: n, n: n, k: 1, alpha: a * mJ, a: s, lda: n, b: r0, ldb: n,
                          beta: 1, c: g.baseAddress!, ldc: n)
            }
            BLAS.gemm(.transpose, .none, m: n, n: 1, k: n, alpha: a * mJ, a: jp.baseAddress!, lda: n, b: s, ldb: n,
                      beta: 0, c: back, ldc: n)
            ws.gradients[3].storage.withUnsafeMutableBufferPointer { g in
                for i in 0..<n { g[i] = (1 - a) * s[i] + (1 - r0[i] * r0[i]) * back[i] }
            }
        }}}}}
    }
}
