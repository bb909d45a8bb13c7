import Foundation
import Linalg
import Networks
import Tasks
import Training

/// Sequence-length extrapolation in the whitened idealisation (Proca et al. §3.3, App. F.1): a full-matrix LRNN is
/// trained by exact population GD on a singular-value task at length T, then its exact population loss is
/// evaluated on the same task (same singular vectors, same δ and λ) at other lengths T′, next to the theory.
///
/// Every one of the `modes` singular dimensions follows the same time-course. The network is square
/// (N_x = N_h = N_y = `modes`) and task-aligned (all modes start at `initial` in the task basis, hidden rotation
/// Haar-random), so it converges to the per-mode zero-loss optimum (b*, (ac)*) of §4.1. With whitened inputs the
/// loss at T′ is exactly the sum over modes of the mode energy `½ Σ_t (s_t(T′) − (ac) b^{T′−t})²`; the theory is
/// this energy at the optimum: 0 for the constant (sum) and inverse-exponential families,
/// `(T′ − T)²/(2T²T′)` per mode for mean integration (s_t = 1/T′ at length T′) and
/// `½ δ² (1 − λ^{T−T′})² Σ_{t=1}^{T′} λ^{2t}` per mode for the exponential family (`Proca2025.Extrapolation`).
public struct ExtrapolationStudy: Sendable {
    /// What the task is at each length.
    public enum Target: Sendable, Equatable, CustomStringConvertible {
        /// The same family (same δ, λ) at every length.
        case family(SingularValueProfile)
        /// Mean integration: s_t = 1/T′ at length T′ (the constant family with δ = 1/T′).
        case mean

        /// The family the task follows at length `T`.
        public func family(length T: Int) -> SingularValueProfile {
            switch self {
            case .family(let f): return f
            case .mean: return .constant(delta: 1 / Double(T))
            }
        }

        /// `s_1 … s_T` at length T.
        public func singularValues(length T: Int) -> [Double] { family(length: T).singularValues(length: T) }

        public var description: String {
            switch self {
            case .mean: return "mean (s_t = 1/T)"
            case .family(let f):
                switch f {
                case .constant(let d): return "constant δ = \(d)"
                case let .inverseExponential(d, l): return "inverse-exponential δ = \(d), λ = \(l)"
                case let .exponential(d, l): return "exponential δ = \(d), λ = \(l)"
                default: return "\(f)"
                }
            }
        }
    }

    /// The task rule.
    public var target: Target
    /// Number of singular dimensions (and network width).
    public var modes: Int
    /// Training length T.
    public var trainLength: Int
    /// Test lengths T′.
    public var testLengths: [Int]
    /// Initial value of every mode a, b, c.
    public var initial: Double
    /// GD step η.
    public var learningRate: Double
    /// Number of GD steps.
    public var steps: Int

    /// A study of `target` trained at `trainLength`.
    public init(target: Target, modes: Int, trainLength: Int, testLengths: [Int], initial: Double, learningRate: Double,
                steps: Int) {
        precondition(modes >= 1 && trainLength >= 1 && testLengths.allSatisfy { $0 >= 1 }, "need positive sizes")
        self.target = target; self.modes = modes; self.trainLength = trainLength; self.testLengths = testLengths
        self.initial = initial; self.learningRate = learningRate; self.steps = steps
    }

    /// The outcome.
    public struct Result: Sendable {
        /// Trained modes per dimension, read in the task basis.
        public var trainedModes: [Proca2025.Mode]
        /// The zero-loss optimum at the training length.
        public var optimum: (b: Double, ac: Double)
        /// Final training loss.
        public var trainingLoss: Double
        /// Loss of the zero network at the training length (`½ Σ s²`, the task's scale).
        public var zeroNetworkLoss: Double
        /// Exact population loss of the trained network at each test length.
        public var simulated: [Double]
        /// Theory: the loss of the zero-loss optimum at each test length (`modes` × the per-mode closed form of
        /// `Proca2025.Extrapolation` for mean and exponential targets, × the optimum's mode energy otherwise).
        public var theory: [Double]
        /// The mode energies of the *trained* modes at each test length (what the trained network should give).
        public var trainedModeTheory: [Double]
        /// Why training ended.
        public var stop: StopReason
        /// The divergence and last good state, when training diverged.
        public var divergence: TrainingDivergence?
    }

    /// Trains (task singular vectors and hidden rotation from `seed`) and evaluates.
    public func run(streams: RandomStreams) throws -> Result {
        var rng = streams.stream("extrapolation")
        let uy = try Matrix.haarOrthogonal(modes, using: &rng), vx = try Matrix.haarOrthogonal(modes, using: &rng)
        func task(length T: Int) -> SingularValueTask {
            SingularValueTask(singularValues: [[Double]](repeating: target.singularValues(length: T), count: modes), uy: uy, vx: vx)
        }
        let train = task(length: trainLength)
        let basis = train.basis(r: try Matrix.haarOrthogonal(modes, using: &rng))
        let start = [Double](repeating: initial, count: modes)
        let net = Initializer.aligned(a: start, b: start, c: start, basis: basis)
        var source = PopulationGradient(task: train.population, model: net)
        var recorder = Recorder<LinearRNN>(schedule: .steps([]), recordsParameters: false)
        let run = Trainer.train(net, source: &source,
                                options: TrainingOptions(steps: steps, optimizer: Optimizer(.gd, learningRate: learningRate)),
                                recorder: &recorder)
        let m = basis.modes(of: run.model)
        let trained = (0..<modes).map { Proca2025.Mode(a: m.a[$0], b: m.b[$0], c: m.c[$0]) }
        let simulated = testLengths.map { Self.populationLoss(run.model, task(length: $0)) }
        guard let opt = target.family(length: trainLength).zeroLossOptimum(length: trainLength) else {
            preconditionFailure("the extrapolation study needs a family with a zero-loss optimum")
        }
        // The closed forms of §4.3 where they exist; otherwise the optimum's mode energy at T′ (0 for the constant
        // and inverse-exponential families).
        let optimumMode = Proca2025.Mode(a: opt.ac, b: opt.b, c: 1)
        let theory = testLengths.map { Tp -> Double in
            let perMode: Double
            switch target {
            case .mean: perMode = Proca2025.Extrapolation.meanTaskEnergy(trainLength: trainLength, testLength: Tp)
            case let .family(.exponential(delta, lambda)):
                perMode = Proca2025.Extrapolation.exponentialEnergy(delta: delta, lambda: lambda, trainLength: trainLength, testLength: Tp)
            case .family:
                perMode = Proca2025.Extrapolation.energy(of: optimumMode, family: target.family(length: Tp), testLength: Tp)
            }
            return Double(modes) * perMode
        }
        let trainedTheory = testLengths.map { Tp in
            trained.reduce(0) { $0 + Proca2025.Extrapolation.energy(of: $1, family: target.family(length: Tp), testLength: Tp) }
        }
        let s = target.singularValues(length: trainLength)
        return Result(trainedModes: trained, optimum: (opt.b, opt.ac), trainingLoss: run.losses.last ?? .nan,
                      zeroNetworkLoss: 0.5 * Double(modes) * s.reduce(0) { $0 + $1 * $1 }, simulated: simulated, theory: theory,
                      trainedModeTheory: trainedTheory, stop: run.stop, divergence: TrainingDivergence(run))
    }

    /// The exact whitened population loss of `net` on `task`.
    public static func populationLoss(_ net: LinearRNN, _ task: SingularValueTask) -> Double {
        let population = task.population
        var ws = net.makePopulationWorkspace(for: population)
        return net.populationLossAndGradient(population, workspace: &ws)
    }
}
