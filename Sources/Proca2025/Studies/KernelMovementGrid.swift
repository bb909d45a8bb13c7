import Analysis
import Dispatch
import ExperimentKit
import Foundation
import Linalg
import Networks
import Numerics
import Tasks
import Training

/// The task a kernel-movement grid trains on (Proca et al. §7.3): `dimension` modes with whitened inputs.
enum KernelTask: Sendable, Equatable {
    /// SVD form, every mode constant `s_t = δ` (δ = 1: perfect integration, Fig. 5).
    case constant(delta: Double)
    /// Eigen form, every conjugate pair inverse-exponential `d_t = δ λ^{T−t}` with `λ = R e^{iφ}` (Fig. A4).
    case rotational(delta: Double, radius: Double, angle: Double)

    /// Whitened samples of the task at length `T` (task frame and inputs from `data`) and the aligned network on its
    /// frame with input–output modes `io` (a = c) and recurrent modes `rec` (b), its hidden rotation from `weights`;
    /// nil network when `hidden` does not fit the frame.
    func make(T: Int, dimension: Int, hidden: Int, samples: Int, io: Double, rec: Double,
              data rng: inout Xoshiro256, weights: inout Xoshiro256) throws -> (batch: SequenceBatch, aligned: LinearRNN?) {
        switch self {
        case .constant(let delta):
            let s = [[Double]](repeating: [Double](repeating: delta, count: T), count: dimension)
            let task = try SingularValueTask(singularValues: s, nx: dimension, ny: dimension, rng: &rng)
            let batch = try task.sample(count: samples, rng: &rng)
            let m = [Double](repeating: io, count: dimension), b = [Double](repeating: rec, count: dimension)
            let net = hidden >= dimension
                ? Initializer.aligned(a: m, b: b, c: m, basis: task.basis(r: try Matrix.haarOrthogonal(hidden, using: &weights)))
                : nil
            return (batch, net)
        case let .rotational(delta, radius, angle):
            let pairs = dimension / 2
            let profile = EigenvalueProfile.family(.inverseExponential, delta: ComplexPair(delta),
                                                   lambda: ComplexPair(radius: radius, angle: angle))
            let task = try RotationalTask(profiles: [EigenvalueProfile](repeating: profile, count: pairs),
                                          isPair: [Bool](repeating: true, count: pairs), timeSteps: T, rng: &rng)
            let batch = try task.sample(count: samples, rng: &rng)
            let m = [Complex<Double>](repeating: Complex(io, 0), count: pairs)
            let b = [Complex<Double>](repeating: Complex(rec, 0), count: pairs)
            let net = hidden == dimension
                ? Initializer.alignedEigen(a: m, b: b, c: m, basis: task.basis) : nil
            return (batch, net)
        }
    }
}

/// How an unaligned network's initialisation scale σ sets its Gaussian entries. The paper states it both ways
/// (App. P.1 and App. J): as the standard deviation σ/√N_in (spectral radius ≈ σ) or as the variance σ/√N_in
/// (standard deviation √σ · N_in^(−1/4)); N_in is the fan-in.
enum UnalignedScaleReading: String, Sendable, Equatable, CaseIterable {
    /// std σ/√N_in.
    case std
    /// variance σ/√N_in.
    case variance

    /// The factor that turns standard-normal/√fan entries (std 1/√fan) into entries of this reading at scale σ.
    func factor(scale: Double, fan: Int) -> Double {
        switch self {
        case .std: return scale
        case .variance: return (scale * Double(fan).squareRoot()).squareRoot()
        }
    }
}

/// One heatmap cell: trajectory length, input–output and recurrent initialisation scales, aligned or not (and then
/// how the scale is read).
struct KernelMovementCell: Sendable, Equatable {
    var T: Int
    var io: Double
    var rec: Double
    var aligned: Bool
    /// Whether this is the smallest initialisation scale of its grid: a draw that diverges there is blamed on the
    /// learning rate (`ExperimentDivergence`), while a draw that diverges only at a larger scale is an outcome of the
    /// figure (a NaN cell, counted in `diverged_*`).
    var smallestScale = false
    /// How an unaligned network reads its scales (unused when aligned).
    var reading: UnalignedScaleReading = .std
    /// Stream of the task and samples: one per T, shared by aligned and unaligned networks and by every scale.
    var dataStream: String { "kernel-movement-data-T\(T)" }
    /// Stream of draw `draw`'s weights: one per (T, aligned, draw), shared across scales and readings, so a heatmap row
    /// differs only in the scale (aligned: the same hidden rotation R; unaligned: the same standard-normal matrices,
    /// rescaled).
    func weightStream(draw: Int) -> String { "kernel-movement-weights-T\(T)-\(aligned ? "aligned" : "unaligned")-\(draw)" }
}

/// What one cell (or one draw of it) ended at. Training ends when the loss reaches the tolerance, or when it stops
/// changing (a stationary point above the tolerance, e.g. a mode
/// with recurrent part b ≤ −1 that cannot learn the constant task), or at `max_steps`. A cell averages its draws whose
/// training finished (converged or stalled) and counts the diverged and unfinished ones, which it leaves out (NaN when
/// no draw finished). Only draws at a scale above the grid's smallest can count as diverged: a divergence at the
/// smallest scale means the learning rate is too large for the task and stops the experiment (`ExperimentDivergence`).
public struct KernelMovementOutcome: Sendable, Equatable {
    /// Kernel distance between the NTK at initialisation and after training (NaN if no draw finished).
    var distance: Double
    /// Standard deviation of the distance over the averaged draws (0 for one).
    var distanceSpread: Double = 0
    /// Final loss / loss of the zero network `(1/2P) Σ ‖y‖²`; for a cell the largest over the averaged draws.
    var relativeLoss: Double
    /// GD steps taken (a cell: the most over its draws).
    var steps: Int
    /// Relative weight change ‖ΔW‖/‖W₀‖ of W_x, W_h, W_y (a cell: mean over the averaged draws).
    var weightChange: [Double]
    /// Draws that diverged.
    var diverged = 0
    /// Draws that ended at a stationary point above the loss tolerance.
    var stalled = 0
    /// Draws still changing at `max_steps`.
    var unfinished = 0
}

/// Training and measurement settings shared by the kernel-movement figures; every value the paper leaves open.
struct KernelMovementSettings: Sendable {
    var task: KernelTask
    /// Modes of the task = N_x = N_y.
    var dimension: Int
    /// N_h.
    var hidden: Int
    /// Trajectories P (whitened, so P > T·N_x); the NTK is taken on these training inputs.
    var samples: Int
    var learningRate: Double
    /// Training stops at loss ≤ `lossTolerance` × the zero network's loss (a fixed scale, also right for a network
    /// that starts at the optimum) or when it changed by less than `stationaryTolerance` × that loss over the last
    /// `checkEvery` steps (checked every `checkEvery` steps), or at `maxSteps`.
    var maxSteps: Int, checkEvery: Int, lossTolerance: Double
    /// A loss that changes by less than `stationaryTolerance` × the zero network's loss over a check window is stationary.
    var stationaryTolerance: Double
    /// Independent weight draws per cell, averaged.
    var draws: Int

    /// The declarations of the shared keys, with a figure's defaults.
    struct Declared: Sendable {
        let dimension: Parameter<Int>, hidden: Parameter<Int>, samples: Parameter<Int>, learningRate: Parameter<Double>
        let maxSteps: Parameter<Int>, checkEvery: Parameter<Int>, lossTolerance: Parameter<Double>
        let stationaryTolerance: Parameter<Double>, draws: Parameter<Int>

        /// The keys with these defaults (quick, full).
        init(samples: Int, learningRate: Double, maxSteps: (Int, Int), draws: (Int, Int), hidden: Int = 4) {
            dimension = .int("dimension", 4, in: 1...256, doc: "singular (or rotational: real) dimensions of the task, N_x = N_y")
            self.hidden = .int("hidden", hidden, in: 1...4096, doc: "hidden units N_h")
            self.samples = .int("samples", samples, in: 2...100_000, doc: "whitened training trajectories P (> T·N_x); the NTK is taken on them")
            self.learningRate = .double("learning_rate", learningRate, in: 1e-7...10, doc: "full-batch gradient-descent step η")
            self.maxSteps = .int("max_steps", maxSteps.0, full: maxSteps.1, in: 1...100_000_000, unit: "steps", doc: "most gradient-descent steps per run")
            checkEvery = .int("check_every", 250, in: 1...100_000_000, unit: "steps", doc: "steps between checks of the stopping rules")
            lossTolerance = .double("loss_tolerance", 1e-6, in: 0...1, doc: "stop at loss ≤ this × the zero network's loss")
            stationaryTolerance = .double("stationary_tolerance", 1e-10, in: 0...1, doc: "stop when the loss moved by ≤ this × the zero network's loss between checks")
            self.draws = .int("draws", draws.0, full: draws.1, in: 1...1000, doc: "independent weight (and data) draws per cell, averaged")
        }

        /// In declaration order.
        var list: [ParameterDeclaration] {
            [.init(dimension), .init(hidden), .init(samples), .init(learningRate), .init(maxSteps), .init(checkEvery),
             .init(lossTolerance), .init(stationaryTolerance), .init(draws)]
        }
    }

    /// Reads the shared keys with their declared ranges.
    init(_ p: ConfigReader, _ d: Declared, task: KernelTask) throws {
        self.task = task
        dimension = try p.read(d.dimension)
        hidden = try p.read(d.hidden)
        samples = try p.read(d.samples)
        learningRate = try p.read(d.learningRate)
        maxSteps = try p.read(d.maxSteps)
        checkEvery = try p.read(d.checkEvery)
        lossTolerance = try p.read(d.lossTolerance)
        stationaryTolerance = try p.read(d.stationaryTolerance)
        draws = try p.read(d.draws)
        if case .rotational = task, dimension % 2 != 0 {
            throw ConfigError(key: "\(p.path).dimension", "must be even for the rotational task (one conjugate pair per two dimensions)")
        }
    }

    /// Throws unless every T in `lengths` has more samples than whitening needs (P > T·N_x).
    func checkSamples(_ lengths: [Int], path: String) throws {
        if let T = lengths.max(), samples <= T * dimension {
            throw ConfigError(key: "\(path).samples", "\(samples) is too few for whitened inputs at T = \(T) (allowed: > T·dimension = \(T * dimension))")
        }
    }

    /// Runs every cell's `draws` draws on `context.threads` threads and averages them; results in cell order,
    /// bit-identical for any thread count.
    func run(_ cells: [KernelMovementCell], context: RunContext) throws -> [KernelMovementOutcome] {
        let runs = try runDraws(cells, context: context)
        return cells.indices.map { c in average(runs[(c * draws)..<((c + 1) * draws)]) }
    }

    /// One cell's draws combined: the mean (and spread) of the distance over the draws whose training finished, the
    /// worst relative loss, the most steps, the mean weight change, and the counts.
    func average(_ d: ArraySlice<KernelMovementOutcome>) -> KernelMovementOutcome {
        let good = d.filter { $0.distance.isFinite && $0.unfinished == 0 }, n = Double(good.count)
        let mean = good.isEmpty ? .nan : good.map(\.distance).reduce(0, +) / n
        let spread = good.count > 1 ? (good.map { ($0.distance - mean) * ($0.distance - mean) }.reduce(0, +) / (n - 1)).squareRoot() : 0
        return KernelMovementOutcome(distance: mean, distanceSpread: spread,
                                     relativeLoss: good.map(\.relativeLoss).max() ?? .nan, steps: d.map(\.steps).max()!,
                                     weightChange: (0..<3).map { b in good.isEmpty ? .nan : good.map { $0.weightChange[b] }.reduce(0, +) / n },
                                     diverged: d.map(\.diverged).reduce(0, +), stalled: d.map(\.stalled).reduce(0, +),
                                     unfinished: d.map(\.unfinished).reduce(0, +))
    }

    /// One outcome per (cell, draw), cell-major.
    func runDraws(_ cells: [KernelMovementCell], context: RunContext) throws -> [KernelMovementOutcome] {
        let draws = self.draws, settings = self, streams = context.streams
        return try context.map(cells.count * draws) { i in try settings.runCell(cells[i / draws], draw: i % draws, streams: streams) }
    }

    /// Every cell rests on finished training (loss at the tolerance or stationary) unless all its draws diverged (NaN,
    /// shown as missing); draws still changing at `max_steps` are left out and counted.
    func finishedCheck(_ all: [KernelMovementOutcome]) -> ClaimCheck {
        let unmeasured = all.filter { !$0.distance.isFinite && $0.diverged < draws }.count
        let nan = all.filter { !$0.distance.isFinite }.count, unfinished = all.map(\.unfinished).reduce(0, +)
        let stalled = all.map(\.stalled).reduce(0, +), diverged = all.map(\.diverged).reduce(0, +)
        return ClaimCheck(claim: "Every cell averages finished training (loss ≤ \(KernelScaleGrid.f(lossTolerance)) × the zero network's, or stationary) unless all its draws diverged",
                          holds: unmeasured == 0 && nan < all.count,
                          evidence: "\(all.count) cells × \(draws) draws: \(stalled) stalled at a stationary loss above the tolerance, \(unfinished) still changing at \(maxSteps) steps (left out), \(diverged) diverged; \(nan) NaN cells; most steps \(all.map(\.steps).max() ?? 0)",
                          kind: .selfConsistency)
    }

    /// Builds, trains and measures one draw of a cell.
    func runCell(_ cell: KernelMovementCell, draw: Int, streams: RandomStreams) throws -> KernelMovementOutcome {
        try runCell(cell, draw: draw, data: streams.stream(cell.dataStream), weights: streams.stream(cell.weightStream(draw: draw)))
    }

    /// Trains one network of `cell` (weight draw number `draw`) on data drawn from `data`, with weights (or the aligned
    /// rotation) from `weights`. Throws an `ExperimentDivergence` when training diverges at the grid's smallest scale.
    func runCell(_ cell: KernelMovementCell, draw: Int, data: Xoshiro256, weights: Xoshiro256) throws -> KernelMovementOutcome {
        var data = data, rng = weights
        let made = try task.make(T: cell.T, dimension: dimension, hidden: hidden, samples: samples, io: cell.io, rec: cell.rec,
                                 data: &data, weights: &rng)
        let net: LinearRNN
        if cell.aligned {
            guard let a = made.aligned else { throw ConfigError(key: "hidden", "an aligned network needs hidden = dimension (rotational) or ≥ dimension") }
            net = a
        } else {
            // Standard-normal draws scaled to the reading's std (scale/√fan-in, or √(scale/√fan-in)): W_x, W_y by the
            // input–output scale, W_h by the recurrent one.
            let z = Initializer.unaligned(nx: dimension, nh: hidden, ny: dimension, scale: 1, rng: &rng), r = cell.reading
            net = LinearRNN(wx: r.factor(scale: cell.io, fan: dimension) * z.wx, wh: r.factor(scale: cell.rec, fan: hidden) * z.wh,
                            wy: r.factor(scale: cell.io, fan: hidden) * z.wy)
        }
        let tracker = KernelMovementTracker(closedFormAt: net, on: made.batch)
        var source = FullBatchGradient(batch: made.batch, model: net)
        var recorder = Recorder<LinearRNN>(schedule: .steps([]), recordsParameters: false)
        let zeroLoss = 0.5 * made.batch.targets.dot(made.batch.targets) / Double(samples)
        // GD until the loss reaches lossTolerance × the zero-output loss or stops moving (by ≤ stationaryTolerance ×
        // it between two checks checkEvery steps apart), at most maxSteps steps.
        let rules = StoppingRules(lossThreshold: lossTolerance * zeroLoss, stationaryTolerance: stationaryTolerance * zeroLoss,
                                  checkEvery: checkEvery)
        let run = Trainer.train(net, source: &source, options: TrainingOptions(steps: maxSteps, optimizer: Optimizer(.gd, learningRate: learningRate),
                                                                               stopping: rules), recorder: &recorder)
        if let d = TrainingDivergence(run) {
            if cell.smallestScale {
                throw d.error(stage: "\(KernelScaleGrid.name(cell.aligned)) T = \(cell.T), smallest scale \(KernelScaleGrid.f(cell.io)), draw \(draw)",
                              key: "learning_rate", value: learningRate)
            }
            return KernelMovementOutcome(distance: .nan, relativeLoss: .nan, steps: run.losses.count,
                                         weightChange: [.nan, .nan, .nan], diverged: 1)
        }
        let model = run.model, steps = run.losses.count - 1, last = run.losses[steps]
        // The loss at the check before the last one (a partial last interval is compared with the last full check).
        let previousStep = steps % checkEvery == 0 ? steps - checkEvery : steps - steps % checkEvery
        let previous = previousStep >= checkEvery ? run.losses[previousStep] : .nan
        let converged = last <= lossTolerance * zeroLoss, stationary = abs(previous - last) <= stationaryTolerance * zeroLoss
        return KernelMovementOutcome(distance: tracker.distance(at: model), relativeLoss: last / zeroLoss, steps: steps,
                                     weightChange: WeightChange.relative(from: net.parameters, to: model.parameters),
                                     stalled: !converged && stationary ? 1 : 0, unfinished: !converged && !stationary ? 1 : 0)
    }
}
