import Linalg
import Networks

/// How much a network learned features between two parameter states (degeneracy digest §3): the weight change
/// `‖W_T − W_0‖_F` per block and the alignment of the final with the initial empirical NTK on a probe batch.
public struct FeatureLearningSummary: Sendable, Equatable {
    /// Block names, in `parameterNames` order.
    public var blockNames: [String]
    /// `‖W_T − W_0‖_F` per block (0 for empty blocks).
    public var weightChanges: [Double]
    /// `‖W_0‖_F` per block.
    public var initialNorms: [Double]
    /// The blocks `weightChange` is taken over (the recurrent block by default).
    public var weightBlocks: ParameterBlocks
    /// The blocks both tangent kernels are taken over (all by default).
    public var kernelBlocks: ParameterBlocks
    /// `KA(K_T, K_0) = Tr(K_T K_0) / (‖K_T‖_F ‖K_0‖_F)` on the probe batch (`KernelMetrics.alignment`).
    public var kernelAlignment: Double
    /// `1 − KA` evaluated without cancellation (`KernelMetrics.distance`): use it when KA is close to 1.
    public var kernelDistance: Double

    /// `‖W_T − W_0‖_F` over `blocks`, the Frobenius norm of the concatenated changes.
    public func weightChange(over blocks: ParameterBlocks) -> Double {
        blocks.indices(below: weightChanges.count).reduce(0.0) { $0 + weightChanges[$1] * weightChanges[$1] }.squareRoot()
    }

    /// `‖W_T − W_0‖_F / ‖W_0‖_F` over `blocks` (infinite if those blocks start at zero and move, NaN if they stay zero).
    public func relativeWeightChange(over blocks: ParameterBlocks) -> Double {
        let d = weightChange(over: blocks)
        let w0 = blocks.indices(below: initialNorms.count).reduce(0.0) { $0 + initialNorms[$1] * initialNorms[$1] }.squareRoot()
        return w0 > 0 ? d / w0 : (d > 0 ? .infinity : .nan)
    }

    /// The weight change over `weightBlocks`.
    public var weightChange: Double { weightChange(over: weightBlocks) }

    /// The weight change over all blocks.
    public var totalWeightChange: Double { weightChange(over: .all(count: weightChanges.count)) }

    /// Measures `initial → final` (two states of one architecture): weight changes, and K_0, K_T over `kernelBlocks`
    /// on `probe` through `JacobianTangentKernel` (Jacobians held within `byteBudget` bytes).
    public static func measure<M: OutputJacobianModel>(from initial: M, to final: M, probe: SequenceBatch,
                                                       weightBlocks: ParameterBlocks,
                                                       kernelBlocks: ParameterBlocks = .all(count: M.parameterNames.count),
                                                       byteBudget: Int = 256 << 20) -> FeatureLearningSummary {
        let w0 = initial.parameters, wT = final.parameters
        let k0 = JacobianTangentKernel.kernel(initial, on: probe, blocks: kernelBlocks, byteBudget: byteBudget)
        let kT = JacobianTangentKernel.kernel(final, on: probe, blocks: kernelBlocks, byteBudget: byteBudget)
        return FeatureLearningSummary(blockNames: M.parameterNames, weightChanges: WeightChange.norms(from: w0, to: wT),
                                      initialNorms: w0.map(\.frobeniusNorm), weightBlocks: weightBlocks,
                                      kernelBlocks: kernelBlocks, kernelAlignment: KernelMetrics.alignment(kT, k0),
                                      kernelDistance: KernelMetrics.distance(k0, kT))
    }

    /// As `measure(from:to:probe:weightBlocks:kernelBlocks:byteBudget:)` with the recurrent block as `weightBlocks`.
    public static func measure<M: OutputJacobianModel & RecurrentBlockModel>(
        from initial: M, to final: M, probe: SequenceBatch,
        kernelBlocks: ParameterBlocks = .all(count: M.parameterNames.count), byteBudget: Int = 256 << 20
    ) -> FeatureLearningSummary {
        measure(from: initial, to: final, probe: probe, weightBlocks: M.recurrentBlocks, kernelBlocks: kernelBlocks,
                byteBudget: byteBudget)
    }
}
