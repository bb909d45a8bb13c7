import ExperimentKit
import Foundation
import Linalg
import Tasks

/// Proca et al. 2025, Fig. A1: larger and later singular values are learned first.
///
/// Two inverse-exponential tasks with δ and λ swapped have solutions of equal size: orange δ = 1.1, λ = 0.5
/// (ascending s_t, b* = 0.5, ac* = 1.1) and blue δ = 0.5, λ = 1.1 (descending, b* = 1.1, ac* = 0.5). T = 7 and
/// 0–500 steps come from the figure's axes; the paper does not state the step size or initial modes, so the
/// defaults are the spec's check values (step 0.01, all modes 0.1), under which the loss falls by 90 % after
/// ≈ 233 (orange) and ≈ 378 (blue) steps.
public struct ProcaFigA1: Experiment, DeclaredParameters {
    /// The experiment.
    public init() {}
    public var id: String { "proca2025.figA1" }
    public var paperFigure: String { "Proca et al. 2025, Fig. A1" }
    public var summary: String { "Ordering of learning: larger and later singular values are learned faster" }

    static let T = Parameter.int("T", 7, in: 2...1000, unit: "steps", doc: "trajectory length (the figure's axis)")
    static let learningRate = Parameter.double("learning_rate", 0.01, in: 1e-6...1, doc: "gradient-descent step η (spec's check value)")
    static let steps = Parameter.int("steps", 600, full: 1000, in: 10...10_000_000, unit: "steps", doc: "gradient-descent steps")
    static let initialMode = Parameter.double("initial_mode", 0.1, in: 1e-6...10, doc: "initial a = b = c of every mode")
    static let hidden = Parameter.int("hidden", 2, in: 1...1000, unit: "units", doc: "hidden units N_h")
    static let recordEvery = Parameter.int("record_every", 5, in: 1...1_000_000, unit: "steps", doc: "record the modes and loss every this many steps")
    static let orangeDelta = Parameter.double("orange_delta", 1.1, in: 0...100, doc: "orange task: δ of s_t = δλ^{T−t}")
    static let orangeLambda = Parameter.double("orange_lambda", 0.5, in: 0...100, doc: "orange task: λ")
    static let blueDelta = Parameter.double("blue_delta", 0.5, in: 0...100, doc: "blue task: δ")
    static let blueLambda = Parameter.double("blue_lambda", 1.1, in: 0...100, doc: "blue task: λ")
    public static let declared = ParameterList([
        .init(T), .init(learningRate), .init(steps), .init(initialMode), .init(hidden), .init(recordEvery),
        .init(orangeDelta), .init(orangeLambda), .init(blueDelta), .init(blueLambda),
    ])

    public func run(parameters p: ConfigReader, context: RunContext) throws -> ExperimentResult {
        let T = try p.read(Self.T)
        let eta = try p.read(Self.learningRate)
        let steps = try p.read(Self.steps)
        let initial = try p.read(Self.initialMode)
        let hidden = try p.read(Self.hidden)
        let every = try p.read(Self.recordEvery)
        let runs = [("orange", try p.read(Self.orangeDelta), try p.read(Self.orangeLambda)),
                    ("blue", try p.read(Self.blueDelta), try p.read(Self.blueLambda))]
        try p.finish()

        var data = Dataset()
        data.add(DataArray("t", (1...T).map(Double.init), doc: "trajectory time step t = 1…T"))
        var panelsLeft: [Series] = [], panelsRight: [Series] = [], panelsLoss: [Series] = []
        var ninety: [String: (sim: Int, theory: Int)] = [:]
        var worstGap = 0.0
        for (k, (name, delta, lambda)) in runs.enumerated() {
            let colour = name == "orange" ? 1 : 0   // palette group 1 is orange, 0 is blue (the paper's colours)
            let s = SingularValueProfile.inverseExponential(delta: delta, lambda: lambda).singularValues(length: T)
            let cmp = try ModeComparison(singularValues: s, hidden: hidden, initial: initial, learningRate: eta, steps: steps,
                                         recordEvery: every, streams: context.streams)
            try cmp.requireFinite(stage: "the \(name) run", key: "learning_rate", value: eta)
            context.progress(Double(k + 1) / Double(runs.count))
            worstGap = max(worstGap, cmp.worstRelativeGap)
            if k == 0 { data.add(DataArray("step", cmp.steps, doc: "gradient-descent step of each record")) }
            data.add(DataArray("s_\(name)", s, doc: "\(name) task singular values s_t = δλ^{T−t} (δ = \(delta), λ = \(lambda))"))
            data.add(DataArray("b_sim_\(name)", cmp.simulated.b, doc: "\(name): recurrent mode b of the full-matrix LRNN"))
            data.add(DataArray("ac_sim_\(name)", cmp.simulated.ac, doc: "\(name): input–output mode ac of the full-matrix LRNN"))
            data.add(DataArray("b_theory_\(name)", cmp.theory.b, doc: "\(name): b from the mode flow (Eqs. 5–7)"))
            data.add(DataArray("ac_theory_\(name)", cmp.theory.ac, doc: "\(name): ac from the mode flow"))
            data.add(DataArray("loss_sim_\(name)", cmp.simulated.loss, doc: "\(name): loss of the full-matrix LRNN"))
            panelsLeft.append(Series(name, x: "t", y: "s_\(name)", style: .simulation, group: colour))
            panelsRight += [Series("b (\(name))", x: "step", y: "b_sim_\(name)", style: .simulation, group: colour),
                            Series("b theory", x: "step", y: "b_theory_\(name)", style: .theory, group: colour),
                            Series("ac (\(name))", x: "step", y: "ac_sim_\(name)", style: .simulation, group: colour + 2),
                            Series("ac theory", x: "step", y: "ac_theory_\(name)", style: .theory, group: colour + 2)]
            panelsLoss.append(Series(name, x: "step", y: "loss_sim_\(name)", style: .simulation, group: colour))
            let sim = Self.stepsTo90(cmp.simulated.loss, cmp.steps)
            let flow = Proca2025.ModeFlow(singularValues: s)
            let th = Proca2025.LearningSpeed.stepsToLossReduction(flow, from: .uniform(initial), fraction: 0.9, stepSize: eta,
                                                                   maxSteps: steps * 10)
            ninety[name] = (sim, th ?? -1)
        }
        let o = ninety["orange"]!, b = ninety["blue"]!
        let check = ClaimCheck(
            claim: "Larger and later singular values are learned first: orange reaches a 90 % loss drop before blue",
            holds: o.sim > 0 && b.sim > 0 && o.sim < b.sim,
            evidence: "90 % loss drop after \(o.sim) (orange) vs \(b.sim) (blue) steps; mode flow \(o.theory) vs \(b.theory); spec ≈ 233 vs ≈ 378")
        let figure = FigureSpec(title: "Fig. A1 — ordering of learning (T = \(T))", columns: 3, panels: [
            Panel(title: "task singular values", xLabel: "t", yLabel: "s_t", content: .lines(panelsLeft)),
            Panel(title: "modes b and ac", xLabel: "training step", yLabel: "mode value", content: .lines(panelsRight)),
            Panel(title: "loss", xLabel: "training step", yLabel: "loss", yScale: .log, content: .lines(panelsLoss)),
        ])
        let scalars = [
            ScalarOutcome("steps_to_90_orange", Double(o.sim), doc: "orange: first recorded step with loss ≤ 10 % of the initial loss (−1: never)"),
            ScalarOutcome("steps_to_90_blue", Double(b.sim), doc: "blue: first recorded step with loss ≤ 10 % of the initial loss (−1: never)"),
            ScalarOutcome("theory_steps_to_90_orange", Double(o.theory), doc: "orange: the same from the mode flow (−1: never)"),
            ScalarOutcome("theory_steps_to_90_blue", Double(b.theory), doc: "blue: the same from the mode flow (−1: never)"),
            ScalarOutcome("final_loss_orange", data["loss_sim_orange"]!.values.last!, doc: "orange: loss at the last recorded step"),
            ScalarOutcome("final_loss_blue", data["loss_sim_blue"]!.values.last!, doc: "blue: loss at the last recorded step"),
        ]
        return ExperimentResult(dataset: data, figure: figure, checks: [check], theoryError: worstGap, scalars: scalars)
    }

    /// First recorded step at which the loss is ≤ 10 % of its initial value (−1 if never).
    static func stepsTo90(_ loss: [Double], _ steps: [Double]) -> Int {
        guard let l0 = loss.first else { return -1 }
        guard let i = loss.firstIndex(where: { $0 <= 0.1 * l0 }) else { return -1 }
        return Int(steps[i])
    }
}
