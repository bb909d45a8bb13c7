import DataIO
import ExperimentKit
import Foundation
import Linalg
import Tasks

/// Trials of a neuroscience task for users' own code (the library's `rnndyn_task`, Python's `rnndyn.tasks`): the knobs
/// are read and checked exactly as `rnndyn train`'s `data.*` (messages name `<task>.<knob>`), the trials are drawn
/// from stream node `tasks/<task>` of the seed and the OOD trials from its child `ood`.
public enum TaskTrialsJob {
    /// The most trials one call draws.
    public static let maximumTrials = 1_000_000
    /// The most bytes of arrays one call returns (bigger requests are refused before any work); the trials exist in
    /// about four copies on the way to Python (the batch, the NumPy arrays, the result handle, Python's arrays).
    public static let byteLimit = 2 << 30

    /// The trials, the OOD trials (when asked) and the parameters with `seed` and `stream_path`.
    public struct Trials {
        /// The task's trials.
        public let trials: TaskBatch
        /// Its OOD variant's trials, or nil.
        public let ood: TaskBatch?
        /// Every knob and derived size, the seed and the stream path.
        public let parameters: [String: TaskParameter]

        /// The arrays under `TaskNPZ`'s keys (`inputs`, `targets`, `mask`, then `ood_*`), [T, B, d] in C order.
        public func arrays() throws -> [(name: String, array: NumpyArray)] {
            try TaskNPZ.members(trials, prefix: "") + (ood.map { try TaskNPZ.members($0, prefix: "ood_") } ?? [])
        }
    }

    /// Draws `count` trials of `task` (one of `NeuroscienceTaskChoice.names`) with knobs `knobs` (a JSON object).
    public static func generate(task: String, knobs json: Data, seed: UInt64, count: Int, includeOOD: Bool) throws -> Trials {
        guard NeuroscienceTaskChoice.names.contains(task) else {
            throw ConfigError(key: "task", "'\(task)' is not a task (allowed: \(NeuroscienceTaskChoice.names.joined(separator: " | ")))")
        }
        guard (1...maximumTrials).contains(count) else {
            throw ConfigError(key: "trials", "\(count) (allowed: an integer in 1…\(maximumTrials))")
        }
        let reader = try ConfigReader(json: json, path: task)
        let choice = try NeuroscienceTaskChoice.parse(task, reader)
        try reader.finish()
        let t = choice.task
        let oodTask = includeOOD ? try checked { try t.outOfDistribution() } : nil
        let perTrial = t.timeSteps * (t.inputDimension + 2 * t.outputDimension)
            + (oodTask.map { $0.timeSteps * ($0.inputDimension + 2 * $0.outputDimension) } ?? 0)
        let bytes = Double(perTrial) * Double(count) * 8
        guard bytes <= Double(byteLimit) else {
            throw ConfigError(key: "trials", String(format: "%d trials would take %.1f GiB (allowed: at most %d GiB per call)", count,
                                                    bytes / Double(1 << 30), byteLimit >> 30))
        }
        let streams = RandomStreams(seed: seed).child("tasks").child(task)
        let trials = try checked { try t.batch(size: count, streams: streams) }
        let ood = try oodTask.map { o in try checked { try o.batch(size: count, streams: streams.child("ood")) } }
        var parameters = t.parameters
        parameters["array_layout"] = .string("[T, B, d], C order; mask 1 = scored")
        parameters["seed"] = .string(String(seed))
        parameters["stream_path"] = .string(streams.path.joined(separator: "/"))
        return Trials(trials: trials, ood: ood, parameters: parameters)
    }

    /// `body`'s value, with a task error as a one-line `ConfigError`.
    static func checked<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as TaskError { throw ConfigError(key: "task", e.description) }
    }
}
