import ExperimentKit
import Foundation
import Linalg
import Tasks
import Theory

/// Proca et al. 2025, Fig. A2: the energy split into its data term and the effective regulariser (Lemma 3.2).
///
/// Dirac tasks s_1 ∈ {0.5, 1.5, 2.5}, s_T = 1, zero in between (Eq. 11). For each (one row) three heatmaps over
/// (b, ac): the data term ½Σ(s_i² − 2 s_i ac b^{T−i}), the regulariser ½(ac)²(1 − b^{2T})/(1 − b²) and their sum,
/// the per-mode energy (`EnergySplit`, our ½Σr² convention). The regulariser confines the weights and forces ac to
/// shrink as |b| grows; a larger recurrent target s_1 moves the minimum away from the feed-forward solution
/// (b = 0, ac = s_T) to b ≠ 0 with smaller ac.
///
/// Simulation: per row a full-matrix aligned LRNN (N_x = N_y = 2, one hidden unit: the single-mode setting of the
/// theory; with spare hidden units the aligned Dirac solution is a saddle, see `MultiModeTraining`), trained by exact
/// population GD from all modes at `initial_mode`; its final (b, ac) is reported and its path drawn, with the RK4
/// mode-flow path (dashed), in the last panel over the exact minimisers of E (dotted), computed on the reduced energy
/// E*(b) = E(b, u*(b)), u* = A/B.
///
/// Not in the paper (parameters): T = 3, which puts s_1/s_T = 0.5 exactly at the T = 3 Landau critical point
/// (β_c² = ½, App. H): the minimum is at b = 0, but the potential is quartic there, so GD approaches it only as a
/// power law. For T = 3 the energy has an interior minimum for s_1/s_T < 2 (b* = ±2, ac* = 1/3 at s_1 = 1.5) and
/// none for s_1 ≥ 2, where the infimum E → ½s_T² lies at |b| → ∞, ac → 0 (so the plotted minimum at s_1 = 2.5 is
/// the window edge and GD keeps drifting to larger b: the runaway recurrent solution of §6.3). Window b ∈ [−2.5, 2.5],
/// ac ∈ [−0.5, 1.5]; grid 101 × 81 (quick 41 × 33); init 0.1; full η = 0.002 with 200,000 steps (flow time 400),
/// quick η = 0.01 with 8,000 steps (flow time 80).
public struct ProcaFigA2: Experiment, DeclaredParameters {
    /// The experiment.
    public init() {}
    public var id: String { "proca2025.figA2" }
    public var paperFigure: String { "Proca et al. 2025, Fig. A2" }
    public var summary: String {
        "Energy split (data term, regulariser, total) over (b, ac) for Dirac tasks; larger s_1 moves the minimum to b ≠ 0"
    }

    static let T = Parameter.int("T", 3, in: 2...30, unit: "steps", doc: "sequence length T of the Dirac tasks")
    static let s1Values = Parameter.doubles("s1_values", [0.5, 1.5, 2.5], doc: "one row per first singular value s_1 of the Dirac task (each in [0, 10])")
    static let sT = Parameter.double("s_T", 1.0, in: 1e-3...10, doc: "last singular value s_T of every Dirac task")
    static let bMin = Parameter.double("b_min", -2.5, in: -10...10, doc: "heatmap window: smallest recurrent mode b (below b_max)")
    static let bMax = Parameter.double("b_max", 2.5, in: -10...10, doc: "heatmap window: largest b")
    static let acMin = Parameter.double("ac_min", -0.5, in: -10...10, doc: "heatmap window: smallest input–output mode ac (below ac_max)")
    static let acMax = Parameter.double("ac_max", 1.5, in: -10...10, doc: "heatmap window: largest ac")
    static let bPoints = Parameter.int("b_points", 41, full: 101, in: 3...2001, doc: "heatmap grid points along b")
    static let acPoints = Parameter.int("ac_points", 33, full: 81, in: 3...2001, doc: "heatmap grid points along ac")
    static let initialMode = Parameter.double("initial_mode", 0.1, in: 1e-4...2, doc: "initial a = b = c of the simulated networks and the mode flow")
    static let learningRate = Parameter.double("learning_rate", 0.01, full: 0.002, in: 1e-7...0.1, doc: "gradient-descent step η (and the RK4 step of the mode flow)")
    static let steps = Parameter.int("steps", 8000, full: 200_000, in: 1...10_000_000, unit: "steps", doc: "gradient-descent steps of every network")
    static let recordEvery = Parameter.int("record_every", 20, full: 500, in: 1...10_000_000, unit: "steps", doc: "record the GD path every this many steps")
    static let minimumSearchBMax = Parameter.double("minimum_search_b_max", 1000.0, in: 1...1e6, doc: "exact minimum of E*(b) searched over |b| ≤ this bound")
    public static let declared = ParameterList([
        .init(T), .init(s1Values), .init(sT), .init(bMin), .init(bMax), .init(acMin), .init(acMax), .init(bPoints), .init(acPoints),
        .init(initialMode), .init(learningRate), .init(steps), .init(recordEvery), .init(minimumSearchBMax),
    ])

    public func run(parameters p: ConfigReader, context: RunContext) throws -> ExperimentResult {
        let s = try FigA2Settings(p)
        var data = Dataset()
        var panels: [Panel] = []
        let landscape = Self.landscape(s, data: &data, panels: &panels)
        context.progress(0.3)
        let sim = try Self.simulate(s, tasks: landscape.tasks, context: context, data: &data)
        Self.recordMinima(s, landscape: landscape, sim: sim, data: &data, panels: &panels)
        let checks = Self.checks(s, landscape: landscape, sim: sim, data: data)
        context.progress(1)
        let figure = FigureSpec(title: "Fig. A2 — energy split for Dirac tasks (T = \(s.T), s_T = \(Self.fmt(s.sT)))", columns: 3, panels: panels)
        return ExperimentResult(dataset: data, figure: figure, checks: checks, theoryError: sim.worst)
    }

    /// The minimiser of E*(b) = E(b, u*(b)) over |b| ≤ bMax (log-spaced grid in |b| plus golden refinement); for
    /// E* even or odd in b the positive side is searched together with the negative one. `interior` is false when
    /// the best point is the bound itself (the infimum lies at |b| → ∞).
    static func exactMinimum(_ flow: Proca2025.ModeFlow, bMax: Double) -> (b: Double, ac: Double, e: Double, interior: Bool) {
        func reduced(_ b: Double) -> (e: Double, u: Double) {
            let u = flow.effectiveSingularValue(b: b) / flow.recurrenceGain(b: b)
            return (flow.energy(Proca2025.Mode(a: u, b: b, c: 1)), u)
        }
        var candidates: [Double] = [0]
        let n = 4000
        for j in 0...n {
            let x = 1e-3 * Foundation.pow(bMax / 1e-3, Double(j) / Double(n))
            candidates += [x, -x]
        }
        var best = candidates.min { reduced($0).e < reduced($1).e }!
        // Golden-section refinement between the neighbouring log-grid points.
        if best != 0 {
            let ratio = Foundation.pow(bMax / 1e-3, 1 / Double(n))
            var lo = abs(best) / ratio, hi = min(abs(best) * ratio, bMax)
            let sign: Double = best < 0 ? -1 : 1
            let g = 0.5 * (5.0.squareRoot() - 1)
            for _ in 0..<200 {
                let x1 = hi - g * (hi - lo), x2 = lo + g * (hi - lo)
                if reduced(sign * x1).e <= reduced(sign * x2).e { hi = x2 } else { lo = x1 }
            }
            let refined = sign * 0.5 * (lo + hi)
            if reduced(refined).e <= reduced(best).e { best = refined }
        }
        let r = reduced(best)
        let interior = abs(best) < bMax * 0.999
        // Report the positive representative when E* is even in b (the minimum is then at ±b).
        let mirrored = reduced(-best)
        if best < 0 && abs(mirrored.e - r.e) <= 1e-12 * max(1, abs(r.e)) { return (-best, mirrored.u, mirrored.e, interior) }
        return (best, r.u, r.e, interior)
    }

    static func fmt(_ x: Double) -> String { String(format: "%.4g", x) }
    static func sci(_ x: Double) -> String { String(format: "%.2e", x) }
}
