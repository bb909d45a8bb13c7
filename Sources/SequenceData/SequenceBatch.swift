import Linalg

/// A batch of P input trajectories of length T with their targets, laid out for batched BLAS.
///
/// Inputs are one `N_x × (T·P)` matrix whose column block `t` (columns `t·P ..< (t+1)·P`, 0-based)
/// holds `x_{t+1}` for every sample, so the input projection `W_x X` for all time steps is one GEMM.
/// Targets are `N_y × P` (final output) or `N_y × (T·P)` (autoregressive, same block layout).
public struct SequenceBatch: Sendable, Equatable {
    /// Inputs, `N_x × (T·P)`, time-major column blocks.
    public var inputs: Matrix
    /// Targets, `N_y × P` or `N_y × (T·P)`.
    public var targets: Matrix
    /// Trajectory length T.
    public let timeSteps: Int
    /// Number of trajectories P.
    public let samples: Int

    /// Wraps inputs and targets after checking their shapes agree with `timeSteps` and `samples`.
    public init(inputs: Matrix, targets: Matrix, timeSteps: Int, samples: Int) {
        precondition(timeSteps >= 1 && samples >= 1, "need T ≥ 1 and P ≥ 1")
        precondition(inputs.cols == timeSteps * samples, "inputs have \(inputs.cols) columns, expected T·P = \(timeSteps * samples)")
        precondition(targets.cols == samples || targets.cols == timeSteps * samples,
                     "targets have \(targets.cols) columns, expected P = \(samples) or T·P = \(timeSteps * samples)")
        self.inputs = inputs
        self.targets = targets
        self.timeSteps = timeSteps
        self.samples = samples
    }

    /// Input dimension N_x.
    public var inputDimension: Int { inputs.rows }
    /// Output dimension N_y.
    public var outputDimension: Int { targets.rows }
    /// True when targets are given at every time step.
    public var hasTargetsAtEveryStep: Bool { targets.cols == timeSteps * samples && timeSteps > 1 }

    /// Inputs at time `t` (1-based, as in the papers) as an `N_x × P` matrix.
    public func input(at t: Int) -> Matrix { inputs.columns(((t - 1) * samples)..<(t * samples)) }

    /// An empty batch of the same shapes with `count` samples, to be filled by `gather`.
    public func makeMinibatch(count: Int) -> SequenceBatch {
        SequenceBatch(inputs: Matrix(rows: inputs.rows, cols: timeSteps * count),
                      targets: Matrix(rows: targets.rows, cols: targets.cols == samples ? count : timeSteps * count),
                      timeSteps: timeSteps, samples: count)
    }

    /// Copies the trajectories `indices` of `self` into `batch` (which must come from `makeMinibatch`).
    /// Allocation-free.
    public func gather(_ indices: [Int], into batch: inout SequenceBatch) {
        let m = batch.samples
        precondition(indices.count == m, "gather needs \(m) indices")
        let nx = inputs.rows, ny = targets.rows, p = samples, T = timeSteps
        let perStepTargets = targets.cols != samples
        inputs.storage.withUnsafeBufferPointer { src in
            batch.inputs.storage.withUnsafeMutableBufferPointer { dst in
                for t in 0..<T {
                    for (j, idx) in indices.enumerated() {
                        let s = (t * p + idx) * nx, d = (t * m + j) * nx
                        for i in 0..<nx { dst[d + i] = src[s + i] }
                    }
                }
            }
        }
        targets.storage.withUnsafeBufferPointer { src in
            batch.targets.storage.withUnsafeMutableBufferPointer { dst in
                let blocks = perStepTargets ? T : 1
                for t in 0..<blocks {
                    for (j, idx) in indices.enumerated() {
                        let s = (t * p + idx) * ny, d = (t * m + j) * ny
                        for i in 0..<ny { dst[d + i] = src[s + i] }
                    }
                }
            }
        }
    }
}
