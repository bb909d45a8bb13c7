import Linalg

/// One independent unit of a study: a name (its node of the seed tree under the experiment's) and its index.
public struct StudyCell: Sendable, Equatable {
    /// Position in the study's cell order.
    public let index: Int
    /// Seed-tree node name, unique within the study (`T4-scale0.1-draw1`).
    public let name: String

    /// A cell.
    public init(index: Int, name: String) { self.index = index; self.name = name }
}

/// An experiment as a map over independent cells plus a reduce: `plan` reads the parameters, every cell runs alone
/// (in parallel, in any order, on its own node of the seed tree), and `reduce` combines the cells' results in cell
/// order into the dataset, figure and claim checks. A reduce that compares every pair of cells maps over the pairs
/// with `RunContext.mapPairs`. A plain `Experiment` is the one-cell case.
public protocol Study: Experiment {
    /// Everything read from the parameters.
    associatedtype Plan: Sendable
    /// What one cell returns.
    associatedtype CellResult: Sendable
    /// Reads (and validates) every parameter, ending with `finish()`.
    func plan(_ parameters: ConfigReader) throws -> Plan
    /// The cells of `plan`, in order (names unique).
    func cells(_ plan: Plan) -> [StudyCell]
    /// The node a cell runs on, below the experiment's node `experiment`: `experiment.child(cell.name)` by default.
    /// A study whose cells share draws (e.g. the probe trials of one condition, shared by its seeds) returns a
    /// shared parent node and names its cell's own streams below it in `runCell`.
    func cellStreams(_ cell: StudyCell, plan: Plan, experiment: RandomStreams) -> RandomStreams
    /// Runs one cell; every random number comes from `streams`, the cell's node (`cellStreams`).
    func runCell(_ cell: StudyCell, plan: Plan, streams: RandomStreams) throws -> CellResult
    /// Combines the results, in cell order.
    func reduce(_ plan: Plan, results: [CellResult], context: RunContext) throws -> ExperimentResult
    /// The cell count and CPU time of a run of `plan`, from a short timing probe drawing from `streams` (the
    /// experiment's node); the default times the first and last cell (see `StudyEstimate`). `probeEpochs` caps the
    /// training of a study whose probe trains networks (nil: the study's own short default); others ignore it.
    func estimate(_ plan: Plan, streams: RandomStreams, probeEpochs: Int?) throws -> StudyEstimate
}

extension Study {
    /// The cell's own node: `experiment.child(cell.name)`.
    public func cellStreams(_ cell: StudyCell, plan: Plan, experiment: RandomStreams) -> RandomStreams {
        experiment.child(cell.name)
    }
}
