import Analysis
import DataIO
import Linalg
import Networks
import SequenceData
import Tasks

/// What a task-network run records on its probe trials: the noise-free hidden trajectories before and after training
/// (the input of the dynamics comparisons), the weight change ‖W_T − W_0‖_F per block, and the alignment of the initial
/// and final empirical NTK on the first `data.kernel_trials` probe trials (the paper's measures of feature learning).
///
/// `results.npz` keys: `probe_inputs` [T, B, d_in], `probe_mask` [T, B, d_out], `probe_hidden_initial` and
/// `probe_hidden` [T, B, N] (for leaky_rate_rnn also `probe_rates_initial`, `probe_rates` = tanh of the states), and the
/// scalars `weight_change` (recurrent block), `weight_change_relative` (÷ its initial norm), `weight_change_total` (all
/// blocks), and with kernel trials `kernel_alignment` KA(K_T, K_0) = Tr(K_T K_0)/(‖K_T‖_F ‖K_0‖_F) and
/// `kernel_distance` 1 − KA (computed without cancellation), the NTK over every block.
struct TaskProbeRecord {
    /// Arrays for `results.npz`.
    var arrays: [(name: String, array: NumpyArray)]
    /// The `config.json` record (`feature_learning`).
    var config: [String: Any]
    /// The summary line.
    var line: String

    /// Measures `initial → final` on `probe`; `quiet` returns a model's noise-free copy (the NTK needs one).
    static func measure<M: OutputJacobianModel & RecurrentBlockModel & HiddenTrajectoryModel>(
        initial: M, final: M, probe: TaskBatch, kernelTrials: Int, readout: OutputMode, rates: Bool,
        quiet: (M) -> M
    ) throws -> TaskProbeRecord {
        let T = probe.timeSteps, B = probe.samples
        let sequences = probe.trainingSequences(readout: readout)
        let before = initial.hiddenTrajectories(sequences), after = final.hiddenTrajectories(sequences)
        let n = before.hiddenDimension
        func cube(_ m: Matrix, _ d: Int) throws -> NumpyArray { try NumpyArray(shape: [T, B, d], cOrder: m.storage) }
        var arrays: [(name: String, array: NumpyArray)] = [
            ("probe_inputs", try cube(probe.inputs, probe.inputs.rows)),
            ("probe_mask", try cube(probe.mask, probe.mask.rows)),
            ("probe_hidden_initial", try cube(before.states, n)),
            ("probe_hidden", try cube(after.states, n)),
        ]
        if rates {
            arrays += [("probe_rates_initial", try cube(before.rates, n)), ("probe_rates", try cube(after.rates, n))]
        }
        let w0 = initial.parameters, wT = final.parameters
        let changes = WeightChange.norms(from: w0, to: wT)
        let r = M.recurrentBlock
        let total = changes.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let relative = changes[r] / w0[r].frobeniusNorm
        arrays += [("weight_change", NumpyArray(scalar: changes[r])), ("weight_change_relative", NumpyArray(scalar: relative)),
                   ("weight_change_total", NumpyArray(scalar: total))]
        var config: [String: Any] = [
            "probe_trials": B, "probe_stream": "probe", "recurrent_block": M.parameterNames[r],
            "weight_change": changes[r], "weight_change_relative": relative, "weight_change_total": total,
            "weight_change_per_block": Dictionary(uniqueKeysWithValues: zip(M.parameterNames, changes).map { ($0, $1) }),
            "kernel_trials": kernelTrials,
        ]
        var line = String(format: "feature learning: ‖Δ%@‖_F %.4g (%.3g of ‖%@_0‖)", M.parameterNames[r], changes[r], relative,
                          M.parameterNames[r])
        if kernelTrials > 0 {
            let kernelProbe = try probe.firstTrials(kernelTrials).trainingSequences(readout: readout)
            let summary = FeatureLearningSummary.measure(from: quiet(initial), to: quiet(final), probe: kernelProbe,
                                                         weightBlocks: M.recurrentBlocks)
            arrays += [("kernel_alignment", NumpyArray(scalar: summary.kernelAlignment)),
                       ("kernel_distance", NumpyArray(scalar: summary.kernelDistance))]
            config["kernel_alignment"] = summary.kernelAlignment
            config["kernel_distance"] = summary.kernelDistance
            line += String(format: " · NTK alignment %.6g on %d probe trials", summary.kernelAlignment, kernelTrials)
        }
        return TaskProbeRecord(arrays: arrays, config: config, line: line)
    }
}
