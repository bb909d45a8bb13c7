import Linalg
import SequenceData

/// The workspace of a `ReadoutResidualNetwork`: gradient blocks, the largest state seen, and the scaled readout
/// residuals `w·(ŷ − y)/P` of the last pass (w: the batch's loss weights, 1 without).
public protocol ReadoutResidualWorkspace: Sendable {
    /// Gradient blocks, in `parameterNames` order.
    var gradients: [Matrix] { get set }
    /// Largest |state| (or |pre-activation|) in the last forward pass.
    var maxAbsState: Double { get }
    /// Scaled residuals `w·(ŷ − y)/P`.
    var residuals: Matrix { get }
}

/// A recurrent network with input and output widths and a readout mode whose workspace keeps its scaled residuals,
/// so gradients, outputs, the loss and the batch shape checks follow from one shared implementation.
public protocol ReadoutResidualNetwork: DifferentiableModel where Workspace: ReadoutResidualWorkspace {
    /// Input width N_x.
    var inputDimension: Int { get }
    /// Output width N_y.
    var outputDimension: Int { get }
    /// Readout at every step or only after the last input.
    var outputMode: OutputMode { get }
}

extension ReadoutResidualNetwork {
    public func gradients(in workspace: Workspace) -> [Matrix] { workspace.gradients }

    public func withGradients<R>(in workspace: inout Workspace, _ body: (inout [Matrix]) -> R) -> R {
        body(&workspace.gradients)
    }

    public func maxAbsState(in workspace: Workspace) -> Double { workspace.maxAbsState }

    /// Network outputs `ŷ` (`N_y × T·P` or `N_y × P`) on `batch` (a fresh noise draw when the network is noisy);
    /// loss weights play no part.
    public func outputs(_ batch: SequenceBatch) -> Matrix {
        // ŷ is recovered as y + P·r, which needs the unweighted residuals r = (ŷ − y)/P.
        var batch = batch
        batch.lossWeights = nil
        var ws = makeWorkspace(for: batch)
        _ = lossAndGradient(batch, workspace: &ws)
        var y = batch.targets
        for k in 0..<y.count { y.storage[k] += Double(batch.samples) * ws.residuals.storage[k] }
        return y
    }

    /// The loss of `LossConvention` on `batch`, weighted by its loss weights (a fresh noise draw when the network is noisy).
    public func loss(_ batch: SequenceBatch) -> Double {
        var ws = makeWorkspace(for: batch)
        return lossAndGradient(batch, workspace: &ws)
    }

    /// Stops with a one-line message unless `batch` has this network's widths and readout columns.
    func checkShapes(_ batch: SequenceBatch) {
        precondition(batch.inputDimension == inputDimension,
                     "batch inputs have N_x = \(batch.inputDimension), network expects \(inputDimension)")
        precondition(batch.outputDimension == outputDimension,
                     "batch targets have N_y = \(batch.outputDimension), network expects \(outputDimension)")
        let expected = outputMode == .final ? batch.samples : batch.timeSteps * batch.samples
        precondition(batch.targets.cols == expected,
                     "\(outputMode.rawValue) output needs targets with \(expected) columns, got \(batch.targets.cols)")
    }
}
