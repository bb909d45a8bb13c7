import Linalg
import Networks

/// The empirical NTK `Θ = J Jᵀ` of any `OutputJacobianModel`, assembled from per-chunk Jacobians so that the whole
/// `N_y·R·P × #params` Jacobian is never held when it exceeds a byte budget.
///
/// Samples are split into chunks of `Plan.samplesPerChunk`; the kernel block of chunks (A, B) is `J_A J_Bᵀ`. At most
/// two chunk Jacobians are alive at once (`J_A` is kept while `J_B` is recomputed for every B > A), so the Jacobian
/// memory is at most the budget — except when a single sample's Jacobian is larger, in which case chunks hold one
/// sample each. Kernel layout: `OutputJacobianModel`.
public enum JacobianTangentKernel {
    /// How a kernel evaluation is split.
    public struct Plan: Sendable, Equatable {
        /// Samples per chunk (all P when the whole Jacobian fits the budget).
        public var samplesPerChunk: Int
        /// Number of chunks.
        public var chunks: Int
        /// Jacobian rows per sample, `N_y·R`.
        public var rowsPerSample: Int
        /// Jacobian columns (selected parameters).
        public var parameters: Int
        /// Largest number of bytes held in Jacobians at once.
        public var peakJacobianBytes: Int
    }

    /// The chunking of `batch` for `model` under `byteBudget` bytes of Jacobian storage.
    public static func plan<M: OutputJacobianModel>(_ model: M, batch: SequenceBatch, blocks: ParameterBlocks,
                                                    byteBudget: Int) -> Plan {
        let rowsPerSample = model.outputDimension * model.readoutTimes(for: batch)
        let params = model.parameterCount(blocks), p = batch.samples
        let perSample = max(1, rowsPerSample * params * MemoryLayout<Double>.stride)
        let chunk: Int
        if perSample * p <= byteBudget { chunk = p } else { chunk = max(1, min(p, byteBudget / (2 * perSample))) }
        let chunks = (p + chunk - 1) / chunk
        return Plan(samplesPerChunk: chunk, chunks: chunks, rowsPerSample: rowsPerSample, parameters: params,
                    peakJacobianBytes: perSample * chunk * (chunks > 1 ? 2 : 1))
    }

    /// `Θ = J Jᵀ` over `blocks` (`N_y·R·P` square, symmetric), with Jacobians held within `byteBudget` bytes.
    public static func kernel<M: OutputJacobianModel>(_ model: M, on batch: SequenceBatch,
                                                      blocks: ParameterBlocks = .all(count: M.parameterNames.count),
                                                      byteBudget: Int = 256 << 20) -> Matrix {
        let plan = plan(model, batch: batch, blocks: blocks, byteBudget: byteBudget)
        let ny = model.outputDimension, readouts = model.readoutTimes(for: batch), p = batch.samples
        let n = ny * readouts * p
        var theta = Matrix(rows: n, cols: n)
        let ranges = (0..<plan.chunks).map { k in (k * plan.samplesPerChunk)..<min(p, (k + 1) * plan.samplesPerChunk) }
        for (a, ra) in ranges.enumerated() {
            let ja = model.outputJacobian(batch, samples: ra, blocks: blocks)
            for rb in ranges[a...] {
                let jb = rb == ra ? ja : model.outputJacobian(batch, samples: rb, blocks: blocks)
                var block = Matrix(rows: ja.rows, cols: jb.rows)
                if rb == ra { BLAS.gram(ja, into: &block) }
                else if plan.parameters > 0 { BLAS.gemm(ja, jb, into: &block, transB: .transpose) }
                // Local row i + N_y(p′ + |chunk|·t) → global row i + N_y(p + P·t); the mirror block fills Θ's other half.
                for tb in 0..<readouts {
                    for pb in 0..<rb.count {
                        for j in 0..<ny {
                            let lc = j + ny * (pb + rb.count * tb), gc = j + ny * (rb.lowerBound + pb + p * tb)
                            for ta in 0..<readouts {
                                for pa in 0..<ra.count {
                                    let lr = ny * (pa + ra.count * ta), gr = ny * (ra.lowerBound + pa + p * ta)
                                    for i in 0..<ny {
                                        let v = block.storage[lr + i + lc * block.rows]
                                        theta.storage[gr + i + gc * n] = v
                                        theta.storage[gc + (gr + i) * n] = v
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return theta
    }
}
