import Linalg
import Networks
import Tasks
import Training

/// Per-mode quantities of a network read in a task's singular basis without knowing the hidden rotation.
///
/// With `M_k = W_y W_h^k W_x`, an aligned network has `U_yᵀ M_k V_x = diag(c b^k a)`, so
/// `ac = [U_yᵀ M_0 V_x]_αα` and `b = [U_yᵀ M_1 V_x]_αα / ac`. For unaligned networks these are the effective
/// input–output and recurrent modes the task sees; `offDiagonal` measures how far the lag maps are from diagonal.
public struct EffectiveModes: Sendable, Equatable {
    /// Effective input–output mode `ac` per singular dimension.
    public var ac: [Double]
    /// Effective recurrent mode `b` per singular dimension (NaN where `ac` ≈ 0).
    public var b: [Double]
    /// Largest off-diagonal |entry| of `U_yᵀ M_k V_x` over k = 0, 1, relative to the largest diagonal one.
    public var offDiagonal: Double

    /// Wraps measured values.
    public init(ac: [Double], b: [Double], offDiagonal: Double) {
        self.ac = ac; self.b = b; self.offDiagonal = offDiagonal
    }

    /// Reads the modes of `net` in the basis (`uy`, `vx`) for the first `count` dimensions.
    public init(of net: LinearRNN, uy: Matrix, vx: Matrix, count: Int) {
        let m0 = uy.transposeTimes(net.lagMap(0) * vx), m1 = uy.transposeTimes(net.lagMap(1) * vx)
        ac = (0..<count).map { m0[$0, $0] }
        b = (0..<count).map { abs(m0[$0, $0]) > 1e-14 ? m1[$0, $0] / m0[$0, $0] : .nan }
        var off = 0.0, diag = 0.0
        for m in [m0, m1] {
            for i in 0..<m.rows { for j in 0..<m.cols { if i == j { diag = max(diag, abs(m[i, j])) } else { off = max(off, abs(m[i, j])) } } }
        }
        offDiagonal = diag > 0 ? off / diag : 0
    }
}

/// A full-matrix linear RNN trained by exact population gradient descent on a singular-value task, with its
/// task-basis modes recorded — the simulation every Proca et al. mode-theory curve is compared against.
public struct ModeSimulation: Sendable {
    /// The task (its `U_y`, `V_x` define the mode basis).
    public var task: SingularValueTask
    /// Hidden width (≥ the number of modes).
    public var hidden: Int
    /// Initial mode values per dimension (aligned init), or nil for an unaligned Gaussian init of `unalignedScale`.
    public var initialModes: (a: [Double], b: [Double], c: [Double])?
    /// Gaussian scale for unaligned inits (std scale/√fan-in).
    public var unalignedScale: Double
    /// Step size η; flow time is `η · step` (`LossConvention`).
    public var learningRate: Double
    /// Number of GD steps.
    public var steps: Int
    /// Record every `recordEvery` steps (plus the last step).
    public var recordEvery: Int

    /// A simulation of `steps` GD steps of size `learningRate`.
    public init(task: SingularValueTask, hidden: Int, initialModes: (a: [Double], b: [Double], c: [Double])?,
                unalignedScale: Double = 0.05, learningRate: Double, steps: Int, recordEvery: Int) {
        self.task = task; self.hidden = hidden; self.initialModes = initialModes; self.unalignedScale = unalignedScale
        self.learningRate = learningRate; self.steps = steps; self.recordEvery = recordEvery
    }

    /// The recorded trajectory.
    public struct Trajectory: Sendable {
        /// Recorded steps.
        public var steps: [Int]
        /// Flow time `η · step`.
        public var time: [Double]
        /// Loss at each record.
        public var loss: [Double]
        /// Effective modes at each record.
        public var modes: [EffectiveModes]
        /// Aligned runs: the (a, b, c) diagonal modes in the known frame at each record (empty when unaligned).
        public var alignedModes: [(a: [Double], b: [Double], c: [Double])]
        /// Why training ended.
        public var stop: StopReason
        /// The divergence and last good state, when training diverged (the records then end at the last good step).
        public var divergence: TrainingDivergence?
    }

    /// Runs the simulation; the hidden rotation (aligned) or the weights (unaligned) come from `seed`'s `init` stream.
    public func run(streams: RandomStreams) throws -> Trajectory {
        var rng = streams.stream("init")
        let net: LinearRNN
        var basis: TaskBasis?
        if let m = initialModes {
            let b = task.basis(r: try Matrix.haarOrthogonal(hidden, using: &rng))
            basis = b
            net = Initializer.aligned(a: m.a, b: m.b, c: m.c, basis: b)
        } else {
            net = Initializer.unaligned(nx: task.inputDimension, nh: hidden, ny: task.outputDimension,
                                        scale: unalignedScale, rng: &rng)
        }
        var source = PopulationGradient(task: task.population, model: net)
        var recorder = Recorder<LinearRNN>(schedule: .every(max(1, recordEvery)), recordsParameters: false)
        let uy = task.uy, vx = task.vx, count = task.modeCount
        recorder.probes = [Probe("effective_ac") { EffectiveModes(of: $0, uy: uy, vx: vx, count: count).ac },
                           Probe("effective_b") { EffectiveModes(of: $0, uy: uy, vx: vx, count: count).b },
                           Probe("effective_offdiag") { [EffectiveModes(of: $0, uy: uy, vx: vx, count: count).offDiagonal] }]
        if let basis { recorder.probes += Probe.modes(in: basis) }
        let run = Trainer.train(net, source: &source,
                                options: TrainingOptions(steps: steps, optimizer: Optimizer(.gd, learningRate: learningRate)),
                                recorder: &recorder)
        let r = run.recording
        let modes = (0..<r.steps.count).map { i in
            EffectiveModes(ac: r.probes["effective_ac"]![i], b: r.probes["effective_b"]![i],
                           offDiagonal: r.probes["effective_offdiag"]![i][0])
        }
        let aligned: [(a: [Double], b: [Double], c: [Double])] = basis == nil ? [] : (0..<r.steps.count).map { i in
            (a: r.probes["modes_a"]![i], b: r.probes["modes_b"]![i], c: r.probes["modes_c"]![i])
        }
        return Trajectory(steps: r.steps, time: r.steps.map { Double($0) * learningRate }, loss: r.losses,
                          modes: modes, alignedModes: aligned, stop: run.stop, divergence: TrainingDivergence(run))
    }
}
