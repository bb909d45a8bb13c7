import Foundation
import Linalg

/// How much compute an experiment spends: `quick` for tests and the demo, `full` for the paper's settings.
public enum Preset: String, Sendable, Codable, CaseIterable {
    /// Small grids and short runs (seconds).
    case quick
    /// The paper's grids and run lengths.
    case full
}

/// A named scalar outcome of a run (a time to threshold, a final loss): a column of a sweep's `sweep.csv`.
public struct ScalarOutcome: Sendable, Equatable {
    /// Column name (letters, digits, `_`).
    public var name: String
    /// The value.
    public var value: Double
    /// What it measures.
    public var doc: String

    /// A scalar outcome.
    public init(_ name: String, _ value: Double, doc: String) { self.name = name; self.value = value; self.doc = doc }
}

/// Everything an experiment run produced.
public struct ExperimentResult: Sendable {
    /// Named arrays.
    public var dataset: Dataset
    /// The figure to draw from them.
    public var figure: FigureSpec
    /// Claim checks.
    public var checks: [ClaimCheck]
    /// Largest relative theory-vs-simulation error along the compared curves (nil when there is no comparison).
    public var theoryError: Double?
    /// Named scalar outcomes (beside the checks and theory error, which every run reports).
    public var scalars: [ScalarOutcome]

    /// A result.
    public init(dataset: Dataset, figure: FigureSpec, checks: [ClaimCheck], theoryError: Double? = nil, scalars: [ScalarOutcome] = []) {
        self.dataset = dataset; self.figure = figure; self.checks = checks; self.theoryError = theoryError; self.scalars = scalars
    }
}

/// One paper figure as a reproducible computation: parameters → runs → dataset → figure.
///
/// Defaults are plain JSON-compatible dictionaries so configs can be resolved, overridden and saved; every
/// value the paper leaves open (T, learning rates, …) is a documented parameter with a default. `run` reads every
/// parameter through a `ConfigReader` (typed, range-checked) and calls `finish()` so unknown keys are errors.
public protocol Experiment: Sendable {
    /// Stable identifier (`proca2025.fig2`).
    var id: String { get }
    /// The paper figure it reproduces (`Proca et al. 2025, Fig. 2`).
    var paperFigure: String { get }
    /// One-line description.
    var summary: String { get }
    /// Default parameters for `preset` (every parameter, JSON-compatible values).
    func parameters(_ preset: Preset) -> [String: Any]
    /// Runs with `parameters` (defaults merged with overrides), drawing every random number from `context.streams`
    /// (the experiment's node of the seed tree, `root → paper → experiment`), using up to `context.threads` threads
    /// and reporting progress to `context.progress`.
    func run(parameters: ConfigReader, context: RunContext) throws -> ExperimentResult
}

extension Experiment {
    /// Runs with the defaults of `preset`, overridden by `overrides` (a nested tree of the same keys; nested
    /// objects merge key by key), with every key checked. Random numbers come from the node `id` (`proca2025.fig3`
    /// → path proca2025/fig3) of the seed tree of root `seed`; `ledger` notes every stream drawn, for audits. `threads`
    /// is a runner option: results are bit-identical for any value, and so is `cellStore` (where a `PersistentStudy`
    /// keeps and finds finished cells). A divergence surfaces as `ExperimentDivergence`
    /// carrying this experiment's id and resolved parameters.
    public func run(_ preset: Preset, overrides: [String: Any] = [:], seed: UInt64 = 0, ledger: StreamLedger? = nil,
                    threads: Int = RunContext.defaultThreads, cellStore: (any StudyCellStore)? = nil,
                    progress: @escaping @Sendable (Double) -> Void = { _ in }) throws -> (ExperimentResult, [String: Any]) {
        let merged = ParameterOverrides.deepMerge(parameters(preset), overrides)
        let reader = ConfigReader(object: merged, path: id)
        reader.checksRecordBudget = true
        let context = RunContext(streams: RandomStreams(seed: seed, ledger: ledger).node(id), threads: threads, cellStore: cellStore, progress: progress)
        do {
            let result = try run(parameters: reader, context: context)
            return (result, reader.resolvedTree)
        } catch var divergence as ExperimentDivergence {
            divergence.experiment = id
            divergence.parameters = reader.resolvedTree
            throw divergence
        }
    }

    /// Checks the parameters of `preset` with `overrides` as `run` would, without computing anything: throws the
    /// same one-line `ConfigError` that `run` would throw before its work starts. Returns the resolved parameters
    /// (every value `run` would use and record).
    @discardableResult
    public func validate(_ preset: Preset, overrides: [String: Any] = [:]) throws -> [String: Any] {
        let reader = ConfigReader(object: ParameterOverrides.deepMerge(parameters(preset), overrides), path: id)
        reader.stopsAfterValidation = true
        reader.checksRecordBudget = true
        do {
            _ = try run(parameters: reader, context: RunContext(streams: RandomStreams(seed: 0), threads: 1))
            throw ConfigError(key: id, "read its parameters without calling finish() (an rnndyn bug)")
        } catch is ConfigReader.Validated { return reader.resolvedTree }
    }
}
