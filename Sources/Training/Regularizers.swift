import Linalg
import Networks

/// A penalty of strength λ on a chosen set of parameter blocks, selectable by index or by name.
public protocol BlockPenalty: Regularizer {
    /// λ.
    var strength: Double { get }
    /// Indices of the penalised blocks (into `parameterNames`), or nil for all.
    var blocks: Set<Int>? { get }
    /// A penalty of strength `strength` on `blocks` (nil = all).
    init(strength: Double, blocks: Set<Int>?)
}

extension BlockPenalty {
    /// A penalty of strength `strength` on the blocks of `model` named `blockNames` (e.g. `["Wh"]`); an unknown name
    /// stops with a message listing the allowed ones (a programming error: block names are fixed per model type).
    public init<M: DifferentiableModel>(strength: Double, blockNames: [String], of model: M.Type) {
        self.init(strength: strength, blocks: Set(blockNames.map { name in
            guard let i = M.parameterNames.firstIndex(of: name) else {
                preconditionFailure("unknown parameter block \(name) (allowed: \(M.parameterNames.joined(separator: ", ")))")
            }
            return i
        }))
    }

    /// Whether block `index` is penalised.
    public func penalises(_ index: Int) -> Bool { blocks?.contains(index) ?? true }
}

/// Nuclear-norm (low-rank) penalty `λ Σ_blocks ‖W‖_* = λ Σ_blocks Σ_i σ_i(W)` with the exact subgradient `λ U Vᵀ`.
///
/// The subgradient sums `u_i v_iᵀ` over the singular values counted as nonzero: `σ_i > max(m, n) · ε · σ_max`
/// (ε = `Double.ulpOfOne`, the usual numerical-rank cutoff, as in `numpy.linalg.matrix_rank`). Singular values at or
/// below the cutoff are indistinguishable from 0 in double precision; their pairs get no contribution, which is the
/// minimum-norm element of the subdifferential `{U_r V_rᵀ + W₀ : ‖W₀‖₂ ≤ 1, U_rᵀW₀ = 0, W₀V_r = 0}`. Their values
/// still count in the penalty. The value and subgradient come from one thin SVD (LAPACK dgesdd) per block and step;
/// that allocates the SVD's outputs and LAPACK workspace each call (unavoidable through the `SVD` API), while the
/// `U_r V_rᵀ` product is accumulated straight into the gradient block with no temporary. λ = 0 skips the SVD. A block
/// LAPACK cannot decompose (non-finite entries) makes the penalty NaN, which the trainer reports as divergence.
public struct NuclearNormPenalty: BlockPenalty {
    public let strength: Double, blocks: Set<Int>?

    public init(strength: Double, blocks: Set<Int>? = nil) { (self.strength, self.blocks) = (strength, blocks) }

    /// The singular values of a block counted as zero by the subgradient: those `≤ max(m, n) · ε · σ_max`.
    public static func rankCutoff(rows: Int, cols: Int, largestSingularValue: Double) -> Double {
        Double(Swift.max(rows, cols)) * Double.ulpOfOne * largestSingularValue
    }

    public func apply<M: DifferentiableModel>(to model: M, gradients: inout [Matrix]) -> Double {
        guard strength != 0 else { return 0 }
        var value = 0.0
        model.forEachParameter { i, w in
            guard penalises(i), w.count > 0 else { return }
            guard let svd = try? w.svd() else { value = .nan; return }
            let sigma = svd.singularValues
            let cutoff = Self.rankCutoff(rows: w.rows, cols: w.cols, largestSingularValue: sigma.first ?? 0)
            var norm = 0.0, rank = 0
            for s in sigma {
                norm += s
                if s > cutoff { rank += 1 }
            }
            value += strength * norm
            // gradient += λ U[:, :r] Vt[:r, :]: U is m × k (ld m), Vt is k × n (ld k); columns/rows are leading.
            let (m, n, k) = (w.rows, w.cols, sigma.count)
            svd.U.storage.withUnsafeBufferPointer { u in
                svd.Vt.storage.withUnsafeBufferPointer { vt in
                    gradients[i].storage.withUnsafeMutableBufferPointer { g in
                        BLAS.gemm(.none, .none, m: m, n: n, k: rank, alpha: strength, a: u.baseAddress!, lda: m,
                                  b: vt.baseAddress!, ldb: k, beta: 1, c: g.baseAddress!, ldc: m)
                    }
                }
            }
        }
        return value
    }
}

/// Sparsity penalty `λ Σ_blocks Σ |w|` with the subgradient `λ sign(w)` (0 at w = 0); used as a plain subgradient
/// (no proximal step), as in the degeneracy paper. Allocates nothing.
public struct L1Penalty: BlockPenalty {
    public let strength: Double, blocks: Set<Int>?

    public init(strength: Double, blocks: Set<Int>? = nil) { (self.strength, self.blocks) = (strength, blocks) }

    public func apply<M: DifferentiableModel>(to model: M, gradients: inout [Matrix]) -> Double {
        guard strength != 0 else { return 0 }
        var value = 0.0
        let lambda = strength
        model.forEachParameter { i, w in
            guard penalises(i) else { return }
            var sum = 0.0
            w.storage.withUnsafeBufferPointer { wp in
                gradients[i].storage.withUnsafeMutableBufferPointer { g in
                    for k in 0..<wp.count {
                        let x = wp[k]
                        sum += abs(x)
                        g[k] += x > 0 ? lambda : (x < 0 ? -lambda : 0)
                    }
                }
            }
            value += lambda * sum
        }
        return value
    }
}
