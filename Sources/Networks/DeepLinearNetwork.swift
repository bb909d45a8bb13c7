import Linalg
import SequenceData

/// A two-layer linear network `ŷ = W_2 W_1 x` (Saxe et al. 2014), the feedforward baseline.
///
/// It trains on `SequenceBatch`es with `T = 1` (inputs `N_x × P`, targets `N_y × P`) under `LossConvention`.
/// At T = 1 a final-readout `LinearRNN` with `W_x = W_1`, `W_y = W_2` computes the same function.
public struct DeepLinearNetwork: DifferentiableModel, Equatable {
    /// First-layer weights `W_1` (`N_h × N_x`).
    public var w1: Matrix
    /// Second-layer weights `W_2` (`N_y × N_h`).
    public var w2: Matrix

    /// A network with the given weights; shapes are checked.
    public init(w1: Matrix, w2: Matrix) {
        precondition(w2.cols == w1.rows, "W_2 has \(w2.cols) columns but W_1 has \(w1.rows) rows")
        self.w1 = w1
        self.w2 = w2
    }

    /// Hidden width.
    public var hiddenDimension: Int { w1.rows }
    /// Input width.
    public var inputDimension: Int { w1.cols }
    /// Output width.
    public var outputDimension: Int { w2.rows }

    public static let parameterNames = ["W1", "W2"]
    public var parameters: [Matrix] { [w1, w2] }

    public mutating func setParameters(_ blocks: [Matrix]) {
        precondition(blocks.count == 2 && blocks[0].shape == w1.shape && blocks[1].shape == w2.shape, "parameter shapes differ")
        w1 = blocks[0]; w2 = blocks[1]
    }

    public func forEachParameter(_ body: (Int, Matrix) -> Void) { body(0, w1); body(1, w2) }

    public mutating func updateParameters(_ update: (Int, inout Matrix) -> Void) {
        update(0, &w1); update(1, &w2)
    }

    /// The network's linear map `W_2 W_1`.
    public var product: Matrix { w2 * w1 }

    /// Outputs `W_2 W_1 X` for `N_x × P` inputs.
    public func outputs(_ batch: SequenceBatch) -> Matrix { w2 * (w1 * batch.inputs) }

    /// The loss of `LossConvention` on `batch`.
    public func loss(_ batch: SequenceBatch) -> Double {
        var ws = makeWorkspace(for: batch)
        return lossAndGradient(batch, workspace: &ws)
    }

    /// Preallocated activations, residuals and gradients.
    public struct Workspace: Sendable {
        /// Hidden activity `W_1 X`.
        public var hidden: Matrix
        /// Residuals `(ŷ − y)/P`.
        public var residuals: Matrix
        /// Back-projected residuals `W_2ᵀ r`.
        public var backProjected: Matrix
        /// Gradient blocks `[∂L/∂W_1, ∂L/∂W_2]`.
        public var gradients: [Matrix]
    }

    public func makeWorkspace(for batch: SequenceBatch) -> Workspace {
        Workspace(hidden: Matrix(rows: hiddenDimension, cols: batch.samples),
                  residuals: Matrix(rows: outputDimension, cols: batch.samples),
                  backProjected: Matrix(rows: hiddenDimension, cols: batch.samples),
                  gradients: [Matrix(rows: w1.rows, cols: w1.cols), Matrix(rows: w2.rows, cols: w2.cols)])
    }

    public func gradients(in workspace: Workspace) -> [Matrix] { workspace.gradients }
    public func withGradients<R>(in workspace: inout Workspace, _ body: (inout [Matrix]) -> R) -> R { body(&workspace.gradients) }
    public func maxAbsState(in workspace: Workspace) -> Double { workspace.hidden.maxAbs }

    /// Loss and exact gradients: `∂L/∂W_2 = r (W_1X)ᵀ`, `∂L/∂W_1 = W_2ᵀ r Xᵀ` with `r = (W_2W_1X − Y)/P`.
    public func lossAndGradient(_ batch: SequenceBatch, workspace ws: inout Workspace) -> Double {
        precondition(batch.lossWeights == nil, "DeepLinearNetwork does not support loss weights; train it on an unweighted batch")
        precondition(batch.timeSteps == 1, "a deep linear network takes T = 1 batches, got T = \(batch.timeSteps)")
        precondition(batch.inputDimension == inputDimension && batch.outputDimension == outputDimension,
                     "batch is \(batch.inputDimension)→\(batch.outputDimension), network maps \(inputDimension)→\(outputDimension)")
        let p = Double(batch.samples)
        BLAS.gemm(w1, batch.inputs, into: &ws.hidden)
        ws.residuals.storage.withUnsafeMutableBufferPointer { r in
            batch.targets.storage.withUnsafeBufferPointer { r.baseAddress!.update(from: $0.baseAddress!, count: $0.count) }
        }
        BLAS.gemm(w2, ws.hidden, into: &ws.residuals, beta: -1)
        let loss = 0.5 * BLAS.dot(ws.residuals.storage, ws.residuals.storage) / p
        ws.residuals.storage.withUnsafeMutableBufferPointer { r in for i in r.indices { r[i] /= p } }
        BLAS.gemm(ws.residuals, ws.hidden, into: &ws.gradients[1], transB: .transpose)
        BLAS.gemm(w2, ws.residuals, into: &ws.backProjected, transA: .transpose)
        BLAS.gemm(ws.backProjected, batch.inputs, into: &ws.gradients[0], transB: .transpose)
        return loss
    }
}
