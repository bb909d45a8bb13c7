import Foundation
import Linalg
import Networks

/// Exact output Jacobians of the leaky rate RNN by reverse mode, one backward sweep per readout time (as for
/// `TanhRNN`, whose documentation explains the choice of reverse mode and the batching).
///
/// With s_k the state after input k (s_0 = h_0, learned or 0), `s_k = (1 − α) s_{k−1} + α(m_J J φ(s_{k−1}) + m_U U x_k)`
/// and `ŷ = m_W W φ(s_t)`, the adjoints `a_k = ∂ŷ_{t,p,i}/∂s_k` are `a_t = m_W φ'(s_t) ⊙ W[i,:]ᵀ`,
/// `a_{k−1} = (1 − α) a_k + φ'(s_{k−1}) ⊙ α m_J Jᵀ a_k`; then `∂ŷ/∂U = α m_U Σ_{k≤t} a_k x_kᵀ`,
/// `∂ŷ/∂J = α m_J Σ_{k≤t} a_k φ(s_{k−1})ᵀ`, `∂ŷ_i/∂W[i,:] = m_W φ(s_t)ᵀ`,
/// `∂ŷ/∂h_0 = (1 − α) a_1 + φ'(h_0) ⊙ α m_J Jᵀ a_1`.
///
/// The Jacobian is that of the noise-free network: `noise` must be off (a precondition).
extension LeakyRateRNN: OutputJacobianModel {
    /// 1 for a final readout, T for an autoregressive one.
    public func readoutTimes(for batch: SequenceBatch) -> Int { outputMode == .final ? 1 : batch.timeSteps }

    /// The exact output Jacobian by the backward sweeps above (see `OutputJacobianModel`).
    public func outputJacobian(_ batch: SequenceBatch, samples: Range<Int>, blocks: ParameterBlocks, into jac: inout Matrix) {
        precondition(noise.isOff, "the output Jacobian is that of the noise-free network: switch the network's noise off")
        let c = samples.count, T = batch.timeSteps, n = hiddenDimension, nx = inputDimension, ny = outputDimension
        let readouts = readoutTimes(for: batch), rows = jac.rows, a = alpha
        let mU = scales.inputMultiplier, mJ = scales.recurrentMultiplier, mW = scales.outputMultiplier
        precondition(samples.lowerBound >= 0 && samples.upperBound <= batch.samples, "samples \(samples) outside 0..<\(batch.samples)")
        precondition(rows == ny * readouts * c && jac.cols == parameterCount(blocks),
                     "Jacobian must be \(ny * readouts * c) × \(parameterCount(blocks)), got \(jac.shape)")
        let sub = batch.subset(samples)
        let rates = hiddenTrajectories(sub).rates
        let offsets = columnOffsets(blocks)
        let uOff = offsets[0], jOff = offsets[1], h0Off = learnsInitialState ? offsets[3] : nil
        let backward = uOff != nil || jOff != nil || h0Off != nil
        var adjoints = [Double](repeating: 0, count: backward ? n * ny * c * T : 0)
        var scratch = [Double](repeating: 0, count: n * ny * max(n, nx) * c), back = [Double](repeating: 0, count: n * ny * c)
        let initialRate = h0.storage.map { Foundation.tanh($0) }
        jac.storage.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        jac.storage.withUnsafeMutableBufferPointer { jp in
        scratch.withUnsafeMutableBufferPointer { sp in
        adjoints.withUnsafeMutableBufferPointer { adp in
        back.withUnsafeMutableBufferPointer { bp in
        rates.storage.withUnsafeBufferPointer { fp in
        sub.inputs.storage.withUnsafeBufferPointer { xp in
        w.storage.withUnsafeBufferPointer { wp in
        j.storage.withUnsafeBufferPointer { jmp in
        initialRate.withUnsafeBufferPointer { r0p in
            let out = RecurrentJacobianWriter(n: n, ny: ny, samples: c, rows: rows, jacobian: jp.baseAddress!,
                                              scratch: sp.baseAddress!)
            let phi = fp.baseAddress!, stepStride = out.stepStride
            for tau in 0..<readouts {
                let t = readouts == 1 ? T : tau + 1
                out.readoutBlock(rates: phi, step: t, readout: tau, scale: mW, column: offsets[2], biasOffset: nil)
                guard backward else { continue }
                let adj = adp.baseAddress!
                out.seed(adj, readout: wp.baseAddress!, rates: phi, step: t, scale: mW)
                for k in stride(from: t - 1, through: 1, by: -1) {
                    let block = adj + (k - 1) * stepStride, later = block + stepStride
                    BLAS.gemm(.transpose, .none, m: n, n: ny * c, k: n, alpha: a * mJ, a: jmp.baseAddress!, lda: n,
                              b: later, ldb: n, beta: 0, c: block, ldc: n)
                    for p in 0..<c {
                        let fk = phi + n * ((k - 1) * c + p)
                        for i in 0..<ny {
                            let col = n * (i + ny * p)
                            for e in 0..<n { block[col + e] = (1 - fk[e] * fk[e]) * block[col + e] + (1 - a) * later[col + e] }
                        }
                    }
                }
                if let uOff {
                    out.featureBlock(adjoints: adj, steps: t, readout: tau, features: xp.baseAddress!, featureRows: nx,
                                     lag: 0, initial: nil, scale: a * mU, column: uOff)
                }
                if let jOff {
                    out.featureBlock(adjoints: adj, steps: t, readout: tau, features: phi, featureRows: n, lag: 1,
                                     initial: learnsInitialState ? r0p.baseAddress! : nil, scale: a * mJ, column: jOff)
                }
                if let h0Off {
                    let g = bp.baseAddress!, r0 = r0p.baseAddress!
                    BLAS.gemm(.transpose, .none, m: n, n: ny * c, k: n, alpha: a * mJ, a: jmp.baseAddress!, lda: n, b: adj,
                              ldb: n, beta: 0, c: g, ldc: n)
                    for col in 0..<(ny * c) {
                        for e in 0..<n { g[e + n * col] = (1 - a) * adj[e + n * col] + (1 - r0[e] * r0[e]) * g[e + n * col] }
                    }
                    out.vectorBlock(g, readout: tau, column: h0Off)
                }
            }
        }}}}}}}}}
    }
}
