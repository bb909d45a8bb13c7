import CKernels
import Linalg
import SequenceData

/// A discrete-time vanilla RNN with a linear readout, as PyTorch `nn.RNN(nonlinearity: tanh)` + `nn.Linear`:
/// `h_t = tanh(W_x x_t + W_h h_{t−1} + b + b_hh + ξ_t)`, `ŷ_t = W_y h_t + b_y`, t = 1…T, `h_0` zero or learned.
///
/// Blocks (`parameterNames` order): `W_x` (`N × N_x`), `W_h` (`N × N`), `b` (`N × 1`), `b_hh` (`N × 1`, or `N × 0`
/// without the second bias), `W_y` (`N_y × N`), `b_y` (`N_y × 1`), `h_0` (`N × 1` learned, `N × 0` fixed at zero).
/// The readout is at every step (`.autoregressive`) or after the last input only (`.final`); losses follow
/// `LossConvention`. ξ_t and input noise come from `noise`.
public struct TanhRNN: ReadoutResidualNetwork {
    /// Input weights W_x.
    public var wx: Matrix
    /// Recurrent weights W_h.
    public var wh: Matrix
    /// Input-side bias b (PyTorch `b_ih`).
    public var b: Matrix
    /// Second (hidden-side) bias b_hh, `N × 0` when absent.
    public var bhh: Matrix
    /// Readout weights W_y.
    public var wy: Matrix
    /// Readout bias b_y.
    public var by: Matrix
    /// Learned initial state h_0, `N × 0` when h_0 = 0.
    public var h0: Matrix
    /// Readout at every step or only after the last input.
    public var outputMode: OutputMode
    /// Process and input noise (off by default).
    public var noise: RecurrentNoise

    /// A network with the given blocks (shapes checked); `bhh` and `h0` nil for no second bias and h_0 = 0.
    public init(wx: Matrix, wh: Matrix, b: Matrix, bhh: Matrix? = nil, wy: Matrix, by: Matrix, h0: Matrix? = nil,
                outputMode: OutputMode = .autoregressive, noise: RecurrentNoise = .none) {
        let n = wh.rows
        precondition(wh.isSquare && wx.rows == n && wy.cols == n, "W_x, W_h, W_y shapes disagree: \(wx.shape), \(wh.shape), \(wy.shape)")
        precondition(b.shape == (n, 1) && by.shape == (wy.rows, 1), "biases must be columns of length N and N_y")
        precondition(bhh.map { $0.shape == (n, 1) } ?? true && h0.map { $0.shape == (n, 1) } ?? true,
                     "b_hh and h_0 must be columns of length N")
        self.wx = wx; self.wh = wh; self.b = b; self.wy = wy; self.by = by
        self.bhh = bhh ?? Matrix(rows: n, cols: 0)
        self.h0 = h0 ?? Matrix(rows: n, cols: 0)
        self.outputMode = outputMode
        self.noise = noise
    }

    /// PyTorch's default initialisation: every block (both biases and the readout's) i.i.d. `U(−1/√N, 1/√N)`, each from
    /// its own stream of `streams` (named after the block); a learned h_0 starts at zero.
    public static func pytorchDefault(inputs nx: Int, hidden n: Int, outputs ny: Int, secondBias: Bool = true,
                                      learnedInitialState: Bool = false, outputMode: OutputMode = .autoregressive,
                                      noise: RecurrentNoise = .none, streams: RandomStreams) -> TanhRNN {
        precondition(nx >= 1 && n >= 1 && ny >= 1, "need N_x, N, N_y ≥ 1")
        let bound = 1 / Double(n).squareRoot()
        func draw(_ name: String, _ rows: Int, _ cols: Int) -> Matrix {
            var rng = streams.stream(name)
            return RecurrentKernels.uniformMatrix(rows: rows, cols: cols, bound: bound, rng: &rng)
        }
        return TanhRNN(wx: draw("Wx", n, nx), wh: draw("Wh", n, n), b: draw("b", n, 1),
                       bhh: secondBias ? draw("bhh", n, 1) : nil, wy: draw("Wy", ny, n), by: draw("by", ny, 1),
                       h0: learnedInitialState ? Matrix(rows: n, cols: 1) : nil, outputMode: outputMode, noise: noise)
    }

    /// Hidden width N.
    public var hiddenDimension: Int { wh.rows }
    /// Input width N_x.
    public var inputDimension: Int { wx.cols }
    /// Output width N_y.
    public var outputDimension: Int { wy.rows }
    /// True with PyTorch's second bias b_hh.
    public var hasSecondBias: Bool { bhh.cols == 1 }
    /// True when h_0 is a learned block.
    public var learnsInitialState: Bool { h0.cols == 1 }

    public static let parameterNames = ["Wx", "Wh", "b", "bhh", "Wy", "by", "h0"]
    public var parameters: [Matrix] { [wx, wh, b, bhh, wy, by, h0] }

    public func forEachParameter(_ body: (Int, Matrix) -> Void) {
        body(0, wx); body(1, wh); body(2, b); body(3, bhh); body(4, wy); body(5, by); body(6, h0)
    }

    public mutating func setParameters(_ blocks: [Matrix]) {
        precondition(blocks.count == 7, "TanhRNN has 7 parameter blocks")
        precondition(zip(blocks, parameters).allSatisfy { $0.shape == $1.shape }, "parameter shapes differ")
        wx = blocks[0]; wh = blocks[1]; b = blocks[2]; bhh = blocks[3]; wy = blocks[4]; by = blocks[5]; h0 = blocks[6]
    }

    public mutating func updateParameters(_ update: (Int, inout Matrix) -> Void) {
        update(0, &wx); update(1, &wh); update(2, &b); update(3, &bhh); update(4, &wy); update(5, &by); update(6, &h0)
    }

    // MARK: Workspace

    /// Preallocated activations, adjoints, residuals, noise and gradients for one batch shape.
    public struct Workspace: ReadoutResidualWorkspace {
        /// Hidden states `h_1 … h_T` (`N × T·P`, block t−1 holds h_t); pre-activations during the forward pass.
        public var states: Matrix
        /// Pre-activation adjoints `δ_t = ∂L/∂z_t` (`N × T·P`).
        public var adjoints: Matrix
        /// Scaled residuals `w·(ŷ − y)/P` (w: the batch's loss weights, 1 without).
        public var residuals: Matrix
        /// Gradient blocks, in `parameterNames` order.
        public var gradients: [Matrix]
        /// Noise realisation of the last pass.
        public var noise: RecurrentNoiseBuffers
        /// Largest |pre-activation| in the last forward pass (tanh bounds |h| by 1, so this is what can blow up).
        public var maxAbsState: Double = 0
        /// `W_h h_0`, then `Σ_p δ_1` (length N).
        var columnScratch: Matrix
        /// `b + b_hh` (length N), added inside the tanh kernel.
        var biasSum: Matrix
        /// `W_yᵀ` (`N × N_y`) and `∂W_yᵀ` being accumulated, for the fused backward kernel.
        var readoutTransposed: Matrix, readoutGradientTransposed: Matrix
        /// W_h and W_hᵀ packed once per pass for the per-step products.
        var packedRecurrent: PackedOperand, packedRecurrentTransposed: PackedOperand
        /// One step's adjoints copied to a 64-byte boundary for the ∂W_h product (`N·P` + 8 doubles).
        var alignedAdjoints: [Double]
    }

    public func makeWorkspace(for batch: SequenceBatch) -> Workspace {
        let n = hiddenDimension, cols = batch.timeSteps * batch.samples
        return Workspace(states: Matrix(rows: n, cols: cols), adjoints: Matrix(rows: n, cols: cols),
                         residuals: Matrix(rows: outputDimension, cols: outputMode == .final ? batch.samples : cols),
                         gradients: parameters.map { Matrix(rows: $0.rows, cols: $0.cols) },
                         noise: noise.makeBuffers(hidden: n, inputs: inputDimension, columns: cols),
                         columnScratch: Matrix(rows: n, cols: 1), biasSum: Matrix(rows: n, cols: 1),
                         readoutTransposed: Matrix(rows: n, cols: outputDimension),
                         readoutGradientTransposed: Matrix(rows: n, cols: outputDimension),
                         packedRecurrent: PackedOperand(rows: n, inner: n),
                         packedRecurrentTransposed: PackedOperand(rows: n, inner: n),
                         alignedAdjoints: [Double](repeating: 0, count: n * batch.samples + 8))
    }

    /// Input and readout widths up to this go through the fused per-step kernels (`rnndyn_tanh_forward`,
    /// `rnndyn_tanh_backward_fused`: W_x x_t, W_yᵀ r_t, ∂W_x and ∂W_y inside the pass over each step's block); wider
    /// ones through whole-sequence GEMMs.
    static let fusedWidthLimit = 16

    /// Forward pass into `ws.states`: per step `h_t = tanh(W_h h_{t−1} + b + b_hh + W_x x_t + ξ_t)`, the `N × N × P`
    /// product from W_h packed once for the sequence (`PackedOperand`) and each register tile finished in place by
    /// `rnndyn_tanh_step_forward` (tanh, bias, input, max |z|); `W_h h_0` joins the first step's bias. `W_x X` for all
    /// T·P columns is one GEMM first when N_x > `fusedWidthLimit`; process noise ξ_t is put in the block first.
    private func forward(_ x: Matrix, _ p: Int, _ T: Int, _ ws: inout Workspace) {
        let n = hiddenDimension, nx = inputDimension
        let fusedInput = nx <= Self.fusedWidthLimit
        if !fusedInput { BLAS.gemm(wx, x, into: &ws.states) }
        ws.packedRecurrent.pack(wh)
        ws.biasSum.storage.withUnsafeMutableBufferPointer { s in
            b.storage.withUnsafeBufferPointer { s.baseAddress!.update(from: $0.baseAddress!, count: n) }
            if hasSecondBias { bhh.storage.withUnsafeBufferPointer { for i in 0..<n { s[i] += $0[i] } } }
        }
        var largest = 0.0
        wh.storage.withUnsafeBufferPointer { whp in
        wx.storage.withUnsafeBufferPointer { wxp in
        x.storage.withUnsafeBufferPointer { xp in
        ws.biasSum.storage.withUnsafeBufferPointer { bp in
        ws.columnScratch.storage.withUnsafeMutableBufferPointer { sp in
        ws.noise.process.storage.withUnsafeBufferPointer { xip in
        ws.packedRecurrent.withUnsafePanels { packed in
        ws.states.storage.withUnsafeMutableBufferPointer { zp in
            let z = zp.baseAddress!, s = sp.baseAddress!, w = whp.baseAddress!, bias = bp.baseAddress!
            let xi = xip.baseAddress, hasNoise = xip.count > 0
            var firstBias = bias
            if learnsInitialState {
                h0.storage.withUnsafeBufferPointer { hp in
                    BLAS.gemm(.none, .none, m: n, n: 1, k: n, alpha: 1, a: w, lda: n, b: hp.baseAddress!, ldb: n,
                              beta: 0, c: s, ldc: n)
                }
                for i in 0..<n { s[i] += bias[i] }
                firstBias = UnsafePointer(s)
            }
            for t in 0..<T {
                let block = z + t * p * n
                // Process noise joins the block before the product (on top of W_x X for a wide input).
                if hasNoise, let xi {
                    let noiseBlock = xi + t * p * n
                    if fusedInput { block.update(from: noiseBlock, count: n * p) } else { for k in 0..<(n * p) { block[k] += noiseBlock[k] } }
                }
                let prefilled = hasNoise || !fusedInput
                let wxIn = fusedInput ? wxp.baseAddress : nil, nxIn = fusedInput ? nx : 0
                let xIn = fusedInput ? xp.baseAddress! + t * p * nx : nil
                let step = t == 0
                    ? rnndyn_tanh_forward(prefilled ? UnsafePointer(block) : nil, firstBias, wxIn, nxIn, xIn, block, n, p)
                    : rnndyn_tanh_step_forward(packed, n, p, n, block - p * n, n, prefilled ? 1 : 0, bias, wxIn, nxIn, xIn, block)
                largest = RecurrentKernels.maxKeepingNaN(largest, step)
            }
        }}}}}}}}
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
        let p = batch.samples, T = batch.timeSteps
        if drawingNoise && !noise.isOff { ws.noise.draw(noise, inputs: batch.inputs) }
        let x = ws.noise.effectiveInputs(batch.inputs)
        forward(x, p, T, &ws)
        let outOffset = outputMode == .final ? (T - 1) * p : 0
        let outCols = ws.residuals.cols
        let loss = ws.states.storage.withUnsafeBufferPointer { h in
            RecurrentKernels.readoutResiduals(weights: wy, multiplier: 1, bias: by, activations: h.baseAddress!,
                                              firstColumn: outOffset, targets: batch.targets, lossWeights: batch.lossWeights, samples: p,
                                              into: &ws.residuals)
        }
        backward(x, p, T, readoutFrom: outOffset, columns: outCols, &ws)
        return loss
    }
}
