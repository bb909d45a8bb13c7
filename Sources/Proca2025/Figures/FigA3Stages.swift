import ExperimentKit
import Foundation
import Linalg
import Theory

/// Fig. A3's parameters, read with their declared ranges and checked.
struct FigA3Settings {
    let path: String
    let lengths: [Int], betaMin: Double, betaMax: Double, nTheory: Int, bMax: Double
    let simBetas: [Double], fullBetas: [Double]
    let b0: Double, acFactor: Double, eta: Double, steps: Int, fullSteps: Int, trivialB: Double

    /// Reads every declared parameter of `ProcaFigA3` from `p` and finishes it.
    init(_ p: ConfigReader) throws {
        typealias F = ProcaFigA3
        path = p.path
        let rawLengths = try p.read(F.lengths)
        guard !rawLengths.isEmpty, rawLengths.allSatisfy({ $0 == $0.rounded() && $0 >= 2 && $0 <= 30 }) else {
            throw ConfigError(key: "\(p.path).lengths", "needs at least one length, each an integer in 2…30")
        }
        lengths = rawLengths.map { Int($0) }
        betaMin = try p.read(F.betaMin); betaMax = try p.read(F.betaMax)
        nTheory = try p.read(F.theoryPoints)
        bMax = try p.read(F.bMax)
        simBetas = try p.read(F.simBetas).sorted()
        fullBetas = try p.read(F.fullMatrixBetas).sorted()
        b0 = try p.read(F.initialB)
        acFactor = try p.read(F.initialAcFactor)
        eta = try p.read(F.learningRate)
        steps = try p.read(F.steps)
        fullSteps = try p.read(F.fullMatrixSteps)
        trivialB = try p.read(F.trivialB)
        try p.finish()
        guard betaMin < betaMax else { throw ConfigError(key: "\(p.path).beta_min", "must be below beta_max") }
        for (key, bs) in [("sim_betas", simBetas), ("full_matrix_betas", fullBetas)] {
            guard bs.allSatisfy({ $0 > 0 && $0 <= 10 }) else { throw ConfigError(key: "\(p.path).\(key)", "each β must be in (0, 10]") }
        }
        guard !simBetas.isEmpty else { throw ConfigError(key: "\(p.path).sim_betas", "needs at least one β") }
    }

    /// β grid of the theory curves.
    var grid: [Double] { (0..<nTheory).map { betaMin + (betaMax - betaMin) * Double($0) / Double(nTheory - 1) } }
}

/// Fig. A3's theory and simulation results, rows per T: Landau minima, mode GD and full-matrix runs.
struct FigA3Runs {
    var thB: [[Double]] = [], thU: [[Double]] = [], thE: [[Double]] = []
    var simB: [[Double]] = [], simU: [[Double]] = [], simE: [[Double]] = []
    var fmB: [[Double]] = [], fmU: [[Double]] = [], fmE: [[Double]] = []
    var transitions: [Int: Proca2025.PhaseTransition] = [:]
    var fullVsMode = 0.0, worst = 0.0, misalignment = 0.0
    /// Full-matrix runs compared with mode GD, and those left out because mode GD ends at its stability edge
    /// (η λ_max ≥ 1, the runaway branch of T ≥ 4): there GD stops wherever round-off lets the edge catch it, so
    /// two exact implementations can end O(1) apart in u (e.g. T = 6, β = 1.1: u = 0.0017 vs 0.0025).
    var fullCompared = 0, fullAtEdge: [String] = []
}

extension ProcaFigA3 {
    // MARK: theory and simulation

    /// Mode GD (explicit Euler = GD on the per-mode energy) from the non-trivial init; throws an
    /// `ExperimentDivergence` when it leaves the finite numbers.
    static func modeGD(_ s: FigA3Settings, T: Int, beta: Double, steps: Int) throws -> Proca2025.Mode {
        let landau = Proca2025.LandauAnalysis(length: T)
        let flow = Proca2025.ModeFlow(singularValues: landau.singularValues(beta: beta))
        let a0 = (s.acFactor / beta).squareRoot()
        let end = FixedStepIntegrator(.euler, stepSize: s.eta).solve(flow, initial: [a0, s.b0, a0], outputTimes: [s.eta * Double(steps)])
        if !end.finalState.allSatisfy(\.isFinite), let d = FlowDivergence.modeDescent(
            flow, initial: [a0, s.b0, a0], learningRate: s.eta, steps: steps, stage: "mode GD at T = \(T), β = \(beta)", key: "learning_rate") {
            throw d
        }
        return Proca2025.Mode(state: end.finalState)
    }

    /// Per T: the Landau minima on the β grid (theory), mode GD at every simulated β and the full-matrix networks.
    static func simulate(_ s: FigA3Settings, context: RunContext) throws -> FigA3Runs {
        let grid = s.grid, bMax = s.bMax
        var r = FigA3Runs()
        for (ti, T) in s.lengths.enumerated() {
            let landau = Proca2025.LandauAnalysis(length: T, bMax: bMax)
            let minima = grid.map { landau.globalMinimum(beta: $0) }
            r.thB.append(minima.map { T % 2 == 1 ? abs($0.b) : $0.b }); r.thU.append(minima.map(\.u)); r.thE.append(minima.map(\.energy))
            r.transitions[T] = landau.criticalPoint(betaRange: max(s.betaMin, 0.05)...s.betaMax)

            var bs: [Double] = [], us: [Double] = [], es: [Double] = []
            for beta in s.simBetas {
                let m = try modeGD(s, T: T, beta: beta, steps: s.steps)
                let flow = Proca2025.ModeFlow(singularValues: landau.singularValues(beta: beta))
                bs.append(m.b); us.append(m.u); es.append(flow.energy(m))
                let th = landau.globalMinimum(beta: beta)
                if abs(th.b) < 0.99 * bMax && m.b.isFinite && abs(m.b) < 0.99 * bMax {
                    r.worst = max(r.worst, abs(flow.energy(m) - th.energy) / th.energy)
                }
            }
            r.simB.append(bs); r.simU.append(us); r.simE.append(es)

            // Full-matrix networks: one β per network with one hidden unit (input/output width 2). With a spare hidden
            // unit the aligned single-mode solution of the Dirac task is a saddle (see `MultiModeTraining`).
            var fb: [Double] = [], fu: [Double] = [], fe: [Double] = []
            for (k, beta) in s.fullBetas.enumerated() {
                let a0 = (s.acFactor / beta).squareRoot()
                let run = try MultiModeTraining(
                    singularValues: [landau.singularValues(beta: beta)], initial: [Proca2025.Mode(a: a0, b: s.b0, c: a0)],
                    learningRate: s.eta, steps: s.fullSteps, schedule: .steps([]), width: 2, hidden: 1,
                    streams: context.streams.child("T\(T)").child("beta-\(k)"))
                if let d = run.divergence { throw d.error(stage: "the full-matrix network at T = \(T), β = \(beta)", key: "learning_rate", value: s.eta) }
                let m = run.finalMode(0), ref = try modeGD(s, T: T, beta: beta, steps: s.fullSteps)
                fb.append(m.b); fu.append(m.u)
                fe.append(Proca2025.ModeFlow(singularValues: landau.singularValues(beta: beta)).energy(m))
                let edge = s.eta * ModeDescentGrid.maxCurvature(ref, singularValues: landau.singularValues(beta: beta))
                if edge < 1 {
                    r.fullCompared += 1
                    r.fullVsMode = max(r.fullVsMode, abs(m.b - ref.b) / max(abs(ref.b), 1e-3), abs(m.u - ref.u) / max(abs(ref.u), 1e-3))
                } else {
                    r.fullAtEdge.append("T = \(T), β = \(Self.fmt(beta)) (η λ_max = \(Self.fmt(edge)))")
                }
                r.misalignment = max(r.misalignment, run.misalignment)
            }
            r.fmB.append(fb); r.fmU.append(fu); r.fmE.append(fe)
            context.progress(Double(ti + 1) / Double(s.lengths.count))
        }
        return r
    }

    // MARK: assemble

    /// The dataset: grids, theory and simulation rows, the reference branches and the vertical reference lines.
    static func record(_ s: FigA3Settings, _ r: FigA3Runs, into data: inout Dataset) {
        let grid = s.grid, lengths = s.lengths
        data.add(DataArray("beta", grid, doc: "β grid of the theory curves (s_1 = β, s_T = 1/β)"))
        data.add(DataArray("T", lengths.map(Double.init), doc: "sequence lengths T (row index of every [T, …] array)"))
        data.add(DataArray("sim_beta", s.simBetas, doc: "β of the mode-ODE gradient-descent runs"))
        data.add(DataArray("full_beta", s.fullBetas, doc: "β of the full-matrix LRNN runs"))
        // Where the search ends at its bound |b| = b_max the infimum is at b → ∞: no finite minimum, so no prediction.
        let capped = r.thB.map { row in row.map { abs($0) >= Self.boundFraction * s.bMax } }
        func predicted(_ rows: [[Double]]) -> [[Double]] {
            zip(rows, capped).map { row, cap in zip(row, cap).map { $1 ? .nan : $0 } }
        }
        data.add(DataArray("theory_b", rows: predicted(r.thB), doc: "[T, β]: b* of the global minimum of E*(b) over |b| ≤ b_max (odd T: E* is even in b, |b*| is stored); NaN where the search ends at the bound b_max (the infimum is at b → ∞, no finite minimum: see theory_at_bound)"))
        data.add(DataArray("theory_u", rows: predicted(r.thU), doc: "[T, β]: u* = u*(b*); NaN where b* is at the bound"))
        data.add(DataArray("theory_energy", rows: predicted(r.thE), doc: "[T, β]: E*(b*) in the ½Σr² convention; NaN where b* is at the bound"))
        data.add(DataArray("theory_at_bound", rows: capped.map { $0.map { $0 ? 1 : 0 } }, doc: "[T, β]: 1 where the Landau search ended at its bound |b| = b_max (not a theory prediction: no theory curve is drawn there), else 0"))
        data.add(DataArray("b_max_line", grid.map { _ in s.bMax }, doc: "the search bound b_max on the β grid (the dotted line in the b panel)"))
        data.add(DataArray("sim_b", rows: r.simB, doc: "[T, sim β]: b after GD on the mode ODE from the non-trivial init"))
        data.add(DataArray("sim_u", rows: r.simU, doc: "[T, sim β]: u = ac after mode GD"))
        data.add(DataArray("sim_energy", rows: r.simE, doc: "[T, sim β]: per-mode energy ½Σr² after mode GD"))
        if !s.fullBetas.isEmpty {
            data.add(DataArray("full_b", rows: r.fmB, doc: "[T, full β]: b of the full-matrix aligned LRNN after full_matrix_steps GD steps"))
            data.add(DataArray("full_u", rows: r.fmU, doc: "[T, full β]: ac of the full-matrix LRNN"))
            data.add(DataArray("full_energy", rows: r.fmE, doc: "[T, full β]: per-mode energy of the full-matrix LRNN's mode"))
        }
        data.add(DataArray("trivial_u", grid.map { 1 / $0 }, doc: "trivial branch u = s_T = 1/β"))
        data.add(DataArray("trivial_energy", grid.map { 0.5 * $0 * $0 }, doc: "trivial branch E = ½β² (½Σr² convention)"))
        data.add(DataArray("large_b_energy", grid.map { 0.5 / ($0 * $0) }, doc: "recurrent-branch limit E → 1/(2β²) as b → ∞"))
        data.add(DataArray("critical_beta", lengths.map { r.transitions[$0]?.criticalBeta ?? .nan },
                           doc: "[T]: β_c where the global minimum leaves b = 0 (LandauAnalysis.criticalPoint; NaN if none in range)"))
        let bTop = max(s.bMax, (r.simB.flatMap { $0 } + r.fmB.flatMap { $0 }).filter(\.isFinite).max() ?? s.bMax)
        let uTop = grid.map { 1 / $0 }.max()!
        let eTop = r.thE.flatMap { $0 }.max()! * 1.1
        for (name, v) in [("inv_sqrt2", 1 / 2.0.squareRoot()), ("one", 1.0)] {
            data.add(DataArray("vline_\(name)_x", [v, v], doc: "vertical reference at β = \(name == "one" ? "1" : "1/√2") (x)"))
        }
        data.add(DataArray("vline_b_y", [0, bTop], doc: "vertical reference y-extent (b panel)"))
        data.add(DataArray("vline_u_y", [0, uTop], doc: "vertical reference y-extent (u panel)"))
        data.add(DataArray("vline_e_y", [0, eTop], doc: "vertical reference y-extent (E panel)"))
    }

    /// A Landau minimum with |b*| at least this fraction of b_max counts as at the search bound.
    static let boundFraction = 0.999

    /// The three panels (b*, u*, E* against β): mode GD solid, Landau theory dashed (left out where the search ends at
    /// b_max), full-matrix markers, references dotted.
    static func figure(_ s: FigA3Settings) -> FigureSpec {
        var bSeries: [Series] = [], uSeries: [Series] = [], eSeries: [Series] = []
        for (ti, T) in s.lengths.enumerated() {
            // Solid: mode-ODE GD; dashed: Landau minimum; markers: full-matrix networks, drawn only when they ran the
            // same budget as the mode GD curve (quick runs them for fewer steps, which the claim check compares).
            bSeries += [Series("T=\(T)", x: "sim_beta", y: "sim_b", yRow: ti, style: .simulation, group: ti),
                        Series("T=\(T) Landau theory", x: "beta", y: "theory_b", yRow: ti, style: .theory, group: ti)]
            uSeries += [Series("T=\(T)", x: "sim_beta", y: "sim_u", yRow: ti, style: .simulation, group: ti),
                        Series("T=\(T) Landau theory", x: "beta", y: "theory_u", yRow: ti, style: .theory, group: ti)]
            eSeries += [Series("T=\(T)", x: "sim_beta", y: "sim_energy", yRow: ti, style: .simulation, group: ti),
                        Series("T=\(T) Landau theory", x: "beta", y: "theory_energy", yRow: ti, style: .theory, group: ti)]
            if !s.fullBetas.isEmpty && s.fullSteps == s.steps {
                bSeries.append(Series("T=\(T) full matrix", x: "full_beta", y: "full_b", yRow: ti, style: .points, group: ti))
                uSeries.append(Series("T=\(T) full matrix", x: "full_beta", y: "full_u", yRow: ti, style: .points, group: ti))
                eSeries.append(Series("T=\(T) full matrix", x: "full_beta", y: "full_energy", yRow: ti, style: .points, group: ti))
            }
        }
        let g = s.lengths.count
        uSeries.append(Series("trivial u = 1/β", x: "beta", y: "trivial_u", style: .reference, group: g))
        eSeries += [Series("trivial E = β²/2", x: "beta", y: "trivial_energy", style: .reference, group: g),
                    Series("b → ∞: E = 1/(2β²)", x: "beta", y: "large_b_energy", style: .reference, group: g + 1)]
        bSeries.append(Series("b_(max) = \(Self.fmt(s.bMax)) (search bound)", x: "beta", y: "b_max_line",
                              style: .reference, group: g + 4))
        func vlines(_ y: String) -> [Series] {
            [Series("β = 1/√2", x: "vline_inv_sqrt2_x", y: y, style: .reference, group: g + 2),
             Series("β = 1", x: "vline_one_x", y: y, style: .reference, group: g + 3)]
        }
        return FigureSpec(title: "Fig. A3 — Landau analysis of the Dirac task (s_1 = β, s_T = 1/β)", columns: 3, panels: [
            Panel(title: "recurrent mode b* (solid: mode-ODE GD)", xLabel: "β", yLabel: "b", content: .lines(bSeries + vlines("vline_b_y"))),
            Panel(title: "input–output mode u*", xLabel: "β", yLabel: "u = ac", content: .lines(uSeries + vlines("vline_u_y"))),
            Panel(title: "energy E* (½Σr²)", xLabel: "β", yLabel: "E", content: .lines(eSeries + vlines("vline_e_y"))),
        ])
    }
}
