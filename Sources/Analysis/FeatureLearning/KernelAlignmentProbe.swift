import Linalg
import Networks
import Training

extension Probe where Model: OutputJacobianModel {
    /// `[KA(K_t, K_0), 1 − KA]` at each recorded step: the empirical NTK on `probe` over `blocks` against that of
    /// `initial` (K_0 is computed once, here). Each snapshot costs one Jacobian of the probe batch and one
    /// `(N_y·R·P)² × #params` product (`JacobianTangentKernel`, Jacobians within `byteBudget` bytes).
    public static func kernelAlignment(to initial: Model, on probe: SequenceBatch,
                                       blocks: ParameterBlocks = .all(count: Model.parameterNames.count),
                                       byteBudget: Int = 256 << 20, name: String = "ntk_alignment") -> Probe {
        let k0 = JacobianTangentKernel.kernel(initial, on: probe, blocks: blocks, byteBudget: byteBudget)
        return Probe(name) { model in
            let kt = JacobianTangentKernel.kernel(model, on: probe, blocks: blocks, byteBudget: byteBudget)
            return [KernelMetrics.alignment(kt, k0), KernelMetrics.distance(k0, kt)]
        }
    }
}
