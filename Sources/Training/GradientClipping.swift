import Linalg

/// Gradient-norm clipping over all parameter blocks at once, like `torch.nn.utils.clip_grad_norm_` (L2 norm).
public enum GradientClipping {
    /// The global L2 norm `sqrt(Σ_blocks ‖g‖²_F)`.
    public static func globalNorm(_ gradients: [Matrix]) -> Double {
        var sum = 0.0
        for g in gradients {
            g.storage.withUnsafeBufferPointer { p in for x in p { sum += x * x } }
        }
        return sum.squareRoot()
    }

    /// Scales every block by `maxNorm / (norm + 1e-6)` when that is below 1, where `norm` is the global L2 norm
    /// (PyTorch's rule; the clipped norm is `maxNorm · norm / (norm + 1e-6)`, just under `maxNorm`). Returns the norm
    /// before clipping. Allocation-free.
    @discardableResult
    public static func clipGlobalNorm(_ gradients: inout [Matrix], maxNorm: Double) -> Double {
        let norm = globalNorm(gradients)
        let scale = maxNorm / (norm + 1e-6)
        if scale < 1 {
            for i in gradients.indices {
                gradients[i].storage.withUnsafeMutableBufferPointer { p in for k in p.indices { p[k] *= scale } }
            }
        }
        return norm
    }
}
