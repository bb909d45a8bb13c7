import Dispatch
import ExperimentKit
import Foundation
import Linalg
import Networks
import Tasks
import Training

// MARK: - Assembling the figure, the dataset and the checks

extension Fig4Layout {
    func assemble(outcomes: [ModeDescentGrid.Outcome], simulations sims: [SimulatedMode]) -> ExperimentResult {
        var data = Dataset()
        var checks: [ClaimCheck] = []
        let nk = kappas.count
        data.add(DataArray("kappa", kappas, doc: "last-step singular value κ = s_T of each colour-coded series"))
        var topPanels: [Panel] = [], bottomPanels: [Panel] = []
        var tally = GapTally(eta: eta)
        var nextSim = 0   // sims follow `simulatedPoints`
        // Per family: mode-ODE grids, full-matrix sub-grid, references.
        var pruned: [PrunedPoint] = []
        var recurrent = (ratio: 0.0, count: 0, at: "none")
        var diracEvidence: [String] = [], diracHolds = true
        // Landau global threshold of the Dirac task at length T: s_1/s_T = β_c², i.e. β = κ β_c² in Fig. 4's units.
        let diracBetaC = Proca2025.LandauAnalysis(length: T, bMax: landauBMax, gridPoints: 8001)
            .criticalPoint(betaRange: 0.05...10)?.criticalBeta ?? .nan
        let diracThreshold = kappas.map { $0 * diracBetaC * diracBetaC }
        for f in Fig4Family.allCases {
            let x = xs[f.rawValue], nx = x.count, sub = subgrid(nx)
            let symbol = f.xSymbol
            data.add(DataArray(f.xName, x, doc: "\(f.name) column: x = \(symbol) grid (mode-ODE points)"))
            data.add(DataArray("\(f.xName)_sim", sub.map { x[$0] }, doc: "\(f.name) column: x = \(symbol) of the full-matrix sub-grid"))
            var b = [[Double]](), ac = [[Double]](), speed = [[Double]](), edge = [[Double]]()
            for j in 0..<nk {
                let o = (0..<nx).map { outcomes[mainOffset[f.rawValue] + j * nx + $0] }
                b.append(o.map(\.mode.b)); ac.append(o.map(\.mode.u)); speed.append(o.map(\.finalSpeed))
                edge.append(o.map { eta * $0.curvature })
            }
            var bSim = [[Double]](repeating: [], count: nk), acSim = bSim
            for i in sub {
                for j in 0..<nk {
                    let sim = sims[nextSim]
                    nextSim += 1
                    bSim[j].append(sim.b); acSim[j].append(sim.ac)
                    tally.add(sim, outcomes[mainOffset[f.rawValue] + j * nx + i], at: "\(f.name) κ = \(Self.format(kappas[j])), \(symbol) = \(Self.format(x[i]))")
                }
            }
            let axes = "[κ, \(symbol)] (rows = kappa, cols = \(f.xName))"
            data.add(DataArray("b_\(f.name)", rows: b, doc: "\(f.name): recurrent mode b after the GD budget, mode ODE \(axes)"))
            data.add(DataArray("ac_\(f.name)", rows: ac, doc: "\(f.name): input–output mode ac after the GD budget, mode ODE \(axes)"))
            data.add(DataArray("final_speed_\(f.name)", rows: speed,
                               doc: "\(f.name): max(|Δb|, |Δac|)/η over the last GD step (≈ 0 when settled) \(axes)"))
            data.add(DataArray("eta_curvature_\(f.name)", rows: edge,
                               doc: "\(f.name): η λ_max of the energy Hessian at the final mode; GD is stable only below 2 \(axes)"))
            data.add(DataArray("b_\(f.name)_sim", rows: bSim,
                               doc: "\(f.name): b of the full-matrix aligned LRNN [κ, \(symbol)_sim]"))
            data.add(DataArray("ac_\(f.name)_sim", rows: acSim,
                               doc: "\(f.name): ac of the full-matrix aligned LRNN [κ, \(symbol)_sim]"))
            var top: [Series] = [], bottom: [Series] = []
            for j in 0..<nk {
                let label = "κ = \(Self.format(kappas[j]))"
                top += [Series(label, x: "\(f.xName)_sim", y: "b_\(f.name)_sim", yRow: j, style: .simulation, group: j),
                        Series("\(label) mode ODE", x: f.xName, y: "b_\(f.name)", yRow: j, style: .theory, group: j)]
                bottom += [Series(label, x: "\(f.xName)_sim", y: "ac_\(f.name)_sim", yRow: j, style: .simulation, group: j),
                           Series("\(label) mode ODE", x: f.xName, y: "ac_\(f.name)", yRow: j, style: .theory, group: j)]
            }
            // References: zero-loss solution of the unmodified family (constant, exponential), Landau threshold (Dirac).
            switch f {
            case .constant, .exponential:
                let opt = x.map { xv -> Proca2025.Optimum? in
                    f == .constant ? SingularValueProfile.constant(delta: xv).zeroLossOptimum(length: T)
                        : (xv > 0 ? SingularValueProfile.exponential(delta: deltaE, lambda: xv).zeroLossOptimum(length: T) : nil)
                }
                data.add(DataArray("b_zero_loss_\(f.name)", opt.map { o in o.map { $0.b <= 2.5 ? $0.b : .nan } ?? .nan },
                                   doc: "\(f.name): zero-loss b* of the unmodified family (reached where κ = δ f(λ, T)); NaN where b* > 2.5 (exponential: 1/λ, off the axes at small λ)"))
                data.add(DataArray("ac_zero_loss_\(f.name)", opt.map { $0?.ac ?? .nan },
                                   doc: "\(f.name): zero-loss ac* of the unmodified family"))
                top.append(Series("zero-loss b*", x: f.xName, y: "b_zero_loss_\(f.name)", style: .reference, group: nk))
                bottom.append(Series("zero-loss ac*", x: f.xName, y: "ac_zero_loss_\(f.name)", style: .reference, group: nk))
            case .dirac:
                data.add(DataArray("dirac_landau_threshold", diracThreshold,
                                   doc: "Dirac: Landau global threshold β = κ β_c² per κ (s_1/s_T = β_c², |b| ≤ landau_b_max)"))
                let bTop = max(1.0, b.flatMap { $0 }.filter(\.isFinite).max() ?? 1), acTop = max(kappas.max()!, 1)
                for j in 0..<nk {
                    let xc = diracThreshold[j]
                    data.add(DataArray("dirac_threshold_x_\(j)", [xc, xc], doc: "Dirac: x of the Landau threshold line for κ index \(j)"))
                    top.append(Series("Landau threshold", x: "dirac_threshold_x_\(j)", y: "dirac_threshold_b_line", style: .reference, group: j))
                    bottom.append(Series("Landau threshold", x: "dirac_threshold_x_\(j)", y: "dirac_threshold_ac_line", style: .reference, group: j))
                }
                data.add(DataArray("dirac_threshold_b_line", [0, bTop], doc: "Dirac: y extent of the threshold lines (b panel)"))
                data.add(DataArray("dirac_threshold_ac_line", [0, acTop], doc: "Dirac: y extent of the threshold lines (ac panel)"))
            }
            topPanels.append(Panel(title: "\(f.name): b", xLabel: symbol, yLabel: "b", content: .lines(top)))
            bottomPanels.append(Panel(title: "\(f.name): ac", xLabel: symbol, yLabel: "ac", content: .lines(bottom)))

            // Claim inputs.
            for j in 0..<nk {
                let kappa = kappas[j]
                for i in 0..<nx {
                    let s = Self.singularValues(f, x: x[i], kappa: kappa, T: T, deltaE: deltaE)
                    let recurrentPart = s.dropLast().map(abs).max() ?? 0
                    if recurrentPart <= prunedRatio * kappa {
                        pruned.append(PrunedPoint(label: "\(f.name) κ = \(Self.format(kappa)), \(symbol) = \(Self.format(x[i]))",
                                                  signal: recurrentPart, kappa: kappa, b: b[j][i], ac: ac[j][i]))
                    }
                    if f != .dirac, s[T - 2] >= kappa, let opt = (f == .constant
                        ? SingularValueProfile.constant(delta: x[i]).zeroLossOptimum(length: T)
                        : SingularValueProfile.exponential(delta: deltaE, lambda: x[i]).zeroLossOptimum(length: T)) {
                        let toOptimum = hypot(b[j][i] - opt.b, ac[j][i] - opt.ac), toPruned = hypot(b[j][i], ac[j][i] - kappa)
                        recurrent.count += 1
                        if !(toOptimum / toPruned <= recurrent.ratio) {
                            recurrent.ratio = toOptimum / toPruned
                            recurrent.at = "\(f.name) κ = \(Self.format(kappa)), \(symbol) = \(Self.format(x[i])): (b, ac) = (\(Self.format(b[j][i])), \(Self.format(ac[j][i]))) vs zero-loss (\(Self.format(opt.b)), \(Self.format(opt.ac)))"
                        }
                    }
                }
                if f == .dirac {
                    let (ok, text) = Self.diracPhases(betas: x, b: b[j], ac: ac[j], etaCurvature: edge[j], kappa: kappa,
                                                     threshold: diracThreshold[j])
                    diracHolds = diracHolds && ok
                    diracEvidence.append("κ = \(Self.format(kappa)): \(text)")
                }
            }
        }
        checks.append(Self.prunedCheck(pruned, ratio: prunedRatio))
        checks.append(ClaimCheck(
            claim: "Above threshold (s_{T−1} ≥ κ) constant and exponential modes take the recurrent solution: (b, ac) is closer to the zero-loss (b*, ac*) than to the pruned (0, κ)",
            holds: recurrent.count > 0 && recurrent.ratio < 1,
            evidence: "\(recurrent.count) points; largest distance ratio (to zero-loss)/(to pruned) = \(Self.format(recurrent.ratio)) at \(recurrent.at)"))
        checks.append(ClaimCheck(
            claim: "Dirac family: pruned (b ≤ 0.25, ac within 5 % of κ) for β ≤ κ/2, recurrent with b > 1 and ac dropped below κ/4 for β ≥ 3κ",
            holds: diracHolds, evidence: diracEvidence.joined(separator: "; ")))

        // Zero-loss crossings.
        var zlWorst = 0.0
        var zlText: [String] = []
        for (k, z) in zeroLoss.enumerated() {
            let m = outcomes[zeroLossOffset + k].mode
            let err = max(abs(m.b - z.optimum.b) / max(1, abs(z.optimum.b)), abs(m.u - z.optimum.ac) / max(1, abs(z.optimum.ac)))
            zlWorst = max(zlWorst, err)
            zlText.append("\(z.family.name) κ = \(Self.format(kappas[z.kappa])) at \(z.family.xSymbol) = \(Self.format(z.x)): (b, ac) = (\(Self.format(m.b)), \(Self.format(m.u))) vs (\(Self.format(z.optimum.b)), \(Self.format(z.optimum.ac)))")
        }
        data.add(DataArray("zero_loss_x", zeroLoss.map(\.x), doc: "x where κ = δ f(λ, T) (constant: δ = κ; exponential: λ = (κ/δ_e)^{1/T}), one per listed crossing"))
        data.add(DataArray("zero_loss_family", zeroLoss.map { Double($0.family.rawValue) }, doc: "family of each crossing (0 constant, 1 exponential)"))
        data.add(DataArray("zero_loss_kappa", zeroLoss.map { kappas[$0.kappa] }, doc: "κ of each crossing"))
        data.add(DataArray("zero_loss_b", zeroLoss.indices.map { outcomes[zeroLossOffset + $0].mode.b }, doc: "mode-ODE b at each crossing"))
        data.add(DataArray("zero_loss_ac", zeroLoss.indices.map { outcomes[zeroLossOffset + $0].mode.u }, doc: "mode-ODE ac at each crossing"))
        checks.append(ClaimCheck(
            claim: "Where κ = δ f(λ, T) the modified task is the family itself and GD reaches its zero-loss solution, the dotted line (within 1 %)",
            holds: !zeroLoss.isEmpty && zlWorst <= 1e-2,
            evidence: "largest relative error \(Self.format(zlWorst)): " + zlText.joined(separator: "; ")))

        // Sharpening with T.
        let nd = sharpDeltas.count, subD = subgrid(nd)
        data.add(DataArray("sharpness_delta", sharpDeltas, doc: "sharpness panel: δ grid (constant family, κ = sharpness_kappa)"))
        data.add(DataArray("sharpness_delta_sim", subD.map { sharpDeltas[$0] }, doc: "sharpness panel: δ of the full-matrix modes"))
        data.add(DataArray("sharpness_T", sharpLengths.map(Double.init), doc: "sharpness panel: sequence lengths T"))
        var sharpB = [[Double]](), sharpSim = [[Double]](), widths: [Double] = []
        var sharpSeries: [Series] = []
        for (m, L) in sharpLengths.enumerated() {
            let bs = (0..<nd).map { outcomes[sharpOffset + m * nd + $0].mode.b }
            sharpB.append(bs)
            let net = Array(sims[nextSim..<(nextSim + subD.count)])
            nextSim += subD.count
            sharpSim.append(net.map(\.b))
            for (si, i) in subD.enumerated() { tally.add(net[si], outcomes[sharpOffset + m * nd + i], at: "sharpness T = \(L), δ = \(Self.format(sharpDeltas[i]))") }
            let lo = Self.crossing(sharpDeltas, bs, level: 0.2), hi = Self.crossing(sharpDeltas, bs, level: 0.8)
            widths.append(hi - lo)
            sharpSeries += [Series("T = \(L)", x: "sharpness_delta_sim", y: "b_sharpness_sim", yRow: m, style: .simulation, group: m),
                            Series("T = \(L) mode ODE", x: "sharpness_delta", y: "b_sharpness", yRow: m, style: .theory, group: m)]
        }
        data.add(DataArray("b_sharpness", rows: sharpB, doc: "sharpness panel: mode-ODE b after the budget [T, δ]"))
        data.add(DataArray("b_sharpness_sim", rows: sharpSim, doc: "sharpness panel: full-matrix b [T, δ_sim]"))
        data.add(DataArray("sharpness_width", widths, doc: "transition width per T: δ where b crosses 0.8 minus δ where it crosses 0.2"))
        data.add(DataArray("sharpness_one_line", sharpDeltas.map { _ in 1 }, doc: "b* = 1 of the constant family"))
        sharpSeries.append(Series("zero-loss b* = 1", x: "sharpness_delta", y: "sharpness_one_line", style: .reference, group: sharpLengths.count))
        let sharpens = widths.allSatisfy(\.isFinite) && zip(widths, widths.dropFirst()).allSatisfy { $0 > $1 }
        checks.append(ClaimCheck(
            claim: "The transition sharpens with T (constant family, κ = \(Self.format(sharpKappa))): the δ-width over which b goes from 0.2 to 0.8 shrinks",
            holds: sharpens,
            evidence: zip(sharpLengths, widths).map { "T = \($0): width \(Self.format($1))" }.joined(separator: ", ")))

        // Landau panels.
        let nb = landauBetas.count, subB = subgrid(nb)
        data.add(DataArray("landau_beta", landauBetas, doc: "Landau panels: β, with s_1 = β and s_T = 1/β"))
        data.add(DataArray("landau_beta_sim", subB.map { landauBetas[$0] }, doc: "Landau panels: β of the full-matrix modes"))
        var landauPanels: [Panel] = []
        for (m, L) in Self.landauLengths.enumerated() {
            let o = (0..<nb).map { outcomes[landauOffset + m * nb + $0] }
            let bs = o.map(\.mode.b), us = o.map(\.mode.u)
            let net = Array(sims[nextSim..<(nextSim + subB.count)])
            nextSim += subB.count
            for (si, i) in subB.enumerated() { tally.add(net[si], o[i], at: "Landau T = \(L), β = \(Self.format(landauBetas[i]))") }
            let analysis = Proca2025.LandauAnalysis(length: L, bMax: landauBMax, gridPoints: 8001)
            let minima = landauBetas.map { analysis.globalMinimum(beta: $0) }
            let transition = analysis.criticalPoint(betaRange: 0.05...10)
            let betaC = transition?.criticalBeta ?? .nan
            data.add(DataArray("b_landau_T\(L)", bs, doc: "T = \(L): mode-ODE GD b after the budget per β"))
            data.add(DataArray("ac_landau_T\(L)", us, doc: "T = \(L): mode-ODE GD ac per β"))
            data.add(DataArray("b_landau_T\(L)_sim", net.map(\.b), doc: "T = \(L): full-matrix b per β_sim"))
            data.add(DataArray("ac_landau_T\(L)_sim", net.map(\.ac), doc: "T = \(L): full-matrix ac per β_sim"))
            data.add(DataArray("b_landau_theory_T\(L)", minima.map { L % 2 == 1 ? abs($0.b) : $0.b },
                               doc: "T = \(L): Landau global minimum b* of E*(b) over |b| ≤ landau_b_max (the bound itself on a runaway branch; odd T: E* is even in b, the b > 0 branch is shown)"))
            data.add(DataArray("u_landau_theory_T\(L)", minima.map(\.u), doc: "T = \(L): Landau u*(b*) (trivial branch u = 1/β)"))
            data.add(DataArray("landau_beta_c_T\(L)", [betaC, betaC], doc: "T = \(L): Landau critical β_c (both entries; x of the dotted line)"))
            let top = max(2.5, bs.filter(\.isFinite).max() ?? 1)
            data.add(DataArray("landau_line_T\(L)", [0, top], doc: "T = \(L): y extent of the β_c line"))
            var series = [Series("b (full matrix)", x: "landau_beta_sim", y: "b_landau_T\(L)_sim", style: .simulation, group: 0),
                          Series("mode ODE GD", x: "landau_beta", y: "b_landau_T\(L)", style: .theory, group: 0),
                          Series("ac (full matrix)", x: "landau_beta_sim", y: "ac_landau_T\(L)_sim", style: .simulation, group: 1),
                          Series("mode ODE GD", x: "landau_beta", y: "ac_landau_T\(L)", style: .theory, group: 1),
                          Series("Landau u*", x: "landau_beta", y: "u_landau_theory_T\(L)", style: .theory, group: 2),
                          Series("β_c", x: "landau_beta_c_T\(L)", y: "landau_line_T\(L)", style: .reference, group: 3)]
            if L == 3 { series.insert(Series("Landau b*", x: "landau_beta", y: "b_landau_theory_T\(L)", style: .theory, group: 4), at: 4) }
            landauPanels.append(Panel(title: "Dirac, Landau parameterisation, T = \(L)", xLabel: "β (s_1 = β, s_T = 1/β)",
                                      yLabel: "b, ac", content: .lines(series)))
            checks.append(L == 3 ? Self.continuousCheck(betas: landauBetas, b: bs, speeds: o.map(\.finalSpeed), minima: minima,
                                                        transition: transition, flowTime: eta * Double(steps))
                                 : Self.jumpCheck(betas: landauBetas, b: bs, us: us, transition: transition, initial: landauInitial))
        }

        checks.append(ClaimCheck(
            claim: "Full-matrix aligned LRNNs trained by GD land on the mode-ODE GD result (relative gap ≤ 10⁻⁶) at every simulated grid point that stays aligned, below GD's stability edge and away from a threshold (at least 3/4 of them)",
            holds: tally.compared > 0 && tally.worst <= 1e-6 && tally.compared >= 3 * (tally.atEdge + tally.illConditioned + tally.unaligned),
            evidence: "largest relative gap in b or ac over \(tally.compared) simulated modes: \(Self.format(tally.worst)) (\(tally.worstAt)); left out: \(tally.illConditioned) threshold-adjacent modes (endpoint condition > \(Self.format(GapTally.maxCondition)): a 10⁻⁹ change of the init moves it by more than 10⁻⁵, so round-off decides when the mode leaves its plateau); \(tally.atEdge) at GD's stability edge (η λ_max ≥ 1); \(tally.unaligned) whose network left the aligned manifold (off-diagonal coupling > 10⁻⁶: the manifold is invariant under GD but need not be stable)\(tally.unalignedAt.isEmpty ? "" : ": " + tally.unalignedAt.prefix(4).joined(separator: ", "))",
            kind: .selfConsistency))

        let figure = FigureSpec(
            title: "Fig. 4 — feed-forward vs recurrent phase transition (T = \(T), init \(Self.format(initial)), η = \(Self.format(eta)), \(steps) steps)",
            columns: 3,
            panels: topPanels + bottomPanels + [Panel(title: "sharpening with T (constant, κ = \(Self.format(sharpKappa)))", xLabel: "δ",
                                                      yLabel: "b", content: .lines(sharpSeries))] + landauPanels)
        return ExperimentResult(dataset: data, figure: figure, checks: checks, theoryError: tally.worst)
    }
}
