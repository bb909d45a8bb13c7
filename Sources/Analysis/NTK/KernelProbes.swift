import Linalg
import Networks
import Training

/// A model's tangent kernel and weights compared with their values at a reference model (captured at construction,
/// normally the initialisation), and the `Recorder` probes that report the comparison during training.
///
/// The kernel of the last model seen is cached, so the distance, alignment and eigenvalue probes of one record
/// evaluate it once. Not thread-safe: use one tracker per training run.
public final class KernelMovementTracker<Model: DifferentiableModel> {
    /// The reference kernel `K₀`.
    public let initialKernel: Matrix
    /// The reference weights `W₀`, in block order.
    public let initialParameters: [Matrix]
    private let evaluate: (Model) -> Matrix
    private var cachedParameters: [Matrix] = []
    private var cachedKernel = Matrix(rows: 0, cols: 0)

    /// Tracks `kernel` (any exact NTK evaluator) against its value at `initial`.
    public init(initial: Model, kernel: @escaping (Model) -> Matrix) {
        evaluate = kernel
        initialKernel = kernel(initial)
        initialParameters = initial.parameters
        cachedParameters = initialParameters
        cachedKernel = initialKernel
    }

    /// The kernel at `model` (cached for the last parameters seen).
    public func kernel(at model: Model) -> Matrix {
        let w = model.parameters
        if w != cachedParameters {
            cachedKernel = evaluate(model)
            cachedParameters = w
        }
        return cachedKernel
    }

    /// Kernel distance `1 − ⟨K₀, K⟩_F / (‖K₀‖ ‖K‖)` at `model` (Proca et al. Eq. 135).
    public func distance(at model: Model) -> Double { KernelMetrics.distance(initialKernel, kernel(at: model)) }

    /// Kernel alignment `⟨K₀, K⟩_F / (‖K₀‖ ‖K‖)` at `model`.
    public func alignment(at model: Model) -> Double { KernelMetrics.alignment(initialKernel, kernel(at: model)) }

    /// Probes `kernel_distance`, `kernel_alignment`, `ntk_top_eigenvalues` (the `topEigenvalues` largest, descending;
    /// omitted when 0), `weight_change_norm` and `weight_change_relative` (one entry per parameter block).
    public func probes(topEigenvalues: Int = 0) -> [Probe<Model>] {
        var out = [Probe<Model>("kernel_distance") { [self.distance(at: $0)] },
                   Probe<Model>("kernel_alignment") { [self.alignment(at: $0)] }]
        if topEigenvalues > 0 {
            out.append(Probe<Model>("ntk_top_eigenvalues") { KernelMetrics.topEigenvalues(self.kernel(at: $0), count: topEigenvalues) })
        }
        out.append(Probe<Model>("weight_change_norm") { WeightChange.norms(from: self.initialParameters, to: $0.parameters) })
        out.append(Probe<Model>("weight_change_relative") { WeightChange.relative(from: self.initialParameters, to: $0.parameters) })
        return out
    }
}

extension KernelMovementTracker where Model == LinearRNN {
    /// Tracks the closed-form NTK (`LinearRNNTangentKernel`) of a linear RNN on `batch` over `blocks`.
    public convenience init(closedFormAt initial: LinearRNN, on batch: SequenceBatch, blocks: ParameterBlocks = .linearRNN) {
        var workspace = LinearRNNTangentKernel(for: initial, batch: batch, blocks: blocks)
        self.init(initial: initial) { net in
            workspace.compute(net, batch)
            return workspace.kernel
        }
    }
}

extension KernelMovementTracker where Model: OutputJacobianModel {
    /// Tracks the Jacobian NTK (`JacobianTangentKernel`) of any output-Jacobian model on `batch` over `blocks`.
    public convenience init(jacobianAt initial: Model, on batch: SequenceBatch, blocks: ParameterBlocks, byteBudget: Int = 256 << 20) {
        self.init(initial: initial) { JacobianTangentKernel.kernel($0, on: batch, blocks: blocks, byteBudget: byteBudget) }
    }
}
