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
public struct ProcaFig3: Experiment {
    /// The experiment.
    public init() {}
    public var id: String { "proca2025.fig3" }
    public var paperFigure: String { "Proca et al. 2025, Fig. 3" }
    public var summary: String {
        "Zero-loss solutions (b*, ac*) vs δ and λ with unstable regions; exponential solutions depend on T and do not extrapolate"
    }

    public func parameters(_ preset: Preset) -> [String: Any] {
        let quick = preset == .quick
        return ["T": 5, "delta": 1.0, "theory_points": quick ? 25 : 100, "delta_max": 2.0,
                "lambda_min": 0.25, "lambda_max": 2.0,
                "sim_deltas": quick ? [0.5, 1.0, 2.0] : [0.25, 0.5, 1.0, 1.5, 2.0],
                "sim_inverse_lambdas": quick ? [0.6, 1.2] : [0.3, 0.6, 0.9, 1.2, 1.5],
                "sim_exponential_lambdas": quick ? [0.85, 1.0, 1.15] : [0.7, 0.85, 1.0, 1.15, 1.3],
                "initial_mode": 0.1, "learning_rate": quick ? 0.01 : 0.005, "steps": quick ? 8000 : 16_000, "record_every": 4000,
                "stability_tolerance": 0.01, "extrapolation_lambda": 0.85, "train_lengths": [3, 5, 7],
                "max_test_length": 15]
    }

    public func run(parameters p: ConfigReader, context: RunContext) throws -> ExperimentResult {
        let T = try p.int("T", in: 2...30)
        let delta = try p.double("delta", in: 0.01...5)
        let nTheory = try p.int("theory_points", in: 3...10_000)
        let deltaMax = try p.double("delta_max", in: 0.01...10)
        let lambdaMin = try p.double("lambda_min", in: 0.01...10)
        let lambdaMax = try p.double("lambda_max", in: 0.01...10)
        let simDeltas = try p.doubles("sim_deltas")
        let simInverse = try p.doubles("sim_inverse_lambdas")
        let simExponential = try p.doubles("sim_exponential_lambdas")
        let initial = try p.double("initial_mode", in: 1e-4...2)
        let eta = try p.double("learning_rate", in: 1e-7...0.1)
        let steps = try p.int("steps", in: 1...10_000_000)
        let every = try p.int("record_every", in: 1...10_000_000)
        let tolerance = try p.double("stability_tolerance", in: 1e-9...0.5)
        let lambdaX = try p.double("extrapolation_lambda", in: 0.05...3)
        let rawLengths = try p.doubles("train_lengths")
        guard !rawLengths.isEmpty, rawLengths.allSatisfy({ $0 == $0.rounded() && $0 >= 2 && $0 <= 30 }) else {
            throw ConfigError(key: "\(p.path).train_lengths", "needs at least one length, each an integer in 2…30")
        }
        let lengths = rawLengths.map { Int($0) }
        let maxTest = try p.int("max_test_length", in: 1...200)
        try p.finish()
        guard lambdaMin < lambdaMax else { throw ConfigError(key: "\(p.path).lambda_min", "must be below lambda_max") }
        for (key, xs) in [("sim_deltas", simDeltas), ("sim_inverse_lambdas", simInverse), ("sim_exponential_lambdas", simExponential)] {
            guard !xs.isEmpty, xs.allSatisfy({ $0 > 0 && $0 <= 5 }) else {
                throw ConfigError(key: "\(p.path).\(key)", "needs at least one value, each in (0, 5]")
            }
        }

        var data = Dataset()
        var checks: [ClaimCheck] = []
        let panels: [(name: String, symbol: String, grid: [Double], sim: [Double], family: (Double) -> SingularValueProfile)] = [
            ("constant", "δ", Self.linspace(deltaMax / Double(nTheory), deltaMax, nTheory), simDeltas, { .constant(delta: $0) }),
            ("inverse_exponential", "λ", Self.linspace(lambdaMin, lambdaMax, nTheory), simInverse,
             { .inverseExponential(delta: delta, lambda: $0) }),
            ("exponential", "λ", Self.linspace(lambdaMin, lambdaMax, nTheory), simExponential,
             { .exponential(delta: delta, lambda: $0) }),
        ]

        // ---------------- Top row: optima and simulations ----------------
        var worst = 0.0, stabilityText: [String] = [], stabilityOK = true, gridOK = true, misalignment = 0.0
        var figurePanels: [Panel] = []
        for (pi, panel) in panels.enumerated() {
            let optima = panel.grid.map { panel.family($0).zeroLossOptimum(length: T)! }
            let expectedUnstable: (Double) -> Bool = { x in
                switch pi {
                case 0: return false                // b* = 1: marginal for every δ
                case 1: return x > 1                // b* = λ
                default: return x < 1               // b* = 1/λ
                }
            }
            for (x, o) in zip(panel.grid, optima) where (o.stability == .unstable) != expectedUnstable(x) { gridOK = false }
            data.add(DataArray("\(panel.name)_x", panel.grid, doc: "\(panel.name): \(panel.symbol) grid of the theory lines"))
            data.add(DataArray("\(panel.name)_b_star", optima.map(\.b), doc: "\(panel.name): zero-loss b* (§4.1) on the \(panel.symbol) grid"))
            data.add(DataArray("\(panel.name)_ac_star", optima.map(\.ac), doc: "\(panel.name): zero-loss ac* on the \(panel.symbol) grid"))
            data.add(DataArray("\(panel.name)_b_star_stable", optima.map { $0.stability == .unstable ? .nan : $0.b },
                               doc: "\(panel.name): b* where it is stable or marginal (b* ≤ 1), NaN elsewhere"))
            data.add(DataArray("\(panel.name)_b_star_unstable", optima.map { $0.stability == .unstable ? $0.b : .nan },
                               doc: "\(panel.name): b* where it is unstable (b* > 1), NaN elsewhere"))

            let sims = panel.sim.map { panel.family($0) }
            let run = try MultiModeTraining(singularValues: sims.map { $0.singularValues(length: T) },
                                            initial: sims.map { _ in .uniform(initial) }, learningRate: eta, steps: steps,
                                            schedule: .every(every), streams: context.streams.child("panel-\(panel.name)"))
            guard !run.stop.isDivergence else { throw ConfigError(key: "\(p.path).learning_rate", "GD diverged on \(panel.name): \(run.stop)") }
            misalignment = max(misalignment, run.misalignment)
            let finals = sims.indices.map { run.finalMode($0) }
            let simOptima = sims.map { $0.zeroLossOptimum(length: T)! }
            for (k, (m, o)) in zip(finals, simOptima).enumerated() {
                worst = max(worst, abs(m.b - o.b) / max(abs(o.b), 1e-3), abs(m.u - o.ac) / max(abs(o.ac), 1e-3))
                let simClass = Proca2025.Stability(b: m.b, tolerance: tolerance), thClass = o.stability
                let expected: Proca2025.Stability = pi == 0 || panel.sim[k] == 1 ? .marginal : (expectedUnstable(panel.sim[k]) ? .unstable : .stable)
                if simClass != thClass || thClass != expected { stabilityOK = false }
                stabilityText.append("\(panel.name) \(panel.symbol)=\(Self.fmt(panel.sim[k])): b=\(Self.fmt(m.b)) \(simClass.rawValue)")
            }
            data.add(DataArray("\(panel.name)_sim_x", panel.sim, doc: "\(panel.name): \(panel.symbol) of the simulated networks"))
            data.add(DataArray("\(panel.name)_sim_b", finals.map(\.b), doc: "\(panel.name): b after GD (full-matrix aligned LRNN)"))
            data.add(DataArray("\(panel.name)_sim_ac", finals.map(\.u), doc: "\(panel.name): ac after GD"))
            data.add(DataArray("\(panel.name)_sim_loss", [run.loss.last!], doc: "\(panel.name): final total loss of the network (sum over its modes)"))
            let title = ["constant s_t = δ", "inverse-exponential δλ^(T−t)", "exponential δλ^t"][pi]
            figurePanels.append(Panel(title: title, xLabel: panel.symbol, yLabel: "solution", content: .lines([
                Series("b* theory", x: "\(panel.name)_x", y: "\(panel.name)_b_star_stable", style: .theory, group: 0),
                Series("ac* theory", x: "\(panel.name)_x", y: "\(panel.name)_ac_star", style: .theory, group: 1),
                Series("b* unstable (b* > 1)", x: "\(panel.name)_x", y: "\(panel.name)_b_star_unstable", style: .theory, group: 2),
                Series("b (GD)", x: "\(panel.name)_sim_x", y: "\(panel.name)_sim_b", style: .simulation, group: 0),
                Series("ac (GD)", x: "\(panel.name)_sim_x", y: "\(panel.name)_sim_ac", style: .simulation, group: 1),
            ])))
            context.progress(Double(pi + 1) / 6)
        }
        checks.append(ClaimCheck(
            claim: "GD reaches the zero-loss solutions: constant (1, δ), inverse-exponential (λ, δ), exponential (1/λ, δλ^T)",
            holds: worst < 0.01, evidence: "largest relative gap between trained (b, ac) and (b*, ac*) over all simulated points: \(Self.sci(worst)); "
                + "largest final misalignment of the networks: \(Self.sci(misalignment))"))
        checks.append(ClaimCheck(
            claim: "Stability: constant is marginal (b* = 1), inverse-exponential unstable for λ > 1, exponential unstable for λ < 1; trained networks classify the same",
            holds: gridOK && stabilityOK,
            evidence: "theory grid classification \(gridOK ? "matches" : "does NOT match") the rule; trained (tolerance \(tolerance)): " + stabilityText.joined(separator: "; ")))

        // ---------------- Bottom row: extrapolation and T dependence ----------------
        let runLengths = Array(Set(lengths + [T])).sorted()
        let refFamilies: [(name: String, family: SingularValueProfile)] = [
            ("constant", .constant(delta: delta)), ("inverse_exponential", .inverseExponential(delta: delta, lambda: lambdaX)),
            ("exponential", .exponential(delta: delta, lambda: lambdaX))]
        var trained: [Int: [Proca2025.Mode]] = [:]
        for L in runLengths {
            let run = try MultiModeTraining(singularValues: refFamilies.map { $0.family.singularValues(length: L) },
                                            initial: refFamilies.map { _ in .uniform(initial) }, learningRate: eta, steps: steps,
                                            schedule: .every(every), streams: context.streams.child("reference-T\(L)"))
            guard !run.stop.isDivergence else { throw ConfigError(key: "\(p.path).learning_rate", "GD diverged at T = \(L): \(run.stop)") }
            trained[L] = refFamilies.indices.map { run.finalMode($0) }
        }
        context.progress(0.9)
        let testLengths = Array(1...maxTest)
        data.add(DataArray("test_length", testLengths.map(Double.init), doc: "test lengths T′ of the extrapolation panel"))
        var extrapolationSeries: [Series] = []
        var eSim: [[Double]] = []
        for (k, ref) in refFamilies.enumerated() {
            let m = trained[T]![k]
            let e = testLengths.map { Proca2025.Extrapolation.energy(of: m, family: ref.family, testLength: $0) }
            let th: [Double] = k == 2 ? testLengths.map { Proca2025.Extrapolation.exponentialEnergy(delta: delta, lambda: lambdaX, trainLength: T, testLength: $0) }
                                      : testLengths.map { _ in 0 }
            eSim.append(e)
            data.add(DataArray("extrapolation_sim_\(ref.name)", e, doc: "\(ref.name): E(T′) of the modes trained at T (per-mode ½Σr² at length T′)"))
            data.add(DataArray("extrapolation_theory_\(ref.name)", th, doc: "\(ref.name): E(T′) of the exact optimum (§4.3 closed form; 0 for constant and inverse-exponential)"))
            extrapolationSeries += [Series(ref.name.replacingOccurrences(of: "_", with: "-"), x: "test_length", y: "extrapolation_sim_\(ref.name)", style: .simulation, group: k),
                                    Series("theory", x: "test_length", y: "extrapolation_theory_\(ref.name)", style: .theory, group: k)]
        }
        let eExp = eSim[2], others = eSim[0] + eSim[1]
        let offT = testLengths.filter { $0 != T }.map { eExp[$0 - 1] }
        let closed = testLengths.filter { $0 != T }.map {
            Proca2025.Extrapolation.exponentialEnergy(delta: delta, lambda: lambdaX, trainLength: T, testLength: $0)
        }
        let closedGap = zip(offT, closed).map { abs($0 - $1) / $1 }.max() ?? 0
        checks.append(ClaimCheck(
            claim: "Constant and inverse-exponential solutions extrapolate; the exponential one fits only the training length",
            holds: (others.max() ?? 0) < 1e-8 && eExp[T - 1] < 1e-10 && (offT.min() ?? 1) > 1e-4 && closedGap < 0.01,
            evidence: "max E(T′ ≤ \(maxTest)) constant/inverse-exponential = \(Self.sci(others.max() ?? 0)); exponential (λ = \(Self.fmt(lambdaX))): "
                + "E(T) = \(Self.sci(eExp[T - 1])), min over T′ ≠ T = \(Self.sci(offT.min() ?? .nan)), E(\(maxTest)) = \(Self.sci(eExp[maxTest - 1])); "
                + "vs the §4.3 closed form ≤ \(Self.sci(closedGap)) relative"))

        let acInv = runLengths.map { trained[$0]![1].u }, acExp = runLengths.map { trained[$0]![2].u }
        let thInv = runLengths.map { _ in delta }, thExp = runLengths.map { delta * Self.power(lambdaX, $0) }
        data.add(DataArray("train_length", runLengths.map(Double.init), doc: "training lengths T of the length sweep"))
        data.add(DataArray("length_sim_ac_inverse_exponential", acInv, doc: "inverse-exponential (λ = extrapolation_lambda): ac after GD at each training length"))
        data.add(DataArray("length_sim_ac_exponential", acExp, doc: "exponential (λ = extrapolation_lambda): ac after GD at each training length"))
        data.add(DataArray("length_theory_ac_inverse_exponential", thInv, doc: "inverse-exponential: ac* = δ at each training length"))
        data.add(DataArray("length_theory_ac_exponential", thExp, doc: "exponential: ac* = δλ^T at each training length"))
        let invSpread = (acInv.max()! - acInv.min()!) / delta
        let expGap = zip(acExp, thExp).map { abs($0 - $1) / $1 }.max()!
        let expSpread = acExp.max()! / acExp.min()!
        checks.append(ClaimCheck(
            claim: "The exponential family's ac* = δλ^T depends on the training length T (the inverse-exponential ac* = δ does not)",
            holds: runLengths.count >= 2 && expGap < 0.01 && abs(expSpread - 1) > 0.05 && invSpread < 1e-6,
            evidence: "T = " + runLengths.map(String.init).joined(separator: ", ") + ": exponential ac = "
                + acExp.map(Self.fmt).joined(separator: ", ") + " (δλ^T within \(Self.sci(expGap))); inverse-exponential ac = "
                + acInv.map(Self.fmt).joined(separator: ", ") + " (spread \(Self.sci(invSpread)))"))

        figurePanels.append(Panel(title: "extrapolation error of modes trained at T = \(T)", xLabel: "test length T′", yLabel: "E(T′)",
                                  yScale: .log, content: .lines(extrapolationSeries)))
        figurePanels.append(Panel(title: "ac learned at different training lengths (λ = \(Self.fmt(lambdaX)))", xLabel: "training length T",
                                  yLabel: "ac", content: .lines([
            Series("inverse-exponential (GD)", x: "train_length", y: "length_sim_ac_inverse_exponential", style: .simulation, group: 1),
            Series("ac* = δ", x: "train_length", y: "length_theory_ac_inverse_exponential", style: .theory, group: 1),
            Series("exponential (GD)", x: "train_length", y: "length_sim_ac_exponential", style: .simulation, group: 2),
            Series("ac* = δλ^T", x: "train_length", y: "length_theory_ac_exponential", style: .theory, group: 2),
        ])))
        context.progress(1)
        let figure = FigureSpec(title: "Fig. 3 — stability and extrapolation of zero-loss solutions (T = \(T))", columns: 3, panels: figurePanels)
        return ExperimentResult(dataset: data, figure: figure, checks: checks, theoryError: worst)
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
