import Linalg
import Networks

/// Exact output Jacobians of the vanilla tanh RNN by reverse mode, one backward sweep per readout time.
///
/// With `δ_k = ∂ŷ_{t,p,i}/∂z_k` (z the pre-activation): `δ_t = (1 − h_t²) ⊙ W_y[i,:]ᵀ`,
/// `δ_k = (1 − h_k²) ⊙ W_hᵀ δ_{k+1}`; then `∂ŷ/∂W_x = Σ_{k≤t} δ_k x_kᵀ`, `∂ŷ/∂W_h = Σ_{k≤t} δ_k h_{k−1}ᵀ` (h_0 the
/// learned state or 0), `∂ŷ/∂b = ∂ŷ/∂b_hh = Σ_{k≤t} δ_k`, `∂ŷ/∂h_0 = W_hᵀ δ_1`, `∂ŷ_i/∂W_y[i,:] = h_tᵀ`,
/// `∂ŷ_i/∂b_y[i] = 1`. The adjoints of all N_y·c outputs of one readout time go back together (one `N × N × N_y·c`
/// GEMM per step), and each weight block is one `N·N_y × f × t` GEMM per sample.
///
/// Reverse mode because the Jacobian is short and wide: at N = 128, a 3-output task and a probe of 8 × 50 it has
/// N_y·T·P = 1 200 rows and ≈ 17 k columns. The backward sweeps cost `N²·N_y·P·T²/2` ≈ 5·10⁸ flops and the block
/// GEMMs as much again; forward-mode tangents would cost one `N² · T · P` propagation per parameter, ≈ 10¹¹ flops.
///
/// The Jacobian is that of the noise-free network: `noise` must be off (a precondition).
extension TanhRNN: OutputJacobianModel {
    /// 1 for a final readout, T for an autoregressive one.
    public func readoutTimes(for batch: SequenceBatch) -> Int { outputMode == .final ? 1 : batch.timeSteps }

    /// The exact output Jacobian by the backward sweeps above (see `OutputJacobianModel`).
    public func outputJacobian(_ batch: SequenceBatch, samples: Range<Int>, blocks: ParameterBlocks, into jac: inout Matrix) {
        precondition(noise.isOff, "the output Jacobian is that of the noise-free network: switch the network's noise off")
        let c = samples.count, T = batch.timeSteps, n = hiddenDimension, nx = inputDimension, ny = outputDimension
        let readouts = readoutTimes(for: batch), rows = jac.rows
        precondition(samples.lowerBound >= 0 && samples.upperBound <= batch.samples, "samples \(samples) outside 0..<\(batch.samples)")
        precondition(rows == ny * readouts * c && jac.cols == parameterCount(blocks),
                     "Jacobian must be \(ny * readouts * c) × \(parameterCount(blocks)), got \(jac.shape)")
        let sub = batch.subset(samples)
        let h = hiddenTrajectories(sub).states
        let offsets = columnOffsets(blocks)
        let wxOff = offsets[0], whOff = offsets[1], bOff = offsets[2], byOff = offsets[5]
        let bhhOff = hasSecondBias ? offsets[3] : nil, h0Off = learnsInitialState ? offsets[6] : nil
        let backward = wxOff != nil || whOff != nil || bOff != nil || bhhOff != nil || h0Off != nil
        var adjoints = [Double](repeating: 0, count: backward ? n * ny * c * T : 0)
        var scratch = [Double](repeating: 0, count: n * ny * max(n, nx) * c), back = [Double](repeating: 0, count: n * ny * c)
        jac.storage.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        jac.storage.withUnsafeMutableBufferPointer { jp in
        scratch.withUnsafeMutableBufferPointer { sp in
        adjoints.withUnsafeMutableBufferPointer { adp in
        back.withUnsafeMutableBufferPointer { bp in
        h.storage.withUnsafeBufferPointer { hp in
        sub.inputs.storage.withUnsafeBufferPointer { xp in
        wy.storage.withUnsafeBufferPointer { wyp in
        wh.storage.withUnsafeBufferPointer { whp in
        h0.storage.withUnsafeBufferPointer { h0p in
            let out = RecurrentJacobianWriter(n: n, ny: ny, samples: c, rows: rows, jacobian: jp.baseAddress!,
                                              scratch: sp.baseAddress!)
            let states = hp.baseAddress!, stepStride = out.stepStride
            for tau in 0..<readouts {
                let t = readouts == 1 ? T : tau + 1
                out.readoutBlock(rates: states, step: t, readout: tau, scale: 1, column: offsets[4], biasOffset: byOff)
                guard backward else { continue }
                let adj = adp.baseAddress!
                out.seed(adj, readout: wyp.baseAddress!, rates: states, step: t, scale: 1)
                for k in stride(from: t - 1, through: 1, by: -1) {
                    let block = adj + (k - 1) * stepStride
                    BLAS.gemm(.transpose, .none, m: n, n: ny * c, k: n, alpha: 1, a: whp.baseAddress!, lda: n,
                              b: block + stepStride, ldb: n, beta: 0, c: block, ldc: n)
                    for p in 0..<c {
                        let hk = states + n * ((k - 1) * c + p)
                        for i in 0..<ny {
                            let col = block + n * (i + ny * p)
                            for a in 0..<n { col[a] *= 1 - hk[a] * hk[a] }
                        }
                    }
                }
                if let wxOff {
                    out.featureBlock(adjoints: adj, steps: t, readout: tau, features: xp.baseAddress!, featureRows: nx,
                                     lag: 0, initial: nil, scale: 1, column: wxOff)
                }
                if let whOff {
                    out.featureBlock(adjoints: adj, steps: t, readout: tau, features: states, featureRows: n, lag: 1,
                                     initial: learnsInitialState ? h0p.baseAddress! : nil, scale: 1, column: whOff)
                }
                for off in [bOff, bhhOff].compactMap({ $0 }) {
                    out.sumBlock(adjoints: adj, steps: t, readout: tau, column: off)
                }
                if let h0Off {
                    BLAS.gemm(.transpose, .none, m: n, n: ny * c, k: n, alpha: 1, a: whp.baseAddress!, lda: n, b: adj,
                              ldb: n, beta: 0, c: bp.baseAddress!, ldc: n)
                    out.vectorBlock(bp.baseAddress!, readout: tau, column: h0Off)
                }
            }
        }}}}}}}}}
    }
}
