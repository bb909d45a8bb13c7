import Linalg

/// A batch of P input trajectories of length T with their targets, laid out for batched BLAS.
///
/// Inputs are one `N_x × (T·P)` matrix whose column block `t` (columns `t·P ..< (t+1)·P`, 0-based)
/// holds `x_{t+1}` for every sample, so the input projection `W_x X` for all time steps is one GEMM.
/// Targets are `N_y × P` (final output) or `N_y × (T·P)` (autoregressive, same block layout). Optional per-entry
/// loss weights `w` (shaped like the targets) turn the loss into `L = ½ Σ w·(ŷ − y)² / P`; nil means every weight is 1.
public struct SequenceBatch: Sendable, Equatable {
    /// Inputs, `N_x × (T·P)`, time-major column blocks.
    public var inputs: Matrix
    /// Targets, `N_y × P` or `N_y × (T·P)`.
    public var targets: Matrix
    /// Trajectory length T.
    public let timeSteps: Int
    /// Number of trajectories P.
    public let samples: Int
    /// Per-entry loss weights, shaped like `targets` (nil: all ones). Networks that cannot honour them refuse a
    /// weighted batch with a precondition.
    public var lossWeights: Matrix?

    /// Wraps inputs, targets and optional loss weights after checking their shapes agree with `timeSteps` and
    /// `samples` (weights shaped like the targets, finite and ≥ 0).
    public init(inputs: Matrix, targets: Matrix, timeSteps: Int, samples: Int, lossWeights: Matrix? = nil) {
        precondition(timeSteps >= 1 && samples >= 1, "need T ≥ 1 and P ≥ 1")
        precondition(inputs.cols == timeSteps * samples, "inputs have \(inputs.cols) columns, expected T·P = \(timeSteps * samples)")
        precondition(targets.cols == samples || targets.cols == timeSteps * samples,
                     "targets have \(targets.cols) columns, expected P = \(samples) or T·P = \(timeSteps * samples)")
        if let w = lossWeights {
            precondition(w.shape == targets.shape, "loss weights are \(w.shape), targets \(targets.shape)")
            precondition(w.storage.allSatisfy { $0 >= 0 && $0.isFinite }, "loss weights must be finite and ≥ 0")
        }
        self.inputs = inputs
        self.targets = targets
        self.timeSteps = timeSteps
        self.samples = samples
        self.lossWeights = lossWeights
    }

    /// Input dimension N_x.
    public var inputDimension: Int { inputs.rows }
    /// Output dimension N_y.
    public var outputDimension: Int { targets.rows }
    /// True when targets are given at every time step.
    public var hasTargetsAtEveryStep: Bool { targets.cols == timeSteps * samples && timeSteps > 1 }

    /// Inputs at time `t` (1-based, as in the papers) as an `N_x × P` matrix.
    public func input(at t: Int) -> Matrix { inputs.columns(((t - 1) * samples)..<(t * samples)) }

    /// An empty batch of the same shapes with `count` samples (loss weights too when `self` has them), to be
    /// filled by `gather`.
    public func makeMinibatch(count: Int) -> SequenceBatch {
        let targetCols = targets.cols == samples ? count : timeSteps * count
        return SequenceBatch(inputs: Matrix(rows: inputs.rows, cols: timeSteps * count),
                             targets: Matrix(rows: targets.rows, cols: targetCols), timeSteps: timeSteps, samples: count,
                             lossWeights: lossWeights.map { Matrix(rows: $0.rows, cols: targetCols) })
    }

    /// Copies the trajectories `indices` of `self` (inputs, targets and loss weights) into `batch` (which must come
    /// from `makeMinibatch`). Allocation-free.
    public func gather(_ indices: [Int], into batch: inout SequenceBatch) {
        precondition(indices.count == batch.samples, "gather needs \(batch.samples) indices")
        precondition((lossWeights == nil) == (batch.lossWeights == nil), "gather needs a batch from makeMinibatch")
        let blocks = targets.cols != samples ? timeSteps : 1
        Self.gatherColumns(inputs, blocks: timeSteps, samples: samples, indices, into: &batch.inputs)
        Self.gatherColumns(targets, blocks: blocks, samples: samples, indices, into: &batch.targets)
        if let w = lossWeights { Self.gatherColumns(w, blocks: blocks, samples: samples, indices, into: &batch.lossWeights!) }
    }

    /// Copies column `t·P + indices[j]` of `source` to column `t·m + j` of `destination` for every block t.
    private static func gatherColumns(_ source: Matrix, blocks: Int, samples p: Int, _ indices: [Int],
                                      into destination: inout Matrix) {
        let d = source.rows, m = indices.count
        source.storage.withUnsafeBufferPointer { src in
            destination.storage.withUnsafeMutableBufferPointer { dst in
                for t in 0..<blocks {
                    for (j, idx) in indices.enumerated() {
                        let s = (t * p + idx) * d, o = (t * m + j) * d
                        for i in 0..<d { dst[o + i] = src[s + i] }
                    }
                }
            }
        }
    }
}
