import ExperimentKit
import Foundation
import Linalg
import Tasks
import Theory

/// Fig. A2's parameters, read with their declared ranges and checked.
struct FigA2Settings {
    let path: String
    let T: Int, s1s: [Double], sT: Double
    let bLo: Double, bHi: Double, acLo: Double, acHi: Double, nb: Int, na: Int
    let initial: Double, eta: Double, steps: Int, every: Int, searchMax: Double

    /// Reads every declared parameter of `ProcaFigA2` from `p` and finishes it.
    init(_ p: ConfigReader) throws {
        typealias F = ProcaFigA2
        path = p.path
        T = try p.read(F.T)
        s1s = try p.read(F.s1Values)
        sT = try p.read(F.sT)
        bLo = try p.read(F.bMin); bHi = try p.read(F.bMax)
        acLo = try p.read(F.acMin); acHi = try p.read(F.acMax)
        nb = try p.read(F.bPoints); na = try p.read(F.acPoints)
        initial = try p.read(F.initialMode)
        eta = try p.read(F.learningRate)
        steps = try p.read(F.steps)
        every = try p.read(F.recordEvery)
        searchMax = try p.read(F.minimumSearchBMax)
        try p.finish()
        guard bLo < bHi, acLo < acHi else { throw ConfigError(key: "\(p.path).b_min", "need b_min < b_max and ac_min < ac_max") }
        guard !s1s.isEmpty, s1s.allSatisfy({ $0 >= 0 && $0 <= 10 }) else {
            throw ConfigError(key: "\(p.path).s1_values", "needs at least one value, each in [0, 10]")
        }
    }
}

/// The theory stage of Fig. A2: the (b, ac) grid, the Dirac tasks, and each row's grid and exact energy minima.
struct FigA2Landscape {
    let bGrid: [Double], acGrid: [Double]
    let tasks: [[Double]]
    let gridMin: [(b: Double, ac: Double)]
    let exactMin: [(b: Double, ac: Double, e: Double, interior: Bool)]
}

/// The simulation stage of Fig. A2: final GD modes, path series and the largest GD–flow gap.
struct FigA2Simulation {
    var series: [Series] = []
    var worst = 0.0, misalignment = 0.0
    var gdFinal: [Proca2025.Mode] = []
    var recordSteps: [Int] = []
}

extension ProcaFigA2 {
    // MARK: theory: the energy landscape

    /// The data term, regulariser and total energy on the (b, ac) grid for every row (heatmaps), with their minima.
    static func landscape(_ s: FigA2Settings, data: inout Dataset, panels: inout [Panel]) -> FigA2Landscape {
        let (bLo, bHi, acLo, acHi, nb, na, s1s) = (s.bLo, s.bHi, s.acLo, s.acHi, s.nb, s.na, s.s1s)
        let bGrid = (0..<nb).map { bLo + (bHi - bLo) * Double($0) / Double(nb - 1) }
        let acGrid = (0..<na).map { acLo + (acHi - acLo) * Double($0) / Double(na - 1) }
        data.add(DataArray("b", bGrid, doc: "heatmap x ticks: recurrent mode b"))
        data.add(DataArray("ac", acGrid, doc: "heatmap y ticks: input–output mode ac"))
        data.add(DataArray("s1", s1s, doc: "row r: the Dirac task's first singular value s_1 (s_T = parameter s_T, zero in between)"))

        let tasks = s1s.map { SingularValueProfile.twoDirac(beta: $0, kappa: s.sT).singularValues(length: s.T) }
        var gridMin: [(b: Double, ac: Double)] = [], exactMin: [(b: Double, ac: Double, e: Double, interior: Bool)] = []
        for (r, sv) in tasks.enumerated() {
            let flow = Proca2025.ModeFlow(singularValues: sv)
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
            exactMin.append(Self.exactMinimum(flow, bMax: s.searchMax))
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
        return FigA2Landscape(bGrid: bGrid, acGrid: acGrid, tasks: tasks, gridMin: gridMin, exactMin: exactMin)
    }

    // MARK: simulate

    /// One full-matrix network per row with one hidden unit (N_x = N_y = 2), with the RK4 mode-flow path beside it.
    /// With spare or shared hidden units the aligned solution of a Dirac task is a saddle (see `MultiModeTraining`).
    static func simulate(_ s: FigA2Settings, tasks: [[Double]], context: RunContext, data: inout Dataset) throws -> FigA2Simulation {
        let s1s = s.s1s, eta = s.eta, initial = s.initial
        var out = FigA2Simulation()
        for r in tasks.indices {
            let run = try MultiModeTraining(singularValues: [tasks[r]], initial: [.uniform(initial)], learningRate: eta,
                                            steps: s.steps, schedule: .every(s.every), width: 2, hidden: 1, streams: context.streams.child("task-\(r)"))
            if let d = run.divergence { throw d.error(stage: "the s_1 = \(s1s[r]) network", key: "learning_rate", value: eta) }
            out.recordSteps = run.steps
            out.misalignment = max(out.misalignment, run.misalignment)
            let flow = Proca2025.ModeFlow(singularValues: tasks[r])
            let states = FixedStepIntegrator(.rk4, stepSize: eta)
                .solve(flow, initial: Proca2025.Mode.uniform(initial).state, outputTimes: run.time).states
            let bSim = run.bTrajectory(0), acSim = run.acTrajectory(0)
            let bTh = states.map { $0[1] }, acTh = states.map { $0[0] * $0[2] }
            out.gdFinal.append(run.finalMode(0))
            // Gaps relative to the largest value along the flow path (ac first rises to ≈ s_T, then shrinks).
            let bScale = max(bTh.map(abs).max()!, 1e-3), acScale = max(acTh.map(abs).max()!, 1e-3)
            for (x, y) in zip(bSim, bTh) { out.worst = max(out.worst, abs(x - y) / bScale) }
            for (x, y) in zip(acSim, acTh) { out.worst = max(out.worst, abs(x - y) / acScale) }
            data.add(DataArray("path_b_sim_\(r)", bSim, doc: "s_1 = \(s1s[r]): b along GD of the full-matrix LRNN (records)"))
            data.add(DataArray("path_ac_sim_\(r)", acSim, doc: "s_1 = \(s1s[r]): ac along GD of the full-matrix LRNN (records)"))
            data.add(DataArray("path_b_flow_\(r)", bTh, doc: "s_1 = \(s1s[r]): b along the mode flow (RK4, step η) at the same flow times"))
            data.add(DataArray("path_ac_flow_\(r)", acTh, doc: "s_1 = \(s1s[r]): ac along the mode flow"))
            out.series += [Series("GD path s_1=\(Self.fmt(s1s[r]))", x: "path_b_sim_\(r)", y: "path_ac_sim_\(r)", style: .simulation, group: r),
                           Series("flow", x: "path_b_flow_\(r)", y: "path_ac_flow_\(r)", style: .theory, group: r)]
            context.progress(0.3 + 0.5 * Double(r + 1) / Double(tasks.count))
        }
        return out
    }

    // MARK: assemble

    /// The minima of every row (grid, exact, GD) and the path panel.
    static func recordMinima(_ s: FigA2Settings, landscape l: FigA2Landscape, sim: FigA2Simulation,
                             data: inout Dataset, panels: inout [Panel]) {
        let gridMin = l.gridMin, exactMin = l.exactMin, gdFinal = sim.gdFinal, tasks = l.tasks
        data.add(DataArray("step", sim.recordSteps.map(Double.init), doc: "GD step of each path record"))
        data.add(DataArray("grid_min_b", gridMin.map(\.b), doc: "row r: b of the smallest total energy on the heatmap grid"))
        data.add(DataArray("grid_min_ac", gridMin.map(\.ac), doc: "row r: ac of the smallest total energy on the heatmap grid"))
        data.add(DataArray("exact_min_b", exactMin.map(\.b), doc: "row r: |b| minimising E*(b) over |b| ≤ minimum_search_b_max (the bound itself when the infimum is at |b| → ∞)"))
        data.add(DataArray("exact_min_ac", exactMin.map(\.ac), doc: "row r: u*(b) = A/B at exact_min_b"))
        data.add(DataArray("exact_min_interior", exactMin.map { $0.interior ? 1 : 0 }, doc: "row r: 1 when the minimum is interior (a true minimum), 0 when it is the search bound"))
        data.add(DataArray("gd_final_b", gdFinal.map(\.b), doc: "row r: b after GD (full-matrix aligned LRNN)"))
        data.add(DataArray("gd_final_ac", gdFinal.map(\.u), doc: "row r: ac after GD"))
        data.add(DataArray("gd_final_energy", gdFinal.indices.map { Proca2025.ModeFlow(singularValues: tasks[$0]).energy(gdFinal[$0]) },
                           doc: "row r: per-mode energy ½Σr² after GD"))
        let inWindow = exactMin.map { m in m.interior && abs(m.b) <= max(abs(s.bLo), abs(s.bHi)) ? m.b : Double.nan }
        data.add(DataArray("minimum_marker_b", inWindow, doc: "row r: |b| of interior exact minima (NaN otherwise), for the path panel"))
        data.add(DataArray("minimum_marker_ac", zip(inWindow, exactMin).map { $0.isNaN ? .nan : $1.ac }, doc: "row r: ac of interior exact minima (NaN otherwise)"))
        let series = sim.series + [Series("exact minima", x: "minimum_marker_b", y: "minimum_marker_ac", style: .points, group: tasks.count)]
        panels.append(Panel(title: "GD paths in (b, ac): full-matrix (solid), mode flow (dashed)", xLabel: "b", yLabel: "ac",
                            content: .lines(series)))
    }

    // MARK: checks

    /// The minimum moves to b ≠ 0 with larger s_1; the regulariser confines the weights; GD follows the mode flow.
    static func checks(_ s: FigA2Settings, landscape l: FigA2Landscape, sim: FigA2Simulation, data: Dataset) -> [ClaimCheck] {
        let s1s = s.s1s, sT = s.sT, nb = s.nb, bGrid = l.bGrid, tasks = l.tasks
        let gridMin = l.gridMin, exactMin = l.exactMin, gdFinal = sim.gdFinal
        // Claim: larger s_1 moves the minimum to b ≠ 0 with smaller ac (relative to the feed-forward optimum ac = s_T).
        let order = s1s.indices.sorted { s1s[$0] < s1s[$1] }
        let low = order[0]
        let spacing = (s.bHi - s.bLo) / Double(nb - 1)
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

        checks.append(Self.confinementCheck(s1s: s1s, bGrid: bGrid, acGrid: l.acGrid,
                                            dataTerm: tasks.indices.map { data["data_s1_\($0)"]!.values },
                                            total: tasks.indices.map { data["total_s1_\($0)"]!.values }))

        // GD vs the mode flow along the whole path (the theory curve beside the simulation).
        checks.append(ClaimCheck(
            claim: "The full-matrix GD path follows the per-mode gradient flow on this landscape",
            holds: sim.worst < 0.05, evidence: "largest |sim − flow| relative to the largest |flow value| along the path, over b and ac, all rows: \(Self.sci(sim.worst)) (GD step η = \(s.eta) vs RK4 of the continuous flow: an O(η) lag); final misalignment \(Self.sci(sim.misalignment))",
            kind: .selfConsistency))
        return checks
    }

    /// "The regulariser confines the weights and makes the best ac shrink as |b| grows", read off the heatmaps
    /// (`dataTerm[r]`, `total[r]`: row r's energies on the grid, ac-major `[ac index · bGrid.count + b index]`):
    /// on every row the data term alone is smallest on the window's ac edge (it is linear in ac, so without the
    /// regulariser ac would run off), while the total energy is smallest at an interior ac; and along every b ≥ 1
    /// column the ac of the smallest total energy never rises with b and ends lower than at the first such column.
    static func confinementCheck(s1s: [Double], bGrid: [Double], acGrid: [Double], dataTerm: [[Double]], total: [[Double]]) -> ClaimCheck {
        let nb = bGrid.count, na = acGrid.count
        func argmin(_ z: [Double]) -> (ac: Int, b: Int) {
            let k = z.indices.min { z[$0] < z[$1] }!
            return (k / nb, k % nb)
        }
        let columns = bGrid.indices.filter { bGrid[$0] >= 1 }.sorted { bGrid[$0] < bGrid[$1] }
        var holds = columns.count >= 2 && na >= 3, parts: [String] = []
        for r in total.indices {
            let d = argmin(dataTerm[r]), t = argmin(total[r])
            let dataOnEdge = d.ac == 0 || d.ac == na - 1, totalInside = t.ac > 0 && t.ac < na - 1
            let best = columns.map { j in acGrid[(0..<na).min { total[r][$0 * nb + j] < total[r][$1 * nb + j] }!] }
            let shrinks = zip(best, best.dropFirst()).allSatisfy { $1 <= $0 } && (best.last ?? 0) < (best.first ?? 0)
            holds = holds && dataOnEdge && totalInside && shrinks
            parts.append("s_1 = \(fmt(s1s[r])): data term smallest at ac = \(fmt(acGrid[d.ac])) (window edge: \(dataOnEdge)), total at ac = \(fmt(acGrid[t.ac])) "
                         + "(interior: \(totalInside)); best ac at b = \(fmt(bGrid[columns.first ?? 0]))…\(fmt(bGrid[columns.last ?? 0])): "
                         + "\(best.first.map(fmt) ?? "—") → \(best.last.map(fmt) ?? "—") (never rising: \(shrinks))")
        }
        return ClaimCheck(
            claim: "The regulariser confines the weights: the data term alone runs to the edge of the ac window, the total energy has an interior minimum in ac, and the best ac shrinks as b grows past 1",
            holds: holds, evidence: parts.joined(separator: "; "))
    }
}
