import ExperimentKit
import Foundation
import Linalg
import Tasks
import Theory

/// Proca et al. 2025, Fig. 2: each mode type learned on its own, simulation against the exact and local theory.
///
/// Three task families with s_t = δ f(λ, t), f ∈ {1, λ^{T−t}, λ^t} and λ = 0.7 (the figure's legend). **Left:** ac
/// learned with b frozen, against Eq. 47 (`FrozenRecurrenceSolution`, dashed). **Right:** b learned with a and c
/// frozen, against the paper's windowed 5th-order Taylor series (App. D, dashed) and an RK4 integration of the
/// same frozen flow (dotted).
///
/// The simulation is a full-matrix aligned LRNN trained by exact population GD with the frozen block's gradient
/// zeroed (`BlockFreezingGradient`); all 3 × 3 (family, δ) curves of a panel are independent singular dimensions
/// of one network (`MultiModeTraining`).
///
/// Choices where the paper is silent (all parameters): T = 5; the OCR'd δ sets are assigned left = (0.7, 1.0, 1.2)
/// (the set listed first) and right = (2, 1, 0.5), and every δ is run with every family. Left: b frozen at the
/// family's zero-loss b* (so u* = A/B is the zero-loss ac*; `left_frozen_b = "initial"` freezes it at the
/// initial mode instead), a = c = 0.1 at the start (u₀ = 0.01). Right: a = c = √(ac*) frozen (u at the family's
/// zero-loss value, so b's optimum is the family's b* = 1, λ or 1/λ), b₀ = 0.1. Learning rates: full 10⁻⁴ (left)
/// and 10⁻³ (right) with 40,000 steps each (the figure's x-axis); quick 10⁻³ / 5·10⁻³ with 4,000 / 6,000 steps.
/// Taylor window Δ = 0.01 flow time (order 5). The RK4 and Taylor curves are integrated in flow time t = η·step.
public struct ProcaFig2: Experiment, DeclaredParameters {
    /// The experiment.
    public init() {}
    public var id: String { "proca2025.fig2" }
    public var paperFigure: String { "Proca et al. 2025, Fig. 2" }
    public var summary: String {
        "Input–output mode with b frozen (Eq. 47) and recurrent mode with a, c frozen (windowed Taylor), aligned LRNN vs theory"
    }

    static let T = Parameter.int("T", 5, in: 2...50, unit: "steps", doc: "sequence length T of every task")
    static let lambda = Parameter.double("lambda", 0.7, in: 0.05...0.99, doc: "λ of the inverse-exponential λ^{T−t} and exponential λ^t families (the legend's 0.7)")
    static let leftDeltas = Parameter.doubles("left_deltas", [0.7, 1.0, 1.2], doc: "left panel: scalings δ, each run with every family (each in (0, 5])")
    static let rightDeltas = Parameter.doubles("right_deltas", [2.0, 1.0, 0.5], doc: "right panel: scalings δ, each run with every family (each in (0, 5])")
    static let initialMode = Parameter.double("initial_mode", 0.1, in: 1e-4...1, doc: "left panel: initial a = c (u₀ = a·c), and the frozen b when left_frozen_b = initial")
    static let initialB = Parameter.double("initial_b", 0.1, in: -1...1, doc: "right panel: initial recurrent mode b₀")
    static let leftFrozenB = Parameter.string("left_frozen_b", "optimum", allowed: ["optimum", "initial"], doc: "left panel: freeze b at the family's zero-loss b* (optimum) or at initial_mode (initial)")
    static let leftLearningRate = Parameter.double("left_learning_rate", 1e-3, full: 1e-4, in: 1e-7...0.1, doc: "left panel: gradient-descent step η")
    static let leftSteps = Parameter.int("left_steps", 4000, full: 40_000, in: 10...10_000_000, unit: "steps", doc: "left panel: gradient-descent steps (the figure's x-axis)")
    static let rightLearningRate = Parameter.double("right_learning_rate", 5e-3, full: 1e-3, in: 1e-7...0.1, doc: "right panel: gradient-descent step η")
    static let rightSteps = Parameter.int("right_steps", 6000, full: 40_000, in: 10...10_000_000, unit: "steps", doc: "right panel: gradient-descent steps (the figure's x-axis)")
    static let recordEvery = Parameter.int("record_every", 20, full: 100, in: 1...1_000_000, unit: "steps", doc: "record the modes every this many steps (both panels)")
    static let taylorWindow = Parameter.double("taylor_window", 0.01, in: 1e-6...1, unit: "flow time", doc: "right panel: window Δ of the windowed Taylor series (App. D)")
    static let taylorOrder = Parameter.int("taylor_order", 5, in: 1...12, doc: "right panel: order of the windowed Taylor series (App. D)")
    public static let declared = ParameterList([
        .init(T), .init(lambda), .init(leftDeltas), .init(rightDeltas), .init(initialMode), .init(initialB), .init(leftFrozenB),
        .init(leftLearningRate), .init(leftSteps), .init(rightLearningRate), .init(rightSteps), .init(recordEvery),
        .init(taylorWindow), .init(taylorOrder),
    ])

    /// The three families of the figure, in legend order.
    static func families(delta: Double, lambda: Double) -> [(name: String, family: SingularValueProfile)] {
        [("constant", .constant(delta: delta)), ("inverse-exponential", .inverseExponential(delta: delta, lambda: lambda)),
         ("exponential", .exponential(delta: delta, lambda: lambda))]
    }

    public func run(parameters p: ConfigReader, context: RunContext) throws -> ExperimentResult {
        let s = try Fig2Settings(p)
        var out = Fig2Output()
        let left = try Self.leftPanel(s, context: context, into: &out)
        let right = try Self.rightPanel(s, context: context, into: &out)
        let figure = Self.figure(s, left: left, right: right)
        context.progress(1)
        return ExperimentResult(dataset: out.data, figure: figure, checks: out.checks, theoryError: out.worst)
    }

    // MARK: helpers

    static func familyIndex(_ name: String) -> Int { ["constant", "inverse-exponential", "exponential"].firstIndex(of: name)! }
    static func shortName(_ name: String) -> String {
        ["constant": "f=1", "inverse-exponential": "f=λ^(T−t)", "exponential": "f=λ^t"][name]!
    }

    /// max |sim − theory| / max(|theory end|, 1e-3) along one curve.
    static func relativeGap(_ sim: [Double], _ theory: [Double]) -> Double {
        let scale = max(abs(theory.last!), 1e-3)
        return zip(sim, theory).map { abs($0 - $1) / scale }.max()!
    }

    /// Largest `relativeGap` over curves.
    static func relativeGapAll(_ sim: [[Double]], _ theory: [[Double]]) -> Double {
        zip(sim, theory).map { relativeGap($0, $1) }.max()!
    }

    /// First recorded step where `values` reaches `level` (in the direction of travel from the first value); NaN if never.
    static func firstCrossing(_ values: [Double], level: Double, steps: [Int]) -> Double {
        let up = level >= values[0]
        guard let i = values.firstIndex(where: { up ? $0 >= level : $0 <= level }) else { return .nan }
        return Double(steps[i])
    }

    static func fmt(_ x: Double) -> String { String(format: "%.3g", x) }
    /// A step count, or "never" for NaN.
    static func stepText(_ x: Double) -> String { x.isFinite ? String(Int(x.rounded())) : "never" }
    static func sci(_ x: Double) -> String { String(format: "%.2e", x) }
}
