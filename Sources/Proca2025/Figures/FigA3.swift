import ExperimentKit
import Foundation
import Linalg
import Theory

/// Proca et al. 2025, Fig. A3: the Landau theory of the feed-forward/recurrent transition on the Dirac task.
///
/// Task s_1 = β, s_T = 1/β, zero in between (App. H; only the ratio s_1/s_T = β² matters). Theory (dashed): the global
/// minimum of the reduced energy E*(b) = ½[β² + 1/β² − (βb^{T−1} + 1/β)²/Σ_{i<T} b^{2i}] over |b| ≤ `b_max`
/// (`LandauAnalysis`), giving b*, u* = u*(b*) and E* against β for each T; dotted: the trivial branch b = 0,
/// u = 1/β, E = ½β² (our ½Σr² convention: half the paper's β²), the large-b limit E → 1/(2β²), and vertical lines at
/// β = 1/√2 (T = 3, continuous) and β = 1 (T ≥ 4, jump). Solid: gradient descent on the mode ODE (explicit Euler
/// with step η = one GD step, Eqs. 5–7) from a non-trivial init at every simulated β, and a few full-matrix aligned
/// LRNNs (N_x = N_y = 2, N_h = 1, one β per network) trained by exact population GD from the same init. The Landau
/// analysis is a single-mode theory: given a spare hidden unit, a full-matrix network leaves the aligned solution
/// (two recurrent eigenvalues fit the Dirac time-course better than one — at T = 3 exactly, with b = ±β; e.g. T = 3,
/// β = 1.1 misaligns to O(1) by flow time 100 from round-off alone), so the full-matrix runs have one hidden unit per task mode.
///
/// Caveats (spec §6.3), all set by parameters: gradient flow from small b is metastable because the b-gradient at
/// small b scales like b^{T−2}, so the observed threshold depends on T, the init (`initial_b`, `initial_ac_factor`)
/// and the budget (`learning_rate` × `steps`). For T ≥ 4 (and T = 3 at β ≳ 1.4) the recurrent branch has no finite
/// minimum — E* → 1/(2β²) as b → ∞ with u → 0 — so the theory's b* sits at the search bound `b_max` (not a prediction:
/// the theory curves leave those β out, `theory_at_bound` marks them, and a dotted line shows b_max) and GD drifts to
/// large b until its step-size stability edge; there the simulated b and E are set by η and the budget, and where
/// exactly GD stops is set by round-off: two exact implementations (the mode ODE and a full-matrix network) can end
/// O(1) apart in u. The full-matrix check therefore compares only runs whose mode-GD endpoint is below the edge
/// (η λ_max < 1, λ_max the largest Hessian eigenvalue of the mode loss) and lists the others in its evidence.
///
/// Defaults (not in the paper): T ∈ {3, 4, 6}; β ∈ [0.3, 2]; init b = 1 and a = c = √(u₀) with u₀ = 0.5/β (half the
/// trivial u = 1/β, `initial_ac_factor`); b_max = 3 (the spec's check); full: η = 0.002, 100,000 steps (flow time 200),
/// 35 simulated β, full-matrix runs at β = 0.6, 0.9, 1.1, 1.5 for the same 100,000 steps; quick: η = 0.005, 20,000
/// steps (flow time 100), 11 simulated β, full-matrix runs at β = 0.6, 1.1 for 4,000 steps (compared with mode GD
/// for the same 4,000 steps).
public struct ProcaFigA3: Experiment, DeclaredParameters {
    /// The experiment.
    public init() {}
    public var id: String { "proca2025.figA3" }
    public var paperFigure: String { "Proca et al. 2025, Fig. A3" }
    public var summary: String {
        "Landau check on the Dirac task: b*, u*, E* vs β for several T; continuous onset at 1/√2 (T = 3), jump at 1 (T = 4)"
    }

    static let lengths = Parameter.doubles("lengths", [3, 4, 6], unit: "steps", doc: "sequence lengths T, one curve each (integers in 2…30)")
    static let betaMin = Parameter.double("beta_min", 0.3, in: 0.01...10, doc: "smallest β of the theory grid (s_1 = β, s_T = 1/β; below beta_max)")
    static let betaMax = Parameter.double("beta_max", 2.0, in: 0.01...10, doc: "largest β of the theory grid")
    static let theoryPoints = Parameter.int("theory_points", 69, full: 341, in: 3...100_000, doc: "β grid points of the Landau theory curves")
    static let bMax = Parameter.double("b_max", 3.0, in: 0.5...1e4, doc: "the Landau global minimum of E*(b) is searched over |b| ≤ b_max")
    static let simBetas = Parameter.doubles("sim_betas", [0.5, 0.6, 0.65, 0.75, 0.8, 0.9, 0.95, 1.05, 1.1, 1.3, 1.6],
                                            full: (0...34).map { Double(30 + 5 * $0) / 100 }, doc: "β of the mode-ODE gradient-descent runs (each in (0, 10], at least one)")
    static let fullMatrixBetas = Parameter.doubles("full_matrix_betas", [0.6, 1.1], full: [0.6, 0.9, 1.1, 1.5], doc: "β of the full-matrix LRNN runs (each in (0, 10])")
    static let fullMatrixSteps = Parameter.int("full_matrix_steps", 4000, full: 100_000, in: 1...100_000_000, unit: "steps", doc: "gradient-descent steps of the full-matrix runs (and of the mode GD they are compared with)")
    static let initialB = Parameter.double("initial_b", 1.0, in: -10...10, doc: "initial recurrent mode b₀ (non-trivial init)")
    static let initialAcFactor = Parameter.double("initial_ac_factor", 0.5, in: 1e-4...10, doc: "initial u₀ = ac = initial_ac_factor/β (a = c = √u₀): a fraction of the trivial u = 1/β")
    static let learningRate = Parameter.double("learning_rate", 0.005, full: 0.002, in: 1e-7...0.1, doc: "gradient-descent step η (mode ODE and full-matrix networks)")
    static let steps = Parameter.int("steps", 20_000, full: 100_000, in: 1...100_000_000, unit: "steps", doc: "gradient-descent steps of the mode-ODE runs")
    static let trivialB = Parameter.double("trivial_b", 0.05, in: 1e-6...1, doc: "|b| below this counts as the trivial (feed-forward) branch b ≈ 0")
    public static let declared = ParameterList([
        .init(lengths), .init(betaMin), .init(betaMax), .init(theoryPoints), .init(bMax), .init(simBetas), .init(fullMatrixBetas),
        .init(fullMatrixSteps), .init(initialB), .init(initialAcFactor), .init(learningRate), .init(steps), .init(trivialB),
    ])

    public func run(parameters p: ConfigReader, context: RunContext) throws -> ExperimentResult {
        let s = try FigA3Settings(p)
        let runs = try Self.simulate(s, context: context)
        var data = Dataset()
        Self.record(s, runs, into: &data)
        let checks = Self.checks(s, runs)
        return ExperimentResult(dataset: data, figure: Self.figure(s), checks: checks, theoryError: runs.worst)
    }

    /// The claims: continuous onset at T = 3, jump at T = 4, full-matrix networks reproduce mode GD.
    static func checks(_ s: FigA3Settings, _ r: FigA3Runs) -> [ClaimCheck] {
        let lengths = s.lengths, simBetas = s.simBetas, fullBetas = s.fullBetas, trivialB = s.trivialB, bMax = s.bMax
        let b0 = s.b0, acFactor = s.acFactor, eta = s.eta, steps = s.steps, fullSteps = s.fullSteps
        let transitions = r.transitions, simB = r.simB, simU = r.simU
        let fullCompared = r.fullCompared, fullVsMode = r.fullVsMode, fullAtEdge = r.fullAtEdge, misalignment = r.misalignment
        var checks: [ClaimCheck] = []
        if let i3 = lengths.firstIndex(of: 3), let tr = transitions[3] {
            let bc = tr.criticalBeta
            let below = simBetas.indices.filter { simBetas[$0] < bc - 0.02 }, above = simBetas.indices.filter { simBetas[$0] > bc + 0.02 }
            let trivialBelow = below.allSatisfy { abs(simB[i3][$0]) < trivialB && abs(simU[i3][$0] - 1 / simBetas[$0]) < 1e-3 }
            let recurrentAbove = above.allSatisfy { abs(simB[i3][$0]) > trivialB }
            // Continuity: just above β_c the simulated b is small and matches the theory's small b*.
            let first = above.first
            let thFirst = first.map { Proca2025.LandauAnalysis(length: 3, bMax: bMax).globalMinimum(beta: simBetas[$0]) }
            let continuous = first.map { abs(simB[i3][$0]) < 0.5 && abs(abs(simB[i3][$0]) - abs(thFirst!.b)) < 0.05 } ?? false
            checks.append(ClaimCheck(
                claim: "T = 3: continuous (second-order) onset of recurrence at β_c = 1/√2",
                holds: tr.order == .continuous && abs(bc - 1 / 2.0.squareRoot()) < 1e-3 && trivialBelow && recurrentAbove && continuous,
                evidence: "Landau β_c = \(Self.fmt(bc)) (1/√2 = 0.70711), order \(tr.order.rawValue); mode GD: |b| < \(trivialB) and u = 1/β at "
                    + "\(below.filter { abs(simB[i3][$0]) < trivialB && abs(simU[i3][$0] - 1 / simBetas[$0]) < 1e-3 }.count)/\(below.count) β < β_c, "
                    + "|b| > \(trivialB) at \(above.filter { abs(simB[i3][$0]) > trivialB }.count)/\(above.count) β > β_c; first β above: "
                    + (first.map { "β = \(Self.fmt(simBetas[$0])) |b| = \(Self.fmt(abs(simB[i3][$0]))) (theory \(Self.fmt(abs(thFirst!.b))))" } ?? "none")
                    + "; b vs β: " + simBetas.indices.map { "\(Self.fmt(simBetas[$0])):\(Self.fmt(simB[i3][$0]))" }.joined(separator: " ")))
        }
        if let i4 = lengths.firstIndex(of: 4), let tr = transitions[4] {
            let bc = tr.criticalBeta
            let below = simBetas.indices.filter { simBetas[$0] < bc - 0.02 }, above = simBetas.indices.filter { simBetas[$0] > bc + 0.02 }
            let trivialBelow = below.allSatisfy { abs(simB[i4][$0]) < trivialB && abs(simU[i4][$0] - 1 / simBetas[$0]) < 1e-3 }
            let jumpAbove = above.allSatisfy { simB[i4][$0] > 1 }
            checks.append(ClaimCheck(
                claim: "T = 4: first-order jump of b at β_c ≈ 1 (no small-b instability)",
                holds: tr.order == .jump && abs(bc - 1) < 0.01 && trivialBelow && jumpAbove && !below.isEmpty && !above.isEmpty,
                evidence: "Landau β_c = \(Self.fmt(bc)), order \(tr.order.rawValue), |b*| just above = \(Self.fmt(abs(tr.minimumAbove.b))); "
                    + "mode GD from b₀ = \(Self.fmt(b0)): |b| < \(trivialB) and u = 1/β at "
                    + "\(below.filter { abs(simB[i4][$0]) < trivialB && abs(simU[i4][$0] - 1 / simBetas[$0]) < 1e-3 }.count)/\(below.count) β < β_c, "
                    + "b > 1 at \(above.filter { simB[i4][$0] > 1 }.count)/\(above.count) β > β_c; b vs β: "
                    + simBetas.indices.map { "\(Self.fmt(simBetas[$0])):\(Self.fmt(simB[i4][$0]))" }.joined(separator: " ")))
        }
        // The full-matrix networks reproduce mode GD; where GD leaves b ≈ 0 at each T (the observed, budget-dependent threshold).
        var switchText: [String] = []
        for (ti, T) in lengths.enumerated() {
            let first = simBetas.indices.first { abs(simB[ti][$0]) > trivialB }
            switchText.append("T = \(T): Landau β_c = \(transitions[T].map { Self.fmt($0.criticalBeta) } ?? "none"), GD leaves b ≈ 0 at β = "
                + (first.map { Self.fmt(simBetas[$0]) } ?? "never") + (first.map { " (b = \(Self.fmt(simB[ti][$0])))" } ?? ""))
        }
        checks.append(ClaimCheck(
            claim: "Full-matrix LRNNs reproduce the mode-ODE gradient descent at every length (observed thresholds depend on T, init and budget)",
            holds: fullBetas.isEmpty || (fullCompared > 0 && fullVsMode < 1e-6),
            evidence: "largest relative gap full-matrix vs mode GD (same η and \(fullSteps) steps) over (b, ac) at \(fullCompared) runs below GD's stability edge: \(Self.sci(fullVsMode)); "
                + (fullAtEdge.isEmpty ? "" : "left out at the edge (round-off sets where GD stops): " + fullAtEdge.joined(separator: ", ") + "; ")
                + "final misalignment \(Self.sci(misalignment)); "
                + switchText.joined(separator: "; ") + "; init b₀ = \(Self.fmt(b0)), u₀ = \(Self.fmt(acFactor))/β, η = \(eta), \(steps) steps",
            kind: .selfConsistency))

        return checks
    }

    static func fmt(_ x: Double) -> String { String(format: "%.4g", x) }
    static func sci(_ x: Double) -> String { String(format: "%.2e", x) }
}
