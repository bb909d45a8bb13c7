import ExperimentKit
import FigureData
import Linalg

/// The arrays and panels of one group of a degeneracy study (keys prefixed `<group>_`), shared by the figures.
///
/// Per level (1-D, one entry per condition): `level`, `trained`, `converged`, `dsa_mean`, `dsa_se` (s.e. over pairs),
/// `dsa_null_mean`, `dsa_null_se`, `pif_mean`, `pif_se`, `ood_sigma`, `ood_mean`, `weight_change_mean`,
/// `weight_change_se`, `kernel_alignment_mean`, `kernel_alignment_se`, `stopped_threshold`, `stopped_max_steps`,
/// `stopped_diverged`. Per trained network (level-major, seed-minor): `net_level`, `net_seed`, `net_converged`
/// (0/1), `net_steps`, `net_eval_mse`, `net_ood_mse`, `net_weight_change`, `net_weight_change_total`,
/// `net_weight_change_relative`, `net_kernel_alignment`. Per level k (converged networks only): `dsa_L<k>` and
/// `pif_L<k>` [m, m], `dsa_null_L<k>` [m], `seed_L<k>` [m] (their seeds), `wh_L<k>` [m, n, n] (final W_h, J/N for µP networks; row-major),
/// `mds_L<k>_x`, `mds_L<k>_y` [m].
struct DegeneracyDataset {
    /// Adds the group's arrays to `data`.
    static func add(_ group: String, knob: String, _ summaries: [ConditionSummary], to data: inout Dataset) {
        func key(_ s: String) -> String { "\(group)_\(s)" }
        func level(_ name: String, _ values: [Double], _ doc: String) { data.add(DataArray(key(name), values, doc: "per level: \(doc)")) }
        level("level", summaries.map(\.condition.level), "the knob (\(knob))")
        level("trained", summaries.map { Double($0.runs.count) }, "networks trained")
        level("converged", summaries.map { Double($0.convergedIndices.count) }, "networks that met the stopping rule (threshold + patience)")
        for reason in ["threshold", "max_steps", "diverged"] {
            level("stopped_\(reason)", summaries.map { s in Double(s.runs.filter { $0.stopReason == reason }.count) },
                  "networks whose training stopped by \(reason)")
        }
        func meanAndSE(_ name: String, _ stat: (ConditionSummary) -> (mean: Double, se: Double), _ doc: String, over: String) {
            level("\(name)_mean", summaries.map { stat($0).mean }, doc)
            level("\(name)_se", summaries.map { stat($0).se }, "s.e. of that mean over \(over)")
        }
        meanAndSE("dsa", \.dsaMean, "mean pairwise DSA over converged networks", over: "pairs")
        meanAndSE("dsa_null", \.nullMean, "mean DSA of a network against itself on fresh probe trials", over: "networks")
        meanAndSE("pif", \.pifMean, "mean pairwise PIF distance of W_h divided by n²", over: "pairs")
        level("ood_sigma", summaries.map(\.ood.sigma), "σ_OOD, population s.d. of the converged networks' OOD MSE")
        level("ood_mean", summaries.map(\.ood.mean), "mean OOD MSE of the converged networks")
        meanAndSE("weight_change", \.weightChange, "mean ‖W_h,T − W_h,0‖_F", over: "networks")
        meanAndSE("kernel_alignment", \.kernelAlignment, "mean NTK alignment KA(K_T, K_0)", over: "networks")

        let runs = summaries.flatMap { s in s.runs.map { (s.condition.level, $0) } }
        func net(_ name: String, _ doc: String, _ f: (DegeneracyRun) -> Double) {
            data.add(DataArray(key("net_\(name)"), runs.map { f($0.1) }, doc: "per trained network (level-major): \(doc)"))
        }
        data.add(DataArray(key("net_level"), runs.map(\.0), doc: "per trained network (level-major): its level"))
        net("seed", "seed index in its condition") { Double($0.seed) }
        net("converged", "1 if it met the stopping rule") { $0.converged ? 1 : 0 }
        net("steps", "optimizer steps taken") { Double($0.steps) }
        net("eval_mse", "masked MSE on fresh evaluation trials") { $0.evalMSE }
        net("ood_mse", "masked MSE on the OOD task (doubled T, doubled delay for discrimination)") { $0.oodMSE }
        net("weight_change", "‖W_h,T − W_h,0‖_F") { $0.weightChange }
        net("weight_change_total", "weight change over all blocks") { $0.weightChangeTotal }
        net("weight_change_relative", "‖ΔW_h‖_F / ‖W_h,0‖_F") { $0.weightChangeRelative }
        net("kernel_alignment", "KA(K_T, K_0) on the kernel probe trials") { $0.kernelAlignment }

        for (k, s) in summaries.enumerated() {
            let m = s.convergedIndices.count
            data.add(DataArray(key("dsa_L\(k)"), shape: [m, m], values: s.dsa.storage, doc: "level \(k): pairwise DSA between converged networks"))
            data.add(DataArray(key("pif_L\(k)"), shape: [m, m], values: s.pif.storage, doc: "level \(k): pairwise PIF / n² of W_h"))
            data.add(DataArray(key("dsa_null_L\(k)"), s.nullDSA, doc: "level \(k): DSA of each converged network against itself on fresh trials"))
            data.add(DataArray(key("seed_L\(k)"), s.convergedRuns.map { Double($0.seed) }, doc: "level \(k): seeds of the converged networks"))
            let n = s.condition.training.width
            data.add(DataArray(key("wh_L\(k)"), shape: [m, n, n],
                               values: s.convergedRuns.flatMap { w in (0..<n).flatMap { i in (0..<n).map { w.recurrent[i, $0] } } },
                               doc: "level \(k): final W_h of the converged networks (J/N for µP networks) [network, row, column]"))
            let x = (0..<m).map { s.mds[$0, 0] }
            let y = (0..<m).map { s.mds.cols > 1 ? s.mds[$0, 1] : 0 }
            data.add(DataArray(key("mds_L\(k)_x"), x, doc: "level \(k): first classical-MDS coordinate of the DSA matrix"))
            data.add(DataArray(key("mds_L\(k)_y"), y, doc: "level \(k): second MDS coordinate (0 with fewer than 2 networks)"))
        }
    }

    /// Fig. 3A–D panels of the group: MDS of DSA per level, DSA (with the null), PIF and σ_OOD against the knob.
    static func degeneracyPanels(_ group: String, title: String, knob: String, _ summaries: [ConditionSummary]) -> [Panel] {
        let x = "\(group)_level"
        let mds = summaries.enumerated().filter { !$0.element.convergedIndices.isEmpty }.map { k, s in
            Series("\(knob) \(Huang2025.label(s.condition.level))", x: "\(group)_mds_L\(k)_x", y: "\(group)_mds_L\(k)_y",
                   style: .points, group: k)
        }
        return [
            Panel(title: "\(title): MDS of pairwise DSA", xLabel: "MDS 1", yLabel: "MDS 2", content: .lines(mds)),
            Panel(title: "\(title): dynamics", xLabel: knob, yLabel: "mean pairwise DSA",
                  content: .lines([Series("between seeds", x: x, y: "\(group)_dsa_mean", style: .simulation, group: 0, band: "\(group)_dsa_se"),
                                   Series("null (self, fresh trials)", x: x, y: "\(group)_dsa_null_mean", style: .reference, group: 1)])),
            Panel(title: "\(title): weights", xLabel: knob, yLabel: "mean pairwise PIF / n²",
                  content: .lines([Series("W_h", x: x, y: "\(group)_pif_mean", style: .simulation, group: 2, band: "\(group)_pif_se")])),
            Panel(title: "\(title): behaviour", xLabel: knob, yLabel: "σ_OOD",
                  content: .lines([Series("σ of OOD MSE", x: x, y: "\(group)_ood_sigma", style: .simulation, group: 3)])),
        ]
    }

    /// Fig. 5 panels of the group: weight change and kernel alignment against the knob.
    static func featureLearningPanels(_ group: String, title: String, knob: String) -> [Panel] {
        let x = "\(group)_level"
        return [
            Panel(title: "\(title): weight change", xLabel: knob, yLabel: "‖W_h,T − W_h,0‖_F",
                  content: .lines([Series("mean", x: x, y: "\(group)_weight_change_mean", style: .simulation, group: 4,
                                          band: "\(group)_weight_change_se")])),
            Panel(title: "\(title): kernel alignment", xLabel: knob, yLabel: "KA(K_T, K_0)",
                  content: .lines([Series("mean", x: x, y: "\(group)_kernel_alignment_mean", style: .simulation, group: 5,
                                          band: "\(group)_kernel_alignment_se")])),
        ]
    }

    /// The mean OOD loss against the knob (Fig. 6: it rises with γ).
    static func oodMeanPanel(_ group: String, title: String, knob: String) -> Panel {
        Panel(title: "\(title): mean OOD loss", xLabel: knob, yLabel: "mean OOD MSE",
              content: .lines([Series("mean", x: "\(group)_level", y: "\(group)_ood_mean", style: .simulation, group: 6)]))
    }
}
