import Linalg
import SequenceData

/// The hidden-state trajectories of a recurrent network on a batch, in the `SequenceBatch` column layout: column
/// block t−1 (columns `(t−1)·P ..< t·P`) holds the state after input t, for t = 1…T.
public struct HiddenTrajectories: Sendable, Equatable {
    /// States after each input, `N × T·P` (what the recurrence carries: h for `TanhRNN`, `LeakyRateRNN`, `LinearRNN`).
    public var states: Matrix
    /// Rates `φ(state)` in the same layout: `tanh(h)` for `LeakyRateRNN`; the states themselves for `TanhRNN` (whose
    /// state is already a rate) and `LinearRNN` (φ = identity).
    public var rates: Matrix
    /// Trajectory length T.
    public let timeSteps: Int
    /// Number of trajectories P.
    public let samples: Int

    /// Wraps `states` and `rates` (both `N × T·P`).
    public init(states: Matrix, rates: Matrix, timeSteps: Int, samples: Int) {
        precondition(states.cols == timeSteps * samples && rates.shape == states.shape,
                     "trajectories must be N × T·P = \(timeSteps * samples) columns, got \(states.shape) and \(rates.shape)")
        self.states = states
        self.rates = rates
        self.timeSteps = timeSteps
        self.samples = samples
    }

    /// Hidden width N.
    public var hiddenDimension: Int { states.rows }

    /// The states after input t (1-based) of every sample, `N × P`.
    public func states(at t: Int) -> Matrix {
        precondition(t >= 1 && t <= timeSteps, "t must be in 1...\(timeSteps), got \(t)")
        return states.columns(((t - 1) * samples)..<(t * samples))
    }

    /// Sample p's trajectory (of `states`, or of `rates`), `N × T`: column t−1 is the state after input t.
    public func trajectory(ofSample p: Int, rates useRates: Bool = false) -> Matrix {
        precondition(p >= 0 && p < samples, "sample \(p) outside 0..<\(samples)")
        let source = useRates ? rates : states, n = hiddenDimension
        var out = Matrix(rows: n, cols: timeSteps)
        for t in 0..<timeSteps {
            for i in 0..<n { out.storage[i + t * n] = source.storage[i + (t * samples + p) * n] }
        }
        return out
    }
}

/// A recurrent network whose noise-free hidden-state trajectories on a batch can be read out (for dynamics
/// comparisons such as DSA).
public protocol HiddenTrajectoryModel: DifferentiableModel {
    /// The trajectories on `batch` with process and input noise switched off.
    func hiddenTrajectories(_ batch: SequenceBatch) -> HiddenTrajectories
}

extension TanhRNN: HiddenTrajectoryModel {
    /// `h_1 … h_T` (noise off); `rates` are the same states. The batch's targets must fit the readout mode.
    public func hiddenTrajectories(_ batch: SequenceBatch) -> HiddenTrajectories {
        var quiet = self
        quiet.noise = .none
        var ws = quiet.makeWorkspace(for: batch)
        _ = quiet.lossAndGradient(batch, workspace: &ws)
        return HiddenTrajectories(states: ws.states, rates: ws.states, timeSteps: batch.timeSteps, samples: batch.samples)
    }
}

extension LeakyRateRNN: HiddenTrajectoryModel {
    /// The states after each input (the spec's `h_2 … h_{T+1}`) and their rates `tanh(h)` (noise off). The batch's
    /// targets must fit the readout mode.
    public func hiddenTrajectories(_ batch: SequenceBatch) -> HiddenTrajectories {
        var quiet = self
        quiet.noise = .none
        var ws = quiet.makeWorkspace(for: batch)
        _ = quiet.lossAndGradient(batch, workspace: &ws)
        return HiddenTrajectories(states: ws.states, rates: ws.rates, timeSteps: batch.timeSteps, samples: batch.samples)
    }
}

extension LinearRNN: HiddenTrajectoryModel {
    /// `h_2 … h_{T+1}` (`LinearRNN.hiddenStates`); `rates` are the same states.
    public func hiddenTrajectories(_ batch: SequenceBatch) -> HiddenTrajectories {
        let h = hiddenStates(batch)
        return HiddenTrajectories(states: h, rates: h, timeSteps: batch.timeSteps, samples: batch.samples)
    }
}
