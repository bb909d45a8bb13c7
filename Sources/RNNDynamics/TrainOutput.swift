import DataIO
import FigureData
import Foundation
import Report

/// The run directory of `rnndyn train`, written by the shared `RunDirectoryWriter`: `results.npz`, `DATA.md`,
/// `figure.json`, `figures/train.svg`, `metrics.csv` (`metric,value,description`), `loss.csv` (`step,loss`, plus a
/// `penalty` column when the run has a regularizer) and
/// `config.json` last.
public enum TrainOutput {
    /// The per-step loss table.
    public static let lossFile = "loss.csv"
    /// The figure's file stem (`figures/train.svg`).
    public static let figureStem = "train"

    /// Writes `outcome` into `directory` atomically: everything appears at once or nothing does. An existing
    /// non-empty directory is refused unless `force`.
    public static func write(_ outcome: TrainOutcome, to directory: URL, force: Bool) throws {
        try RunDirectoryWriter.write(try contents(outcome), to: directory, replace: force)
    }

    /// Everything the run directory of `outcome` holds.
    public static func contents(_ outcome: TrainOutcome) throws -> RunDirectoryContents {
        let arrays = outcome.arrays.map { RunArray($0.name, $0.array, doc: doc($0.name, outcome.spec)) }
        let penalised = outcome.spec.l2 > 0 || !outcome.spec.penalties.isEmpty
        var loss = CSVWriter(header: penalised ? ["step", "loss", "penalty"] : ["step", "loss"])
        for (k, l) in outcome.losses.enumerated() {
            try loss.append(penalised ? [.int(k), .double(l), .double(outcome.penalties[k])] : [.int(k), .double(l)])
        }
        return RunDirectoryContents(
            arrays: arrays, documentation: document(outcome),
            figure: try RunFigure(figure(outcome), stem: figureStem, dataset: try RunArray.dataset(arrays)),
            metrics: metrics(outcome), extraFiles: [RunExtraFile(lossFile, data: loss.data)],
            config: try ConfigReader.jsonData(outcome.config))
    }

    /// The `metrics.csv` rows: `final_loss`, `initial_loss`, `steps_run`, `stop` (value: the step the run stopped
    /// at; description: the reason as in `config.json`'s `stop.reason`), `final_learning_rate`, `wall_time_seconds`,
    /// and for the task networks `eval_mse` and `ood_mse` (when there are OOD trials).
    public static func metrics(_ outcome: TrainOutcome) -> [RunMetric] {
        let stop = TrainJob.stopRecord(outcome.stop, spec: outcome.spec)
        var evaluation: [RunMetric] = []
        if let e = outcome.config["evaluation"] as? [String: Any] {
            evaluation.append(RunMetric("eval_mse", .double(e["eval_mse"] as? Double ?? .nan),
                                        "masked MSE on \(e["eval_trials"] ?? 0) evaluation trials (threshold \(e["loss_threshold"] ?? 0))"))
            if let trials = e["ood_trials"] {
                evaluation.append(RunMetric("ood_mse", .double(e["ood_mse"] as? Double ?? .nan), "masked MSE on \(trials) OOD trials"))
            }
        }
        if let f = outcome.config["feature_learning"] as? [String: Any] {
            evaluation.append(RunMetric("weight_change", .double(f["weight_change"] as? Double ?? .nan),
                                        "‖W_T − W_0‖_F of the recurrent block \(f["recurrent_block"] ?? "")"))
            if let ka = f["kernel_alignment"] as? Double {
                evaluation.append(RunMetric("kernel_alignment", .double(ka), "initial vs final NTK on \(f["kernel_trials"] ?? 0) probe trials"))
            }
        }
        return evaluation + [
            RunMetric("final_loss", .double(outcome.losses.last ?? .nan), "loss after the last update (with penalties)"),
            RunMetric("initial_loss", .double(outcome.losses.first ?? .nan), "loss before the first update (with penalties)"),
            RunMetric("steps_run", .int(max(0, outcome.losses.count - 1)), "updates made (at most training.steps)"),
            RunMetric("stop", .int(stop["step"] as? Int ?? 0), stop["reason"] as? String ?? "completed"),
            RunMetric("final_learning_rate", .double(outcome.finalLearningRate), "learning rate of the last update"),
            RunMetric("wall_time_seconds", .double(outcome.wallTimeSeconds), "seconds spent training"),
        ]
    }

    /// The figure: the loss curve (log y) and, for linear RNNs, the eigenvalues of W_h over the records.
    public static func figure(_ outcome: TrainOutcome) -> FigureSpec {
        var panels = [Panel(title: "loss", xLabel: "training step", yLabel: "loss", yScale: .log,
                            content: .lines([Series("loss", x: "step", y: "loss", style: .simulation, group: 0)]))]
        let names = Set(outcome.arrays.map(\.name))
        if names.contains("eig_Wh_real"), names.contains("eig_Wh_imag") {
            panels.append(Panel(title: "eigenvalues of W_h over the records", xLabel: "Re λ", yLabel: "Im λ",
                                content: .complexPlane([Series("λ(W_h)", x: "eig_Wh_real", y: "eig_Wh_imag",
                                                               style: .simulation, group: 0)], unitCircle: true)))
        }
        let spec = outcome.spec
        return FigureSpec(title: "rnndyn train — \(spec.model.rawValue), N_h = \(spec.hidden)", columns: panels.count,
                          panels: panels)
    }

    /// `DATA.md`'s heading, summary and file table.
    static func document(_ outcome: TrainOutcome) -> RunDocument {
        let spec = outcome.spec
        let reason = TrainJob.stopRecord(outcome.stop, spec: spec)["reason"] as? String ?? "completed"
        return RunDocument(
            title: "`rnndyn train` — \(spec.model.rawValue), N_h = \(spec.hidden)",
            summary: "Trained by \(spec.optimizer.rawValue) (learning rate \(spec.learningRate)) for "
                + "\(max(0, outcome.losses.count - 1)) of \(spec.steps) steps; stop reason: \(reason).",
            arraysIntro: "float64 arrays (`step`, `record_step` int64; weight matrices in Fortran order), read with "
                + "`np.load(\"\(RunFiles.results)\")[key]`:",
            files: [
                .init(RunFiles.config, "the fully resolved config (defaults included), `seed`, `rnndyn_version`, `blas` (`threads`, `config`), `stop` (`reason`, `step` and the reason's details) and `final_learning_rate`"),
                .init(RunFiles.metrics, "columns `metric,value,description`; rows `final_loss`, `initial_loss`, `steps_run`, `stop` (value: the step it stopped at; description: the reason), `final_learning_rate`, `wall_time_seconds`"),
                .init(lossFile, "columns `step,loss`: the loss before each update and after the last (the `loss` array)"
                      + (outcome.spec.l2 > 0 || !outcome.spec.penalties.isEmpty ? ", and `penalty`, its penalty part (the `penalty` array)" : "")),
                .init(RunFiles.figure, "the figure layout (panels, series and the arrays they draw)"),
                .init(RunFiles.svg(figureStem), "the figure: loss (log scale) and, for linear RNNs, the eigenvalues of W_h over the records (and a `.png` copy when `rsvg-convert` is installed)"),
            ])
    }

    /// The `DATA.md` description of array `name`.
    static func doc(_ name: String, _ spec: TrainSpec) -> String {
        let blocks = ["Wx": "input weights W_x [N_h, N_x]", "Wh": "recurrent weights W_h [N_h, N_h]",
                      "Wy": "readout weights W_y [N_y, N_h]", "W1": "first-layer weights W_1 [N_h, N_x]",
                      "W2": "second-layer weights W_2 [N_y, N_h]", "b": "input-side bias b [N_h, 1]",
                      "bhh": "hidden-side bias b_hh [N_h, 1]", "by": "readout bias b_y [N_y, 1]",
                      "h0": "learned initial state h_0 [N_h, 1]", "U": "input weights U [N_h, N_x] (before m_U)",
                      "J": "recurrent weights J [N_h, N_h] (before m_J)", "W": "readout weights W [N_y, N_h] (before m_W)"]
        let modes = ["a": "input", "b": "recurrent", "c": "output"]
        switch name {
        case "loss": return "loss (with penalties) before each update and after the last, at `step`"
        case "step": return "int64 step of each `loss` value, 0…S (S = steps run)"
        case "record_step": return "int64 steps of the records (log-spaced; always 0 and the last step)"
        case "record_loss": return "loss at each `record_step`"
        case "penalty": return "the regularizer penalty inside each `loss` (0 without `training.l2` or `training.penalties`); task loss = `loss − penalty`"
        case "record_penalty": return "the regularizer penalty inside each `record_loss`"
        case "eig_Wh_real", "eig_Wh_imag":
            return "\(name.hasSuffix("real") ? "real" : "imaginary") parts of the eigenvalues of W_h at each record, by descending modulus [R, N_h]"
        case "task_singular_values": return "the task's singular values s_{k,t} [modes, T]"
        case "task_Uy": return "the task's output singular vectors U_y (orthogonal) [N_y, N_y]"
        case "task_Vx": return "the task's input singular vectors V_x (orthogonal) [N_x, N_x]"
        case "basis_R": return "the random orthogonal hidden basis R of the aligned init [N_h, N_h]"
        case "eval_mse": return "scalar: masked MSE (the task's train MSE) of the trained network on fresh evaluation trials (stream node `evaluation`; all trials of a recorded task)"
        case "ood_mse": return "scalar: masked MSE on the OOD trials (the task's outOfDistribution(), stream node `ood`; a recorded task's OOD trials)"
        case "loss_threshold": return "scalar: the task's train-MSE threshold (the paper's)"
        case "probe_inputs": return "inputs of the probe trials [T, B, d_in] (stream node `probe`; a recorded task's first trials)"
        case "probe_mask": return "loss mask of the probe trials [T, B, d_out]"
        case "probe_hidden_initial": return "noise-free hidden states h_1…h_T of the initial network on the probe trials [T, B, N]"
        case "probe_hidden": return "noise-free hidden states h_1…h_T of the trained network on the probe trials [T, B, N]"
        case "probe_rates_initial": return "rates tanh(h) of the initial leaky rate RNN on the probe trials [T, B, N]"
        case "probe_rates": return "rates tanh(h) of the trained leaky rate RNN on the probe trials [T, B, N]"
        case "weight_change": return "scalar: ‖W_T − W_0‖_F of the recurrent block (Wh or J)"
        case "weight_change_relative": return "scalar: weight_change / ‖W_0‖_F of the recurrent block"
        case "weight_change_total": return "scalar: ‖θ_T − θ_0‖ over every parameter block"
        case "kernel_alignment": return "scalar: Tr(K_T K_0)/(‖K_T‖_F ‖K_0‖_F), empirical NTK over every block on the first data.kernel_trials probe trials"
        case "kernel_distance": return "scalar: 1 − kernel_alignment, computed without cancellation"
        default: break
        }
        if let block = blocks[name] { return "final \(block)" }
        if name.hasSuffix("_history"), let block = blocks[String(name.dropLast("_history".count))] {
            return "\(block) at each record [R, rows, cols]"
        }
        if name.hasPrefix("modes_"), let kind = modes[String(name.dropFirst("modes_".count))] {
            return "\(kind) mode \(name.last!) of each task dimension in the task basis, at each record [R, min(N_x, N_h, N_y)]"
        }
        return "recorded probe `\(name)`"
    }
}

extension TrainJob {
    /// Writes `outcome` to `directory` (see `TrainOutput.write`).
    public static func write(_ outcome: TrainOutcome, to directory: URL, force: Bool) throws {
        try TrainOutput.write(outcome, to: directory, force: force)
    }
}
