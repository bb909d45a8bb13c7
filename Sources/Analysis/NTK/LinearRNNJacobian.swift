import Linalg
import Networks

/// Exact per-sample output Jacobians of a linear RNN by back-propagation through time.
///
/// Seeding the adjoint of readout time t with `e_i` and running `δ_k = W_hᵀ δ_{k+1}` gives, for the input k steps
/// back, the row i of the lag readout `L_{t−k} = W_y W_h^{t−k}`. Hence, with `h_k` the state before input k
/// (`h_1 = 0`):
/// `∂ŷ_{t,i}/∂W_x[a,b] = Σ_{k≤t} L_{t−k}[i,a] x_k[b]`, `∂ŷ_{t,i}/∂W_h[a,b] = Σ_{k≤t} L_{t−k}[i,a] h_k[b]`,
/// `∂ŷ_{t,i}/∂W_y[a,b] = δ_{ia} h_{t+1}[b]`. The lag sums for all samples and output dimensions are one GEMM per
/// readout time: `[L_{t−1} … L_0]` (`N_y·N_h × t`) times the time-major features (`t × m·P`).
extension LinearRNN: OutputJacobianModel {
    /// 1 for a final readout, T for an autoregressive one.
    public func readoutTimes(for batch: SequenceBatch) -> Int { outputMode == .final ? 1 : batch.timeSteps }

    /// The exact output Jacobian by the lag-readout recursion above (see `OutputJacobianModel`).
    public func outputJacobian(_ batch: SequenceBatch, samples: Range<Int>, blocks: ParameterBlocks, into jac: inout Matrix) {
        let c = samples.count, T = batch.timeSteps, nh = hiddenDimension, nx = inputDimension, ny = outputDimension
        let readouts = readoutTimes(for: batch)
        precondition(samples.lowerBound >= 0 && samples.upperBound <= batch.samples, "samples \(samples) outside 0..<\(batch.samples)")
        precondition(jac.rows == ny * readouts * c && jac.cols == parameterCount(blocks),
                     "Jacobian must be \(ny * readouts * c) × \(parameterCount(blocks)), got \(jac.shape)")
        let sub = batch.subset(samples)
        let states = hiddenStates(sub)   // N_h × T·c, block t holds h_{t+1}
        let offsets = columnOffsets(blocks)
        let useH = offsets[1] != nil, useX = offsets[0] != nil
        let mh = useH ? nh : 0, m = mh + (useX ? nx : 0)
        let rows = jac.rows
        jac.storage.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }

        // W_y block: row (t, p, i) holds h_{p,t+1} in the columns of W_y's row i.
        if let off = offsets[2] {
            for tau in 0..<readouts {
                let t = readouts == 1 ? T : tau + 1
                for p in 0..<c {
                    let src = ((t - 1) * c + p) * nh
                    for i in 0..<ny {
                        let r = i + ny * (p + c * tau)
                        for b in 0..<nh { jac.storage[r + (off + i + b * ny) * rows] = states.storage[src + b] }
                    }
                }
            }
        }
        guard m > 0 else { return }

        // Time-major features: feats[k + T·(f + m·p)] = [h_{p,k+1}; x_{p,k+1}][f] (selected rows only).
        var feats = [Double](repeating: 0, count: T * m * c)
        for p in 0..<c {
            for k in 0..<T {
                if useH && k > 0 {
                    for f in 0..<nh { feats[k + T * (f + m * p)] = states.storage[((k - 1) * c + p) * nh + f] }
                }
                if useX {
                    for f in 0..<nx { feats[k + T * (mh + f + m * p)] = sub.inputs.storage[(k * c + p) * nx + f] }
                }
            }
        }
        // Lag readouts, lag-reversed: column w of `lags` (N_y·N_h × T) is vec(L_{T−1−w}).
        let block = ny * nh
        var lags = [Double](repeating: 0, count: block * T)
        var lag = wy
        for u in 0..<T {
            if u > 0 { lag = lag * wh }
            for e in 0..<block { lags[(T - 1 - u) * block + e] = lag.storage[e] }
        }
        var raw = [Double](repeating: 0, count: block * m * c)
        for tau in 0..<readouts {
            let t = readouts == 1 ? T : tau + 1
            // raw[(i + a·N_y), (f + m·p)] = Σ_{k<t} L_{t−1−k}[i,a] feats[k, f, p].
            lags.withUnsafeBufferPointer { l in
                feats.withUnsafeBufferPointer { fp in
                    raw.withUnsafeMutableBufferPointer { rp in
                        BLAS.gemm(.none, .none, m: block, n: m * c, k: t, alpha: 1, a: l.baseAddress! + (T - t) * block, lda: block,
                                  b: fp.baseAddress!, ldb: T, beta: 0, c: rp.baseAddress!, ldc: block)
                    }
                }
            }
            for p in 0..<c {
                for f in 0..<m {
                    let (off, b) = f < mh ? (offsets[1]!, f) : (offsets[0]!, f - mh)
                    for a in 0..<nh {
                        let col = off + a + b * nh, src = a * ny + block * (f + m * p)
                        for i in 0..<ny { jac.storage[i + ny * (p + c * tau) + col * rows] = raw[src + i] }
                    }
                }
            }
        }
    }
}

extension DeepLinearNetwork: OutputJacobianModel {
    /// One readout per sample.
    public func readoutTimes(for batch: SequenceBatch) -> Int { 1 }

    /// `∂ŷ_i/∂W_1[a,b] = W_2[i,a] x[b]`, `∂ŷ_i/∂W_2[a,b] = δ_{ia} (W_1 x)[b]` (T = 1 batches).
    public func outputJacobian(_ batch: SequenceBatch, samples: Range<Int>, blocks: ParameterBlocks, into jac: inout Matrix) {
        precondition(batch.timeSteps == 1, "a deep linear network takes T = 1 batches, got T = \(batch.timeSteps)")
        let c = samples.count, nh = hiddenDimension, nx = inputDimension, ny = outputDimension, rows = jac.rows
        precondition(rows == ny * c && jac.cols == parameterCount(blocks), "Jacobian must be \(ny * c) × \(parameterCount(blocks))")
        let sub = batch.subset(samples)
        let hidden = w1 * sub.inputs
        let offsets = columnOffsets(blocks)
        jac.storage.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        for p in 0..<c {
            for i in 0..<ny {
                let r = i + ny * p
                if let off = offsets[0] {
                    for b in 0..<nx { for a in 0..<nh { jac.storage[r + (off + a + b * nh) * rows] = w2[i, a] * sub.inputs[b, p] } }
                }
                if let off = offsets[1] {
                    for b in 0..<nh { jac.storage[r + (off + i + b * ny) * rows] = hidden[b, p] }
                }
            }
        }
    }
}
