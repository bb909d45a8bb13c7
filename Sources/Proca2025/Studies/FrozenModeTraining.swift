import Linalg
import Networks
import Tasks
import Training

extension Proca2025.FrozenParameters {
    /// The `LinearRNN` blocks (W_x = 0, W_h = 1, W_y = 2) this choice freezes.
    var linearRNNBlocks: [Int] {
        switch self {
        case .none: return []
        case .recurrent: return [1]
        case .inputOutput: return [0, 2]
        }
    }
}

/// Several independent modes trained at once in one full-matrix aligned LRNN.
///
/// Mode α of the task (`singularValues[α]`) lives on singular dimension α; with an aligned start the gradient stays
/// diagonal in the task frame, so one network with as many hidden units as modes simulates a whole family of mode
/// trajectories in a single gradient-descent run. That holds in exact arithmetic, and it is what the per-mode theory
/// describes. Round-off breaks it where the aligned state is not a minimum of the full-matrix loss: on tasks with a
/// zero-loss single-mode solution (constant, inverse-exponential, exponential families) packed modes stay aligned to
/// ~1e-15, but on the Dirac task a mode can lower its loss by spreading over a second hidden unit (two recurrent
/// eigenvalues fit the time-course better than one; at T = 3 exactly, with b = ±β), so with spare or shared hidden
/// units the aligned solution is a saddle and the misalignment grows exponentially from round-off. For such tasks use one mode per network with
/// `hidden` = 1 (`width` 2 keeps the input/output spaces larger than the mode). `misalignment` reports the final
/// off-diagonal size. Parameters can be frozen block-wise (`BlockFreezingGradient`). Modes are read back in the
/// known frame (spec §2.8) at every record.
public struct MultiModeTraining: Sendable {
    /// Recorded GD steps.
    public var steps: [Int]
    /// Flow time `η · step` of each record.
    public var time: [Double]
    /// Total loss (sum over modes) at each record.
    public var loss: [Double]
    /// `a[record][mode]`, `b[record][mode]`, `c[record][mode]`.
    public var a: [[Double]], b: [[Double]], c: [[Double]]
    /// Largest off-diagonal |entry| of the projected `W̄_x, W̄_h, W̄_y` at the end, relative to the largest diagonal
    /// one: how well the network stayed aligned (≈ 1e-15 in exact arithmetic).
    public var misalignment: Double
    /// Why training ended.
    public var stop: StopReason
    /// The divergence and last good state, when training diverged (the records then end at the last good step).
    public var divergence: TrainingDivergence?
    /// Input and output width N_x = N_y.
    public var width: Int
    /// Hidden width N_h.
    public var hidden: Int

    /// Trains an aligned LRNN on `singularValues` (one row per mode, all of length T) by exact population GD.
    ///
    /// - Parameters:
    ///   - initial: per-mode starting values (a, b, c), one entry per mode.
    ///   - frozen: which blocks keep their initial value.
    ///   - schedule: which steps to record.
    ///   - width: N_x = N_y (at least the number of modes; extra dimensions carry zero targets); default: the mode count.
    ///   - hidden: N_h (at least the number of modes; extra hidden units start at 0); default: `width`.
    ///   - seed: root seed; the task's `U_y`, `V_x` come from its `data` stream and the hidden rotation from `init`.
    public init(singularValues: [[Double]], initial: [Proca2025.Mode], frozen: Proca2025.FrozenParameters = .none,
                learningRate eta: Double, steps total: Int, schedule: RecordSchedule, width: Int? = nil,
                hidden: Int? = nil, streams: RandomStreams) throws {
        precondition(initial.count == singularValues.count, "one initial mode per task mode")
        let n = max(width ?? singularValues.count, singularValues.count)
        var dataRNG = streams.stream("data")
        let task = try SingularValueTask(singularValues: singularValues, nx: n, ny: n, rng: &dataRNG)
        var initRNG = streams.stream("init")
        let nh = max(hidden ?? n, singularValues.count)
        let basis = task.basis(r: try Matrix.haarOrthogonal(nh, using: &initRNG))
        let net = Initializer.aligned(a: initial.map(\.a), b: initial.map(\.b), c: initial.map(\.c), basis: basis)
        var source = BlockFreezingGradient(PopulationGradient(task: task.population, model: net),
                                           frozenBlocks: frozen.linearRNNBlocks)
        var recorder = Recorder<LinearRNN>(schedule: schedule, probes: Probe.modes(in: basis), recordsParameters: false)
        let run = Trainer.train(net, source: &source,
                                options: TrainingOptions(steps: total, optimizer: Optimizer(.gd, learningRate: eta)),
                                recorder: &recorder)
        let r = run.recording
        steps = r.steps
        time = r.steps.map { Double($0) * eta }
        loss = r.losses
        let m = singularValues.count
        a = r.probes["modes_a"]!.map { Array($0.prefix(m)) }
        b = r.probes["modes_b"]!.map { Array($0.prefix(m)) }
        c = r.probes["modes_c"]!.map { Array($0.prefix(m)) }
        stop = run.stop
        divergence = TrainingDivergence(run)
        self.width = n
        self.hidden = nh
        let p = basis.projected(run.model)
        var off = 0.0, diag = 0.0
        for m in [p.wx, p.wh, p.wy] {
            for i in 0..<m.rows {
                for j in 0..<m.cols { if i == j { diag = max(diag, abs(m[i, j])) } else { off = max(off, abs(m[i, j])) } }
            }
        }
        misalignment = diag > 0 ? off / diag : 0
    }

    /// The trajectory of mode `k`'s recurrent value b.
    public func bTrajectory(_ k: Int) -> [Double] { b.map { $0[k] } }
    /// The trajectory of mode `k`'s input–output value u = ac.
    public func acTrajectory(_ k: Int) -> [Double] { zip(a, c).map { $0[k] * $1[k] } }
    /// Mode `k` at the last record.
    public func finalMode(_ k: Int) -> Proca2025.Mode { Proca2025.Mode(a: a.last![k], b: b.last![k], c: c.last![k]) }
}
