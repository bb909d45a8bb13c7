import Analysis
import ExperimentKit
import Linalg

/// A trained network stored as a study cell (`cells/<name>.npz` of a run, or a sweep's cell store) and read back
/// exactly: scalars, the stop reason as an index into `stopReasons`, the recurrent matrix (column-major, with its
/// shape) and both probe trajectories ([trials, steps, units]).
extension DegeneracyRun {
    /// Stop reasons in code order.
    static let stopReasons = ["threshold", "max_steps", "diverged", "wall_time", "stationary"]

    /// The run as named float64 arrays.
    var cellArrays: StudyCellArrays {
        var a = StudyCellArrays()
        a.add("seed", integers: [seed], shape: [])
        a.add("stop_reason", integers: [Self.stopReasons.firstIndex(of: stopReason) ?? -1], shape: [])
        a.add("steps", integers: [steps], shape: [])
        a.add("eval_mse", scalar: evalMSE)
        a.add("ood_mse", scalar: oodMSE)
        a.add("weight_change", scalar: weightChange)
        a.add("weight_change_total", scalar: weightChangeTotal)
        a.add("weight_change_relative", scalar: weightChangeRelative)
        a.add("kernel_alignment", scalar: kernelAlignment)
        a.add("recurrent", recurrent.storage, shape: [recurrent.rows, recurrent.cols])
        a.add("probe", probe.values, shape: [probe.trials, probe.steps, probe.units])
        a.add("null_probe", nullProbe.values, shape: [nullProbe.trials, nullProbe.steps, nullProbe.units])
        return a
    }

    /// The run `cellArrays` encoded; a `StudyCellError` for arrays it did not write.
    init(cellArrays a: StudyCellArrays) throws {
        let reason = try a.integers("stop_reason", count: 1)[0]
        guard Self.stopReasons.indices.contains(reason) else { throw StudyCellError("stop_reason \(reason) is not one of 0…\(Self.stopReasons.count - 1)") }
        func matrix(_ name: String) throws -> Matrix {
            let shape = try a.shape(name)
            guard shape.count == 2 else { throw StudyCellError("\(name) has shape \(shape) (allowed: [rows, cols])") }
            return Matrix(rows: shape[0], cols: shape[1], columnMajor: try a.values(name, count: shape[0] * shape[1]))
        }
        func trajectories(_ name: String) throws -> TrialTrajectories {
            let shape = try a.shape(name)
            guard shape.count == 3 else { throw StudyCellError("\(name) has shape \(shape) (allowed: [trials, steps, units])") }
            do {
                return try TrialTrajectories(trials: shape[0], steps: shape[1], units: shape[2], values: try a.values(name, count: shape.reduce(1, *)))
            } catch let e as StudyCellError { throw e } catch { throw StudyCellError("\(name): \(error)") }
        }
        let stop = Self.stopReasons[reason]
        self.init(seed: try a.integers("seed", count: 1)[0], stopReason: stop, converged: stop == "threshold",
                  steps: try a.integers("steps", count: 1)[0], evalMSE: try a.scalar("eval_mse"), oodMSE: try a.scalar("ood_mse"),
                  recurrent: try matrix("recurrent"), probe: try trajectories("probe"), nullProbe: try trajectories("null_probe"),
                  weightChange: try a.scalar("weight_change"), weightChangeTotal: try a.scalar("weight_change_total"),
                  weightChangeRelative: try a.scalar("weight_change_relative"), kernelAlignment: try a.scalar("kernel_alignment"))
    }
}
