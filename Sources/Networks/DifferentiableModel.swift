import Linalg
import SequenceData

/// A model with named matrix parameter blocks and an exact loss gradient, trainable by `Training`.
///
/// Gradients are written into a caller-owned workspace so the training loop allocates nothing.
public protocol DifferentiableModel: Sendable {
    /// Preallocated buffers for one batch shape (activations, residuals, gradients).
    associatedtype Workspace
    /// Names of the parameter blocks, in `updateParameters` order (e.g. `["Wx", "Wh", "Wy"]`).
    static var parameterNames: [String] { get }
    /// The parameter blocks, in `parameterNames` order (copies; for recording and checkpoints).
    var parameters: [Matrix] { get }
    /// Visits every block in order without copying (for regularisers and checkpoints in hot loops).
    func forEachParameter(_ body: (Int, Matrix) -> Void)
    /// Replaces the parameter blocks (shapes must match).
    mutating func setParameters(_ blocks: [Matrix])
    /// Applies `update` to every block in place: `update(blockIndex, &block)`.
    mutating func updateParameters(_ update: (Int, inout Matrix) -> Void)
    /// Buffers sized for `batch`.
    func makeWorkspace(for batch: SequenceBatch) -> Workspace
    /// The loss on `batch`; fills `workspace`'s gradient blocks (same order and shapes as `parameters`).
    func lossAndGradient(_ batch: SequenceBatch, workspace: inout Workspace) -> Double
    /// The gradient blocks last written into `workspace`.
    func gradients(in workspace: Workspace) -> [Matrix]
    /// Mutable access to the gradient blocks of `workspace` (for regularisers).
    func withGradients<R>(in workspace: inout Workspace, _ body: (inout [Matrix]) -> R) -> R
    /// Largest absolute hidden-state entry seen in the last `lossAndGradient` (0 for models without state).
    func maxAbsState(in workspace: Workspace) -> Double
}

/// The one loss convention used throughout rnndyn.
///
/// `L = (1/2P) Σ_p Σ_{t ∈ outputs} ‖y_{p,t} − ŷ_{p,t}‖²` — a sum over output dimensions (and output
/// times), a mean over the P samples. Correlations are means too: `Σ^{YX_t} = (1/P) Σ_p y_p x_{p,t}ᵀ`,
/// and "whitened" means `(1/P) Σ_p x x ᵀ = I` over the concatenated `[x_1; …; x_T]`.
///
/// With this convention, one gradient-descent step of size η is one explicit-Euler step of the
/// gradient flow `dW/dt = −∇L` with `dt = η`; the mode ODEs (Proca et al. Eqs. 5–7, τ = 1) are then
/// integrated in `t = η · steps`. The paper instead averages the squared error over `P·N_y` entries
/// (no ½) and reports `τ = P·N_y/η_paper`; its step η_paper equals our step `η = 2 η_paper / N_y`
/// (spec erratum 10: the factor 2 comes from the missing ½). See `paperLearningRate(_:outputDimension:)`.
public enum LossConvention {
    /// Our learning rate equivalent to a step of `etaPaper` on the paper's mean-squared-error loss.
    public static func learningRate(fromPaper etaPaper: Double, outputDimension ny: Int) -> Double {
        2 * etaPaper / Double(ny)
    }
    /// The paper's learning rate equivalent to our step `eta`.
    public static func paperLearningRate(_ eta: Double, outputDimension ny: Int) -> Double {
        eta * Double(ny) / 2
    }
    /// Gradient-flow time reached after `steps` steps of size `eta` (τ = 1 in our convention).
    public static func flowTime(steps: Int, learningRate eta: Double) -> Double { Double(steps) * eta }
}
