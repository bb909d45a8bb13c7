import Linalg
import SequenceData

/// Multisensory stimuli with an integration target, `y = Σ_t w_t x_t` per channel (N_y = N_x; not whitened).
public struct SensoryIntegrationTask: Sendable, Equatable {
    /// The stimulus generator.
    public var stimulus: MultisensoryStimulus
    /// The read-out.
    public var target: IntegrationTarget
    /// Trajectory length T.
    public let timeSteps: Int

    /// A task of length T (NeuroGym stimulus defaults unless `stimulus` is given).
    public init(target: IntegrationTarget, timeSteps: Int, stimulus: MultisensoryStimulus = MultisensoryStimulus()) {
        precondition(timeSteps >= 1, "need T ≥ 1")
        self.stimulus = stimulus; self.target = target; self.timeSteps = timeSteps
    }

    /// The same generator and read-out at length `T′` (the extrapolation test set; the mean target uses 1/T′).
    public func atLength(_ T: Int) -> SensoryIntegrationTask { SensoryIntegrationTask(target: target, timeSteps: T, stimulus: stimulus) }

    /// N_x = N_y.
    public var inputDimension: Int { stimulus.inputDimension }

    /// The targets `Σ_t w_t x_t` (`N_x × P`) of batched inputs `x` (`N_x × (T·P)`).
    public func targets(for x: Matrix) -> Matrix {
        let w = target.weights(timeSteps: timeSteps), p = x.cols / timeSteps
        var y = Matrix(rows: x.rows, cols: p)
        for t in 0..<timeSteps {
            for j in 0..<p { for i in 0..<x.rows { y[i, j] += w[t] * x[i, t * p + j] } }
        }
        return y
    }

    /// P trials with their conditions.
    public func sampleTrials(count p: Int, rng: inout Xoshiro256) -> (batch: SequenceBatch, trials: [MultisensoryStimulus.Trial]) {
        let (x, trials) = stimulus.generate(count: p, timeSteps: timeSteps, rng: &rng)
        return (SequenceBatch(inputs: x, targets: targets(for: x), timeSteps: timeSteps, samples: p), trials)
    }

    /// P trials (inputs `N_x × (T·P)`, targets `N_x × P`).
    public func sample(count p: Int, rng: inout Xoshiro256) -> SequenceBatch { sampleTrials(count: p, rng: &rng).batch }

    /// The whitened idealisation used by the theory: `U_y = V_x = I` and every mode with `s_t = w_t`.
    public var idealisedTask: SingularValueTask {
        let s = target.weights(timeSteps: timeSteps)
        let n = inputDimension
        return SingularValueTask(singularValues: [[Double]](repeating: s, count: n), uy: .identity(n), vx: .identity(n))
    }
}
