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
public struct ProcaFigA2: Experiment {
    /// The experiment.
    public init() {}
    public var id: String { "proca2025.figA2" }
    public var paperFigure: String { "Proca et al. 2025, Fig. A2" }
    public var summary: String {
        "Energy split (data term, regulariser, total) over (b, ac) for Dirac tasks; larger s_1 moves the minimum to b ≠ 0"
    }

    public func parameters(_ preset: Preset) -> [String: Any] {
        let quick = preset == .quick
        return ["T": 3, "s1_values": [0.5, 1.5, 2.5], "s_T": 1.0, "b_min": -2.5, "b_max": 2.5, "ac_min": -0.5, "ac_max": 1.5,
                "b_points": quick ? 41 : 101, "ac_points": quick ? 33 : 81, "initial_mode": 0.1,
                "learning_rate": quick ? 0.01 : 0.002, "steps": quick ? 8000 : 200_000, "record_every": quick ? 20 : 500, "minimum_search_b_max": 1000.0]
    }

    public func run(parameters p: ConfigReader, context: RunContext) throws -> ExperimentResult {
        let T = try p.int("T", in: 2...30)
        let s1s = try p.doubles("s1_values")
        let sT = try p.double("s_T", in: 1e-3...10)
        let bLo = try p.double("b_min", in: -10...10), bHi = try p.double("b_max", in: -10...10)
        let acLo = try p.double("ac_min", in: -10...10), acHi = try p.double("ac_max", in: -10...10)
        let nb = try p.int("b_points", in: 3...2001), na = try p.int("ac_points", in: 3...2001)
        let initial = try p.double("initial_mode", in: 1e-4...2)
        let eta = try p.double("learning_rate", in: 1e-7...0.1)
        let steps = try p.int("steps", in: 1...10_000_000)
        let every = try p.int("record_every", in: 1...10_000_000)
        let searchMax = try p.double("minimum_search_b_max", in: 1...1e6)
        try p.finish()
        guard bLo < bHi, acLo < acHi else { throw ConfigError(key: "\(p.path).b_min", "need b_min < b_max and ac_min < ac_max") }
        guard !s1s.isEmpty, s1s.allSatisfy({ $0 >= 0 && $0 <= 10 }) else {
            throw ConfigError(key: "\(p.path).s1_values", "needs at least one value, each in [0, 10]")
        }

        let bGrid = (0..<nb).map { bLo + (bHi - bLo) * Double($0) / Double(nb - 1) }
        let acGrid = (0..<na).map { acLo + (acHi - acLo) * Double($0) / Double(na - 1) }
        var data = Dataset()
        data.add(DataArray("b", bGrid, doc: "heatmap x ticks: recurrent mode b"))
        data.add(DataArray("ac", acGrid, doc: "heatmap y ticks: input–output mode ac"))
        data.add(DataArray("s1", s1s, doc: "row r: the Dirac task's first singular value s_1 (s_T = parameter s_T, zero in between)"))

        let tasks = s1s.map { SingularValueProfile.twoDirac(beta: $0, kappa: sT).singularValues(length: T) }
        var panels: [Panel] = []
        var gridMin: [(b: Double, ac: Double)] = [], exactMin: [(b: Double, ac: Double, e: Double, interior: Bool)] = []
        for (r, s) in tasks.enumerated() {
            let flow = Proca2025.ModeFlow(singularValues: s)
            var dataTerm = [Double](), reg = [Double](), total = [Double]()
            var best = (e: Double.infinity, b: 0.0, ac: 0.0)
            for ac in acGrid {
                for b in bGrid {
                    // a = ac, c = 1 gives u = ac; the split depends only on (b, u).
                    let split = flow.energySplit(Proca2025.Mode(a: ac, b: b, c: 1))
                    dataTerm.append(split.data); reg.append(split.regulariser); total.append(split.total)
                    if split.total < best.e { best = (split.total, b, ac) }
                }
            }
            gridMin.append((best.b, best.ac))
            exactMin.append(Self.exactMinimum(flow, bMax: searchMax))
            for (name, z, label) in [("data", dataTerm, "data term"), ("regulariser", reg, "regulariser"), ("total", total, "total energy")] {
                data.add(DataArray("\(name)_s1_\(r)", shape: [na, nb], values: z,
                                   doc: "s_1 = \(s1s[r]): \(label) ½(…) on the grid [ac index, b index] (rows = ac, cols = b)"))
                // The energies grow like b^(2T−2) towards the corners; colour log₁₀(1 + E − min E) so the basin shows.
                let floor = z.min() ?? 0
                data.add(DataArray("\(name)_s1_\(r)_log", shape: [na, nb], values: z.map { Foundation.log10(1 + $0 - floor) },
                                   doc: "s_1 = \(s1s[r]): log₁₀(1 + E − min E) of `\(name)_s1_\(r)` (what the heatmap colours)"))
                panels.append(Panel(title: "s_1 = \(Self.fmt(s1s[r])): \(label)", xLabel: "b", yLabel: "ac",
                                    content: .heatmap(x: "b", y: "ac", z: "\(name)_s1_\(r)_log", colorLabel: "log₁₀(1 + E − min E)")))
            }
        }
        context.progress(0.3)

        // Simulation: one full-matrix network per row with one hidden unit (N_x = N_y = 2). With spare or shared
        // hidden units the aligned solution of a Dirac task is a saddle (see `MultiModeTraining`).
        var series: [Series] = []
        var worst = 0.0, misalignment = 0.0
        var gdFinal: [Proca2025.Mode] = []
        var recordSteps: [Int] = []
        for r in tasks.indices {
            let run = try MultiModeTraining(singularValues: [tasks[r]], initial: [.uniform(initial)], learningRate: eta,
                                            steps: steps, schedule: .every(every), width: 2, hidden: 1, streams: context.streams.child("task-\(r)"))
            guard !run.stop.isDivergence else { throw ConfigError(key: "\(p.path).learning_rate", "GD diverged: \(run.stop)") }
            recordSteps = run.steps
            misalignment = max(misalignment, run.misalignment)
            let flow = Proca2025.ModeFlow(singularValues: tasks[r])
            let states = FixedStepIntegrator(.rk4, stepSize: eta)
                .solve(flow, initial: Proca2025.Mode.uniform(initial).state, outputTimes: run.time).states
            let bSim = run.bTrajectory(0), acSim = run.acTrajectory(0)
            let bTh = states.map { $0[1] }, acTh = states.map { $0[0] * $0[2] }
            gdFinal.append(run.finalMode(0))
            // Gaps relative to the largest value along the flow path (ac first rises to ≈ s_T, then shrinks).
            let bScale = max(bTh.map(abs).max()!, 1e-3), acScale = max(acTh.map(abs).max()!, 1e-3)
            for (x, y) in zip(bSim, bTh) { worst = max(worst, abs(x - y) / bScale) }
            for (x, y) in zip(acSim, acTh) { worst = max(worst, abs(x - y) / acScale) }
            data.add(DataArray("path_b_sim_\(r)", bSim, doc: "s_1 = \(s1s[r]): b along GD of the full-matrix LRNN (records)"))
            data.add(DataArray("path_ac_sim_\(r)", acSim, doc: "s_1 = \(s1s[r]): ac along GD of the full-matrix LRNN (records)"))
            data.add(DataArray("path_b_flow_\(r)", bTh, doc: "s_1 = \(s1s[r]): b along the mode flow (RK4, step η) at the same flow times"))
            data.add(DataArray("path_ac_flow_\(r)", acTh, doc: "s_1 = \(s1s[r]): ac along the mode flow"))
            series += [Series("GD path s_1=\(Self.fmt(s1s[r]))", x: "path_b_sim_\(r)", y: "path_ac_sim_\(r)", style: .simulation, group: r),
                       Series("flow", x: "path_b_flow_\(r)", y: "path_ac_flow_\(r)", style: .theory, group: r)]
            context.progress(0.3 + 0.5 * Double(r + 1) / Double(tasks.count))
        }
        data.add(DataArray("step", recordSteps.map(Double.init), doc: "GD step of each path record"))
        data.add(DataArray("grid_min_b", gridMin.map(\.b), doc: "row r: b of the smallest total energy on the heatmap grid"))
        data.add(DataArray("grid_min_ac", gridMin.map(\.ac), doc: "row r: ac of the smallest total energy on the heatmap grid"))
        data.add(DataArray("exact_min_b", exactMin.map(\.b), doc: "row r: |b| minimising E*(b) over |b| ≤ minimum_search_b_max (the bound itself when the infimum is at |b| → ∞)"))
        data.add(DataArray("exact_min_ac", exactMin.map(\.ac), doc: "row r: u*(b) = A/B at exact_min_b"))
        data.add(DataArray("exact_min_interior", exactMin.map { $0.interior ? 1 : 0 }, doc: "row r: 1 when the minimum is interior (a true minimum), 0 when it is the search bound"))
        data.add(DataArray("gd_final_b", gdFinal.map(\.b), doc: "row r: b after GD (full-matrix aligned LRNN)"))
        data.add(DataArray("gd_final_ac", gdFinal.map(\.u), doc: "row r: ac after GD"))
        data.add(DataArray("gd_final_energy", gdFinal.indices.map { Proca2025.ModeFlow(singularValues: tasks[$0]).energy(gdFinal[$0]) },
                           doc: "row r: per-mode energy ½Σr² after GD"))
        let inWindow = exactMin.map { m in m.interior && abs(m.b) <= max(abs(bLo), abs(bHi)) ? m.b : Double.nan }
        data.add(DataArray("minimum_marker_b", inWindow, doc: "row r: |b| of interior exact minima (NaN otherwise), for the path panel"))
        data.add(DataArray("minimum_marker_ac", zip(inWindow, exactMin).map { $0.isNaN ? .nan : $1.ac }, doc: "row r: ac of interior exact minima (NaN otherwise)"))
        series.append(Series("exact minima", x: "minimum_marker_b", y: "minimum_marker_ac", style: .points, group: tasks.count))
        panels.append(Panel(title: "GD paths in (b, ac): full-matrix (solid), mode flow (dashed)", xLabel: "b", yLabel: "ac",
                            content: .lines(series)))

        // Claim: larger s_1 moves the minimum to b ≠ 0 with smaller ac (relative to the feed-forward optimum ac = s_T).
        let order = s1s.indices.sorted { s1s[$0] < s1s[$1] }
        let low = order[0]
        let spacing = (bHi - bLo) / Double(nb - 1)
        var holds = abs(gridMin[low].b) <= spacing + 1e-12 && abs(exactMin[low].b) < 1e-3 && abs(gdFinal[low].b) < 0.1
            && abs(gdFinal[low].u - sT) < 0.01 * sT
        var text = ["s_1 = \(Self.fmt(s1s[low])): grid min (b, ac) = (\(Self.fmt(gridMin[low].b)), \(Self.fmt(gridMin[low].ac))), "
            + "exact (\(Self.fmt(exactMin[low].b)), \(Self.fmt(exactMin[low].ac))), GD (\(Self.fmt(gdFinal[low].b)), \(Self.fmt(gdFinal[low].u)))"]
        for r in order.dropFirst() where s1s[r] > s1s[low] {
            let moved = abs(gridMin[r].b) > 0.5 && gridMin[r].ac < gridMin[low].ac && abs(exactMin[r].b) > 0.5
                && exactMin[r].ac < exactMin[low].ac && abs(gdFinal[r].b) > 0.5 && gdFinal[r].u < gdFinal[low].u
            holds = holds && moved
            text.append("s_1 = \(Self.fmt(s1s[r])): grid min (\(Self.fmt(gridMin[r].b)), \(Self.fmt(gridMin[r].ac))), exact "
                + (exactMin[r].interior ? "(\(Self.fmt(exactMin[r].b)), \(Self.fmt(exactMin[r].ac)))" : "none (|b| → ∞, E → \(Self.fmt(0.5 * sT * sT)))")
                + ", GD (\(Self.fmt(gdFinal[r].b)), \(Self.fmt(gdFinal[r].u)))")
        }
        var checks = [ClaimCheck(claim: "A larger recurrent target s_1 moves the energy minimum from the feed-forward solution (b = 0, ac = s_T) to b ≠ 0 with smaller ac",
                                 holds: holds, evidence: text.joined(separator: "; "))]

        // Claim: the regulariser confines the weights — along ac = const it grows with |b| (≥ its b = 0 value) and
        // the ac minimising the total energy at fixed b shrinks as |b| grows past 1.
        let rows = tasks.indices.map { r in data["regulariser_s1_\(r)"]!.values }
        var confined = true
        for z in rows {
            for i in 0..<na {
                let line = Array(z[(i * nb)..<((i + 1) * nb)])
                let zero = bGrid.indices.min { abs(bGrid[$0]) < abs(bGrid[$1]) }!
                if line.contains(where: { $0 < line[zero] - 1e-12 }) { confined = false }
            }
        }
        let flowMid = Proca2025.ModeFlow(singularValues: tasks[order.last!])
        let uAt = [1.0, 1.5, 2.0, 2.5].map { flowMid.effectiveSingularValue(b: $0) / flowMid.recurrenceGain(b: $0) }
        let shrinking = zip(uAt.dropFirst(), uAt).allSatisfy { $0 < $1 }
        checks.append(ClaimCheck(
            claim: "The regulariser confines the weights: it is smallest at b = 0 for every ac and makes the best ac shrink as |b| grows",
            holds: confined && shrinking,
            evidence: "regulariser ≥ its b = 0 value on every ac row: \(confined); u*(b) = A/B at b = 1, 1.5, 2, 2.5 (s_1 = \(Self.fmt(s1s[order.last!]))): "
                + uAt.map(Self.fmt).joined(separator: ", ")))

        // GD vs the mode flow along the whole path (the theory curve beside the simulation).
        checks.append(ClaimCheck(
            claim: "The full-matrix GD path follows the per-mode gradient flow on this landscape",
            holds: worst < 0.05, evidence: "largest |sim − flow| relative to the largest |flow value| along the path, over b and ac, all rows: \(Self.sci(worst)) (GD step η = \(eta) vs RK4 of the continuous flow: an O(η) lag); final misalignment \(Self.sci(misalignment))"))
        context.progress(1)
        let figure = FigureSpec(title: "Fig. A2 — energy split for Dirac tasks (T = \(T), s_T = \(Self.fmt(sT)))", columns: 3, panels: panels)
        return ExperimentResult(dataset: data, figure: figure, checks: checks, theoryError: worst)
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
