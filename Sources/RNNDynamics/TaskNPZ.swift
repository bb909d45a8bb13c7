import Foundation
import DataIO
import Linalg
import Tasks

/// NumPy `.npz` import of users' own tasks and export of any task's trials, so Python can `np.load` them.
///
/// Keys: `inputs` [T, B, d_in], `targets` [T, B, d_out], `mask` [T, B, d_out] (float64, C order; mask 1 = scored),
/// and optionally `ood_inputs`, `ood_targets`, `ood_mask` for the temporal-generalisation trials. On import `mask`
/// is optional (all ones), any real, integer or bool dtype is accepted, and a scalar `loss_threshold` may be given.
/// Export also writes the task's parameters as JSON to a sidecar with the same stem (`trials.npz` → `trials.json`).
public enum TaskNPZ {
    /// The sidecar JSON next to an `.npz` file.
    public static func sidecarURL(for url: URL) -> URL { url.deletingPathExtension().appendingPathExtension("json") }

    /// Writes `size` trials of `task` (and as many of its OOD task when `includeOOD`) drawn from `streams`
    /// (OOD trials from its child "ood"), with the parameters sidecar.
    public static func export<Task: NeuroscienceTask>(_ task: Task, size: Int, streams: RandomStreams, to url: URL,
                                                      includeOOD: Bool = true) throws {
        let trials = try task.batch(size: size, streams: streams)
        let ood = includeOOD ? try task.outOfDistribution().batch(size: size, streams: streams.child("ood")) : nil
        var parameters = task.parameters
        parameters["array_layout"] = .string("[T, B, d], C order; mask 1 = scored")
        parameters["seed"] = .string(String(streams.seed))
        parameters["stream_path"] = .string(streams.path.joined(separator: "/"))
        try write(trials, ood: ood, parameters: parameters, to: url)
    }

    /// Writes a batch (and optional OOD batch) under the documented keys, then the parameters sidecar.
    public static func write(_ trials: TaskBatch, ood: TaskBatch? = nil, parameters: [String: TaskParameter],
                             to url: URL) throws {
        var arrays = try members(trials, prefix: "")
        if let ood { arrays += try members(ood, prefix: "ood_") }
        try NPZ.write(arrays, to: url)
        try JSONIO.write(parameters, to: sidecarURL(for: url))
    }

    /// A recorded task from an `.npz` with `inputs`, `targets` and optional `mask`, `ood_*` and `loss_threshold`
    /// (the three array names can be changed; the OOD ones are then `ood_` + those names).
    public static func readTask(from url: URL, name: String = "recorded", inputs: String = "inputs",
                                targets: String = "targets", mask: String = "mask") throws -> RecordedTask {
        let file = url.lastPathComponent, keys = (inputs, targets, mask)
        let arrays = try NPZ.readDictionary(from: url)
        guard let trials = try batch(arrays, prefix: "", keys: keys, file: file) else {
            throw TaskError.invalidParameter("\(file) lacks '\(inputs)' or '\(targets)'; allowed: an .npz with \(inputs) [T, B, d_in] and \(targets) [T, B, d_out]")
        }
        var threshold = 0.01
        if let value = arrays["loss_threshold"] {
            guard value.elementCount == 1, let v = try value.asDoubles().first else {
                throw TaskError.invalidParameter("\(file) 'loss_threshold' has shape \(value.shape); allowed: a scalar > 0")
            }
            threshold = v
        }
        return try RecordedTask(trials: trials, oodTrials: batch(arrays, prefix: "ood_", keys: keys, file: file), name: name,
                                lossThreshold: threshold, source: file)
    }

    /// The three members of a batch as C-order [T, B, d] arrays (the batch's storage is already in that order).
    static func members(_ b: TaskBatch, prefix: String) throws -> [(name: String, array: NumpyArray)] {
        let T = b.timeSteps, B = b.samples
        return [(prefix + "inputs", try NumpyArray(shape: [T, B, b.inputs.rows], cOrder: b.inputs.storage)),
                (prefix + "targets", try NumpyArray(shape: [T, B, b.targets.rows], cOrder: b.targets.storage)),
                (prefix + "mask", try NumpyArray(shape: [T, B, b.mask.rows], cOrder: b.mask.storage))]
    }

    /// The batch under `prefix`, nil when neither its inputs nor its targets are present.
    static func batch(_ arrays: [String: NumpyArray], prefix: String, keys: (String, String, String) = ("inputs", "targets", "mask"),
                      file: String) throws -> TaskBatch? {
        let inputsKey = prefix + keys.0, targetsKey = prefix + keys.1, maskKey = prefix + keys.2
        guard arrays[inputsKey] != nil || arrays[targetsKey] != nil else {
            if arrays[maskKey] == nil { return nil }
            throw TaskError.invalidParameter("\(file) has '\(maskKey)' without '\(inputsKey)' and '\(targetsKey)'; allowed: a mask only with both")
        }
        guard let inputs = arrays[inputsKey], let targets = arrays[targetsKey] else {
            throw TaskError.invalidParameter("\(file) has only one of '\(inputsKey)' and '\(targetsKey)'; allowed: both")
        }
        let shapeText = "'\(inputsKey)' \(inputs.shape), '\(targetsKey)' \(targets.shape)"
        guard inputs.rank == 3, targets.rank == 3, inputs.shape[0] == targets.shape[0], inputs.shape[1] == targets.shape[1],
              inputs.shape[0] >= 1, inputs.shape[1] >= 1, inputs.shape[2] >= 1, targets.shape[2] >= 1 else {
            throw TaskError.invalidParameter("\(file) shapes \(shapeText); allowed: [T, B, d_in] and [T, B, d_out] with the same T ≥ 1 and B ≥ 1")
        }
        let T = inputs.shape[0], B = inputs.shape[1], dOut = targets.shape[2]
        var mask = Matrix(rows: dOut, cols: T * B, repeating: 1)
        if let m = arrays[maskKey] {
            guard m.shape == targets.shape else {
                throw TaskError.invalidParameter("\(file) '\(maskKey)' has shape \(m.shape); allowed: \(targets.shape), the shape of '\(targetsKey)'")
            }
            mask = Matrix(rows: dOut, cols: T * B, columnMajor: try m.doubles(order: .c))
        }
        return try TaskBatch(inputs: Matrix(rows: inputs.shape[2], cols: T * B, columnMajor: try inputs.doubles(order: .c)),
                             targets: Matrix(rows: dOut, cols: T * B, columnMajor: try targets.doubles(order: .c)),
                             mask: mask, timeSteps: T, samples: B)
    }
}
