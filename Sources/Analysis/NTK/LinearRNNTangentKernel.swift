import Linalg
import Networks

/// The exact empirical NTK of a `LinearRNN` by the closed form of Proca et al. (spec §7.1, the corrected formula),
/// evaluated with GEMMs into preallocated buffers: build once per shape, then call `compute` repeatedly.
///
/// With `h_{p,k}` the state before input k (`h_{p,1} = 0`) and the lag readouts `L_u = W_y W_h^u`, the
/// final-readout kernel block of samples p, q is
/// `Θ_pq = (h_{p,T+1}·h_{q,T+1}) I + Σ_{k,l=1}^{T} [(h_{p,k}·h_{q,l}) + (x_{p,k}·x_{q,l})] L_{T−k} L_{T−l}ᵀ`
/// (W_y, W_h and W_x terms, selectable by `blocks`). The double sum is `Σ_{k,l} G_kl ⊗ C_kl` with the feature
/// Grams `G_kl = Φ_kᵀ Φ_l` (`Φ_k = [h_k; x_k]` over the samples) and the readout Grams `C_kl = L_{T−k} L_{T−l}ᵀ`.
/// Because `G_lk = G_klᵀ` and `C_lk = C_klᵀ`, only the pairs k ≤ l are formed, k-major: `Φ_kᵀ [Φ_k … Φ_{T−1}]` is one
/// GEMM per k. Their symmetric and antisymmetric parts are contracted with those of the readout Grams over Θ's
/// unique entries only, two GEMMs (`SymmetricPairContraction`). In the Krylov state basis (`StateBasis`,
/// `KrylovStateBasis`) the Gram of pair (k ≤ l) needs only `N_x + min(N_x(k−1), N_h)` feature rows. Cost at most
/// `T²P²(N_h + N_x)/2 + T²P²N_y²/4` multiply-adds (`multiplyAdds` counts the route taken), no scalar loops over
/// k, l in the products. The pair Grams are processed in chunks that fit `byteBudget`. Autoregressive readouts: see
/// `computeAutoregressive`.
///
/// Layout: `OutputJacobianModel` (row `i + N_y·(p + P·t)`). With `LossConvention` (`L = (1/2P) Σ ‖ŷ − y‖²`) one
/// gradient step of size η changes the outputs by `Δ vec(Ŷ) = −(η/P) Θ vec(Ŷ − Y) + O(η²)`.
public struct LinearRNNTangentKernel: Sendable {
    /// N_x.
    public let inputDimension: Int
    /// N_h.
    public let hiddenDimension: Int
    /// N_y.
    public let outputDimension: Int
    /// T.
    public let timeSteps: Int
    /// P.
    public let samples: Int
    /// Final or autoregressive readout.
    public let outputMode: OutputMode
    /// The parameter blocks the kernel is taken over (`.wx`, `.wh`, `.wy`).
    public let blocks: ParameterBlocks
    /// The last computed kernel (`N_y·R·P` square).
    public internal(set) var kernel: Matrix
    /// Feature-Gram pairs formed per chunk (final readout).
    public let pairsPerChunk: Int
    /// Whether the hidden features are in the Krylov basis (`StateBasis`).
    public let usesKrylovBasis: Bool

    /// `[h_1 … h_{T+1}]`, `N_h × (T+1)·P` (block 0 is `h_1 = 0`); in the Krylov basis `h̃ = Qᵀ h`.
    var states: Matrix
    /// `Φ`: `m × T·P`, column `k·P + p` holds the selected rows of `[h_{p,k+1}; x_{p,k+1}]` (Krylov basis:
    /// `[x_{p,k+1}; Qᵀ h_{p,k+1}]`).
    var features: Matrix
    /// The Krylov basis, when used.
    var krylovBasis: KrylovStateBasis?
    /// `[L_0; …; L_{T−1}]` stacked, `T·N_y × N_h`.
    var lagReadouts: Matrix
    /// `L Lᵀ`, `T·N_y × T·N_y`.
    var readoutGram: Matrix
    /// Feature Grams, `P² × pairs` (final: one chunk of pairs k ≤ l; autoregressive: all T² pairs).
    var pairGram: Matrix
    /// Final: readout Grams per pair (`pairs × N_y²`); autoregressive: `D_uv` lag-reversed per v (`T × N_y² × T`).
    var pairReadout: Matrix
    /// `A`, `P² × N_y²`.
    var contracted: Matrix
    /// Gram of the readout states (final: `P × P`; autoregressive: `T·P × T·P`).
    var stateGram: Matrix
    /// Final readout: the contraction over Θ's unique entries.
    var symmetric: SymmetricPairContraction?

    /// Buffers for `net`'s shape on batches shaped like `batch`; feature-Gram chunks stay within `byteBudget` bytes.
    public init(for net: LinearRNN, batch: SequenceBatch, blocks: ParameterBlocks = .linearRNN, byteBudget: Int = 256 << 20,
                stateBasis: StateBasis = .automatic) {
        precondition(blocks.rawValue >> 3 == 0, "LinearRNN has blocks wx, wh, wy only")
        let nx = net.inputDimension, nh = net.hiddenDimension, ny = net.outputDimension
        let T = batch.timeSteps, p = batch.samples
        inputDimension = nx; hiddenDimension = nh; outputDimension = ny; timeSteps = T; samples = p
        outputMode = net.outputMode
        self.blocks = blocks
        let readouts = net.outputMode == .final ? 1 : T
        let m = (blocks.contains(.wh) ? nh : 0) + (blocks.contains(.wx) ? nx : 0)
        let pairs = net.outputMode == .final ? T * (T + 1) / 2 : T * T
        let columnBytes = max(1, p * p * MemoryLayout<Double>.stride)
        pairsPerChunk = m == 0 ? 0 : (net.outputMode == .final ? max(1, min(pairs, byteBudget / columnBytes)) : pairs)
        let krylovApplies = net.outputMode == .final && blocks.contains(.wh) && T > 1 && nx > 0
        switch stateBasis {
        case .states: usesKrylovBasis = false
        case .krylov: usesKrylovBasis = krylovApplies
        case .automatic: usesKrylovBasis = krylovApplies && KrylovStateBasis.saves(hidden: nh, inputs: nx, timeSteps: T, samples: p)
        }
        let basis = usesKrylovBasis ? KrylovStateBasis(hidden: nh, inputs: nx) : nil
        krylovBasis = basis
        let xRows = blocks.contains(.wx) ? nx : 0
        let innerRows = (0..<T).map { k in basis.map { xRows + $0.support(k) } ?? m }
        kernel = Matrix(rows: ny * readouts * p, cols: ny * readouts * p)
        states = Matrix(rows: nh, cols: (T + 1) * p)
        features = Matrix(rows: m, cols: m == 0 ? 0 : T * p)
        lagReadouts = Matrix(rows: m == 0 ? 0 : T * ny, cols: nh)
        readoutGram = Matrix(rows: m == 0 ? 0 : T * ny, cols: m == 0 ? 0 : T * ny)
        let autoregressive = net.outputMode == .autoregressive && m > 0
        pairGram = Matrix(rows: autoregressive ? p * p : 0, cols: autoregressive ? pairs : 0)
        pairReadout = Matrix(rows: autoregressive ? T : 0, cols: autoregressive ? ny * ny * T : 0)
        contracted = Matrix(rows: autoregressive ? p * p : 0, cols: autoregressive ? ny * ny : 0)
        symmetric = net.outputMode == .final && m > 0
            ? SymmetricPairContraction(samples: p, outputs: ny, timeSteps: T, pairsPerChunk: pairsPerChunk, innerRows: innerRows)
            : nil
        stateGram = Matrix(rows: blocks.contains(.wy) ? readouts * p : 0, cols: blocks.contains(.wy) ? readouts * p : 0)
    }

    /// The kernel of `net` on `batch` over `blocks` (allocating convenience).
    public static func kernel(_ net: LinearRNN, on batch: SequenceBatch, blocks: ParameterBlocks = .linearRNN) -> Matrix {
        var k = LinearRNNTangentKernel(for: net, batch: batch, blocks: blocks)
        k.compute(net, batch)
        return k.kernel
    }

    /// Computes the kernel of `net` on `batch` into `kernel` (no allocation).
    public mutating func compute(_ net: LinearRNN, _ batch: SequenceBatch) {
        precondition(net.inputDimension == inputDimension && net.hiddenDimension == hiddenDimension
                     && net.outputDimension == outputDimension && net.outputMode == outputMode,
                     "network shape or readout differs from the workspace's")
        precondition(batch.timeSteps == timeSteps && batch.samples == samples && batch.inputDimension == inputDimension,
                     "batch shape differs from the workspace's (T = \(timeSteps), P = \(samples), N_x = \(inputDimension))")
        if krylovBasis != nil {
            krylovBasis!.update(wx: net.wx, wh: net.wh)
            forward(wx: krylovBasis!.rotatedInput, wh: krylovBasis!.rotatedRecurrence, batch)
        } else {
            forward(wx: net.wx, wh: net.wh, batch)
        }
        if features.rows > 0 { buildFeatures(batch); buildLagReadouts(net) }
        if outputMode == .final { computeFinal() } else { computeAutoregressive() }
    }

    /// States `h_1 = 0`, `h_{t+1} = W_h h_t + W_x x_t` into `states`: one GEMM for all input projections, one per step
    /// (in the Krylov basis with `Qᵀ W_h Q` and `Qᵀ W_x`, which gives `h̃ = Qᵀ h` directly).
    mutating func forward(wx inputWeights: Matrix, wh recurrentWeights: Matrix, _ batch: SequenceBatch) {
        let nh = hiddenDimension, p = samples, T = timeSteps
        inputWeights.storage.withUnsafeBufferPointer { wx in
        recurrentWeights.storage.withUnsafeBufferPointer { wh in
        batch.inputs.storage.withUnsafeBufferPointer { x in
        states.storage.withUnsafeMutableBufferPointer { h in
            let base = h.baseAddress!
            BLAS.gemm(.none, .none, m: nh, n: T * p, k: inputDimension, alpha: 1, a: wx.baseAddress!, lda: nh,
                      b: x.baseAddress!, ldb: inputDimension, beta: 0, c: base + p * nh, ldc: nh)
            for t in 1..<max(T, 1) {
                BLAS.gemm(.none, .none, m: nh, n: p, k: nh, alpha: 1, a: wh.baseAddress!, lda: nh,
                          b: base + t * p * nh, ldb: nh, beta: 1, c: base + (t + 1) * p * nh, ldc: nh)
            }
        }}}}
    }

    /// `Φ`: the selected rows of `[h_{k}; x_{k}]` for every (k, p); in the Krylov basis `[x_k; h̃_k]`.
    mutating func buildFeatures(_ batch: SequenceBatch) {
        let nh = hiddenDimension, nx = inputDimension, m = features.rows, cols = timeSteps * samples
        let useH = blocks.contains(.wh), useX = blocks.contains(.wx), krylov = usesKrylovBasis
        let hRow = krylov && useX ? nx : 0, xRow = useH && !krylov ? nh : 0
        features.storage.withUnsafeMutableBufferPointer { f in
            if useH {
                states.storage.withUnsafeBufferPointer { h in
                    for c in 0..<cols { (f.baseAddress! + c * m + hRow).update(from: h.baseAddress! + c * nh, count: nh) }
                }
            }
            if useX {
                batch.inputs.storage.withUnsafeBufferPointer { x in
                    for c in 0..<cols { (f.baseAddress! + c * m + xRow).update(from: x.baseAddress! + c * nx, count: nx) }
                }
            }
        }
    }

    /// `L_0 = W_y`, `L_u = L_{u−1} W_h` stacked, then `readoutGram = L Lᵀ`.
    mutating func buildLagReadouts(_ net: LinearRNN) {
        let ny = outputDimension, nh = hiddenDimension, T = timeSteps, ld = T * ny
        net.wy.storage.withUnsafeBufferPointer { wy in
        net.wh.storage.withUnsafeBufferPointer { wh in
        lagReadouts.storage.withUnsafeMutableBufferPointer { lp in
            let l = lp.baseAddress!
            for j in 0..<nh { (l + j * ld).update(from: wy.baseAddress! + j * ny, count: ny) }
            for u in 1..<max(T, 1) {
                BLAS.gemm(.none, .none, m: ny, n: nh, k: nh, alpha: 1, a: l + (u - 1) * ny, lda: ld,
                          b: wh.baseAddress!, ldb: nh, beta: 0, c: l + u * ny, ldc: ld)
            }
        }}}
        BLAS.gemm(lagReadouts, lagReadouts, into: &readoutGram, transB: .transpose)
    }

    /// `G_kl = Φ_kᵀ Φ_l` (`P × P`) for every l in `ls` into consecutive columns of `pairGram` from `column` on: one GEMM
    /// `Φ_kᵀ [Φ_l …]`, whose `P × |ls|·P` result is exactly those columns side by side.
    mutating func formPairGrams(_ k: Int, _ ls: Range<Int>, column: Int) {
        let p = samples, m = features.rows
        features.storage.withUnsafeBufferPointer { f in
            pairGram.storage.withUnsafeMutableBufferPointer { g in
                BLAS.gemm(.transpose, .none, m: p, n: ls.count * p, k: m, alpha: 1, a: f.baseAddress! + k * p * m, lda: m,
                          b: f.baseAddress! + ls.lowerBound * p * m, ldb: m, beta: 0, c: g.baseAddress! + column * p * p, ldc: p)
            }
        }
    }

    /// Final readout: `Σ_{k,l} G_kl ⊗ C_kl` over Θ's unique entries (`SymmetricPairContraction`), then the W_y term.
    mutating func computeFinal() {
        let T = timeSteps
        if symmetric != nil {
            symmetric!.setReadouts(readoutGram)
            symmetric!.contract(features: features)
            symmetric!.assemble(into: &kernel)
        } else {
            kernel.storage.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        }
        if blocks.contains(.wy) {
            formStateGram(firstBlock: T, blockCount: 1)
            addReadoutStateTerm()
        }
    }
}

extension LinearRNNTangentKernel {
    /// Multiply-adds of one `compute` (final readout: the route taken, Krylov basis included; autoregressive: its
    /// products), for reporting throughput.
    public var multiplyAdds: Int {
        let nx = inputDimension, nh = hiddenDimension, ny = outputDimension, T = timeSteps, p = samples
        var total = nh * nx * T * p + nh * nh * max(T - 1, 0) * p                      // forward
        if features.rows > 0 { total += max(T - 1, 0) * ny * nh * nh + (T * ny) * (T * ny) * nh }   // lag readouts, L Lᵀ
        if let basis = krylovBasis {
            let c = basis.krylov.cols
            total += nh * nh * (c - nx) + 2 * nh * nh * c + 2 * nh * nh * nh + nh * nh * nx   // K, QR (≈), Qᵀ W_h Q, Qᵀ W_x
        }
        if let contraction = symmetric {
            for k in 0..<T { total += p * (T - k) * p * contraction.innerRows[k] }
            total += contraction.symGram.rows * contraction.pairs * contraction.symReadout.cols
                + contraction.antiGram.rows * contraction.offDiagonalPairs * contraction.antiReadout.cols
        } else if outputMode == .autoregressive && features.rows > 0 {
            total += T * T * p * p * features.rows
            for s in 0..<T { for t in 0...s { total += (s + 1) * (t + 1) * p * p * ny * ny } }
        }
        if blocks.contains(.wy) { total += stateGram.rows * stateGram.rows * nh }
        return total
    }
}
