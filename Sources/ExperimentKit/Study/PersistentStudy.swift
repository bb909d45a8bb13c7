import Foundation
import Linalg

/// A study whose cell results can be stored and read back exactly, so its cells can be kept on disk (a rerun after
/// an interruption skips finished ones), computed by other processes (sweep workers, Slurm array tasks) and reduced
/// later: `decodeCell(encodeCell(r))` must equal `r` bit for bit. Conforming takes the two codec functions and a
/// `cellVersion`; the run then uses `context.cellStore` when the runner gives one.
public protocol PersistentStudy: Study {
    /// Version of what a cell computes and how it is encoded: raise it when either changes, so stored cells are
    /// recomputed instead of reused.
    var cellVersion: Int { get }
    /// `result` as named float64 arrays (names not starting with `_`).
    func encodeCell(_ result: CellResult, plan: Plan) throws -> StudyCellArrays
    /// The result `encodeCell` encoded; throws `StudyCellError` for arrays it did not write.
    func decodeCell(_ arrays: StudyCellArrays, plan: Plan) throws -> CellResult
}

extension Study {
    /// Plan, map the cells on `context.threads` threads (progress up to 90 %), reduce.
    public func run(parameters: ConfigReader, context: RunContext) throws -> ExperimentResult {
        let plan = try plan(parameters)
        return try mapAndReduce(plan, context: context) { cell, streams in try runCell(cell, plan: plan, streams: streams) }
    }

    /// Computes every cell of `plan` with `compute` (on the cell's node), then reduces.
    func mapAndReduce(_ plan: Plan, context: RunContext,
                      compute: @escaping @Sendable (StudyCell, RandomStreams) throws -> CellResult) throws -> ExperimentResult {
        let cells = cells(plan)
        let total = Double(max(cells.count, 1)), progress = context.progress
        let results = try ParallelMap.map(cells.count, threads: context.threads, progress: { progress(0.9 * Double($0) / total) }) { i in
            try compute(cells[i], cellStreams(cells[i], plan: plan, experiment: context.streams))
        }
        let result = try reduce(plan, results: results, context: context)
        progress(1)
        return result
    }
}

extension PersistentStudy {
    /// As `Study.run`, but each cell is first looked up in `context.cellStore` (under its `StudyCellKey`) and, when
    /// computed, stored there at once; without a store it is `Study.run`.
    public func run(parameters: ConfigReader, context: RunContext) throws -> ExperimentResult {
        let plan = try plan(parameters)
        guard let store = context.cellStore else {
            return try mapAndReduce(plan, context: context) { cell, streams in try runCell(cell, plan: plan, streams: streams) }
        }
        let identity = StudyStreamsIdentity(seed: context.streams.seed, path: context.streams.path)
        let keys = Dictionary(uniqueKeysWithValues: cells(plan).map { c in
            (c.name, StudyCellKey.text(experiment: id, parameters: parameters.resolvedTree, streams: identity, cell: c.name,
                                       cellVersion: cellVersion, codeVersion: store.codeVersion))
        })
        return try mapAndReduce(plan, context: context) { cell, streams in
            let key = keys[cell.name]!
            if let stored = try store.load(cell, key: key) { return try decodeCell(stored, plan: plan) }
            guard store.computesMissing else { throw StudyCellError("cell \(cell.name) of \(id) is not stored (a reduce reads finished cells only)") }
            let result = try runCell(cell, plan: plan, streams: streams)
            try store.save(try encodeCell(result, plan: plan), cell: cell, key: key)
            return result
        }
    }

    /// The cells of this study for `preset` with `overrides` and root `seed`, each with its key (for a runner
    /// that distributes them); throws the `ConfigError` `run` would throw for bad parameters.
    public func keyedCells(_ preset: Preset, overrides: [String: Any], seed: UInt64, codeVersion: String) throws -> [(cell: StudyCell, key: String)] {
        let reader = ConfigReader(object: ParameterOverrides.deepMerge(parameters(preset), overrides), path: id)
        reader.checksRecordBudget = true
        let plan = try plan(reader)
        let node = RandomStreams(seed: seed).node(id)
        let identity = StudyStreamsIdentity(seed: node.seed, path: node.path)
        let resolved = reader.resolvedTree
        return cells(plan).map { c in
            (c, StudyCellKey.text(experiment: id, parameters: resolved, streams: identity, cell: c.name, cellVersion: cellVersion, codeVersion: codeVersion))
        }
    }

    /// Runs the one cell named `name` for `preset`, `overrides` and `seed` (on its own node, as in a whole run) and
    /// returns its encoded arrays: what a sweep worker stores.
    public func computeCell(named name: String, _ preset: Preset, overrides: [String: Any], seed: UInt64) throws -> StudyCellArrays {
        let reader = ConfigReader(object: ParameterOverrides.deepMerge(parameters(preset), overrides), path: id)
        reader.checksRecordBudget = true
        let plan = try plan(reader)
        guard let cell = cells(plan).first(where: { $0.name == name }) else {
            throw StudyCellError("\(id) has no cell named '\(name)' with these parameters")
        }
        return try encodeCell(try runCell(cell, plan: plan, streams: cellStreams(cell, plan: plan, experiment: RandomStreams(seed: seed).node(id))), plan: plan)
    }
}
