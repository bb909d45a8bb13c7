import ExperimentKit
import Foundation
import Linalg
import Tasks

/// Proca et al. 2025, Fig. 3: the zero-loss solutions of the three task families, their stability, and whether
/// they extrapolate to other sequence lengths.
///
/// Top row, one panel per family: the zero-loss optimum (b*, ac*) of §4.1 (dashed) against the scaling δ
/// (constant, s_t = δ) or the dynamics λ (inverse-exponential δλ^{T−t}, exponential δλ^t, δ = `delta`); the part of
/// b* in the unstable region b* > 1 is drawn again as a dotted reference (the paper's green dashed lines). Solid:
/// (b, ac) reached by full-matrix aligned LRNNs trained by exact population GD from all modes at `initial_mode`
/// (each panel's points are the independent singular dimensions of one network). Bottom row: the extrapolation
/// error E(T′) (`Extrapolation`, per-mode energy ½Σr² at test length T′) of modes trained at T, for each family
/// (solid: trained modes, dashed: the closed form of §4.3 for the exponential family, zero for the others); and
/// ac reached when training at other lengths T (solid) against ac* = δ (inverse-exponential) and δλ^T
/// (exponential, dashed): the exponential family's solution depends on T, so it cannot extrapolate.
///
/// Not in the paper (parameters): T = 5; δ ∈ (0, 2], λ ∈ [0.25, 2] for the theory lines (the spec's reading of
/// the axes); simulated points δ ∈ {0.25, 0.5, 1, 1.5, 2}, λ ∈ {0.3, 0.6, 0.9, 1.2, 1.5} (inverse-exponential) and
/// {0.7, 0.85, 1, 1.15, 1.3} (exponential; smaller λ converges very slowly because s_T = δλ^T is small, larger λ
/// needs ac* = λ^T ≫ 1); init 0.1, η = 0.005, 16,000 steps (flow time 80). Extrapolation and length sweep at
/// λ = 0.85, δ = 1, training lengths {3, 5, 7}, test lengths 1…15. Quick: fewer theory and simulation points, and
/// η = 0.01 with 8,000 steps (the same flow time).
public struct ProcaFig3: Experiment, DeclaredParameters {
    /// The experiment.
    public init() {}
    public var id: String { "proca2025.fig3" }
    public var paperFigure: String { "Proca et al. 2025, Fig. 3" }
    public var summary: String {
        "Zero-loss solutions (b*, ac*) vs δ and λ with unstable regions; exponential solutions depend on T and do not extrapolate"
    }

    static let T = Parameter.int("T", 5, in: 2...30, unit: "steps", doc: "training sequence length T of the top row and of the extrapolation panel")
    static let delta = Parameter.double("delta", 1.0, in: 0.01...5, doc: "δ of the inverse-exponential and exponential families (and of the extrapolation tasks)")
    static let theoryPoints = Parameter.int("theory_points", 25, full: 100, in: 3...10_000, doc: "grid points of each theory line (b*, ac*)")
    static let deltaMax = Parameter.double("delta_max", 2.0, in: 0.01...10, doc: "constant panel: largest δ of the theory grid (which starts at delta_max/theory_points)")
    static let lambdaMin = Parameter.double("lambda_min", 0.25, in: 0.01...10, doc: "exponential panels: smallest λ of the theory grid (below lambda_max)")
    static let lambdaMax = Parameter.double("lambda_max", 2.0, in: 0.01...10, doc: "exponential panels: largest λ of the theory grid")
    static let simDeltas = Parameter.doubles("sim_deltas", [0.5, 1.0, 2.0], full: [0.25, 0.5, 1.0, 1.5, 2.0], doc: "constant panel: δ of the simulated networks (each in (0, 5])")
    static let simInverseLambdas = Parameter.doubles("sim_inverse_lambdas", [0.6, 1.2], full: [0.3, 0.6, 0.9, 1.2, 1.5], doc: "inverse-exponential panel: λ of the simulated networks (each in (0, 5])")
    static let simExponentialLambdas = Parameter.doubles("sim_exponential_lambdas", [0.85, 1.0, 1.15], full: [0.7, 0.85, 1.0, 1.15, 1.3], doc: "exponential panel: λ of the simulated networks (each in (0, 5])")
    static let initialMode = Parameter.double("initial_mode", 0.1, in: 1e-4...2, doc: "initial a = b = c of every mode")
    static let learningRate = Parameter.double("learning_rate", 0.01, full: 0.005, in: 1e-7...0.1, doc: "gradient-descent step η")
    static let steps = Parameter.int("steps", 8000, full: 16_000, in: 1...10_000_000, unit: "steps", doc: "gradient-descent steps of every network")
    static let recordEvery = Parameter.int("record_every", 4000, in: 1...10_000_000, unit: "steps", doc: "record the networks every this many steps")
    static let stabilityTolerance = Parameter.double("stability_tolerance", 0.01, in: 1e-9...0.5, doc: "|b| within this of 1 counts as marginal when classifying trained networks")
    static let extrapolationLambda = Parameter.double("extrapolation_lambda", 0.85, in: 0.05...3, doc: "bottom row: λ of the extrapolation and training-length tasks")
    static let trainLengths = Parameter.doubles("train_lengths", [3, 5, 7], unit: "steps", doc: "bottom right: training lengths T of the length sweep (integers in 2…30)")
    static let maxTestLength = Parameter.int("max_test_length", 15, in: 1...200, unit: "steps", doc: "bottom left: test lengths T′ = 1…max_test_length of the extrapolation error")
    public static let declared = ParameterList([
        .init(T), .init(delta), .init(theoryPoints), .init(deltaMax), .init(lambdaMin), .init(lambdaMax), .init(simDeltas),
        .init(simInverseLambdas), .init(simExponentialLambdas), .init(initialMode), .init(learningRate), .init(steps),
        .init(recordEvery), .init(stabilityTolerance), .init(extrapolationLambda), .init(trainLengths), .init(maxTestLength),
    ])

    public func run(parameters p: ConfigReader, context: RunContext) throws -> ExperimentResult {
        let s = try Fig3Settings(p)
        var out = Fig3Output()
        try Self.topRow(s, context: context, into: &out)
        let trained = try Self.trainReferences(s, context: context)
        context.progress(0.9)
        Self.extrapolationPanel(s, trained: trained, into: &out)
        Self.lengthPanel(s, trained: trained, into: &out)
        context.progress(1)
        let figure = FigureSpec(title: "Fig. 3 — stability and extrapolation of zero-loss solutions (T = \(s.T))", columns: 3, panels: out.panels)
        return ExperimentResult(dataset: out.data, figure: figure, checks: out.checks, theoryError: out.worst)
    }

    static func linspace(_ lo: Double, _ hi: Double, _ n: Int) -> [Double] {
        (0..<n).map { lo + (hi - lo) * Double($0) / Double(n - 1) }
    }
    /// x^n for integer n ≥ 0 by repeated multiplication (as the theory evaluates its powers).
    static func power(_ x: Double, _ n: Int) -> Double {
        var p = 1.0
        for _ in 0..<max(n, 0) { p *= x }
        return p
    }
    static func fmt(_ x: Double) -> String { String(format: "%.4g", x) }
    static func sci(_ x: Double) -> String { String(format: "%.2e", x) }
}
