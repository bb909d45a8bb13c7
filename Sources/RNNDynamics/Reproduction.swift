import DataIO
import ExperimentKit
import Foundation
import Papers
import Report

/// What `rnndyn reproduce` will do for each experiment of a paper, decided before any work.
public struct ReproductionPlan {
    /// What happens to one experiment.
    public enum Action {
        /// Compute it (the reason: new, interrupted run replaced, settings changed, --force).
        case compute(reason: String, replace: Bool)
        /// Keep the complete, matching run already there.
        case skip(RunRecord)
    }

    /// One experiment of the plan.
    public struct Step {
        /// The experiment.
        public let experiment: any Experiment
        /// Its run directory, `<out>/<experiment id>`.
        public let directory: URL
        /// What happens.
        public let action: Action
    }

    /// Paper prefix (`proca2025`).
    public let paper: String
    /// Preset of every run.
    public let preset: Preset
    /// Root seed of every run.
    public let seed: UInt64
    /// Output root.
    public let out: URL
    /// Steps in registry order.
    public let steps: [Step]
}

/// Plans and runs the reproduction of every figure of one paper into one directory, resuming interrupted work.
public enum Reproduction {
    /// Plans the reproduction; throws a one-line `ConfigError` for an unknown paper, unknown `only`/`skip` ids
    /// (with or without the paper prefix), an unwritable `out`, or existing runs with other settings (or
    /// foreign files) in the way without `force`.
    public static func plan(paper: String, preset: Preset, seed: UInt64, out: URL, only: [String] = [],
                            skip: [String] = [], force: Bool = false) throws -> ReproductionPlan {
        let chosen = try experiments(paper: paper, only: only, skip: skip)
        try requireRunsDirectory(out, of: "a paper's runs")
        try SummaryFiles.requireOurs(out, key: "--out")
        let steps = try chosen.map { e -> ReproductionPlan.Step in
            let dir = out.appendingPathComponent(e.id)
            return ReproductionPlan.Step(experiment: e, directory: dir,
                                         action: try action(e, dir, preset: preset, seed: seed, force: force))
        }
        return ReproductionPlan(paper: paper, preset: preset, seed: seed, out: out, steps: steps)
    }

    /// Throws a one-line `ConfigError` at `--out` unless `out` can take a directory of runs (`what` names them):
    /// it must not be a single run's directory or a file, and must be writable.
    static func requireRunsDirectory(_ out: URL, of what: String) throws {
        switch RunDirectoryState.inspect(out) {
        case .complete, .incomplete:
            throw ConfigError(key: "--out", "'\(out.relativePath)' is a single run's directory (allowed: a directory for \(what), e.g. out)")
        case .notDirectory:
            throw ConfigError(key: "--out", "'\(out.relativePath)' is a file (allowed: a directory path)")
        case .absent, .empty, .foreign, .collection: break
        }
        try OutputLocation.requireWritable(out)
    }

    /// The registered experiments of `paper` in registry order, restricted to `only` (when given) and without
    /// `skip` (ids with or without the paper prefix); one-line `ConfigError`s for an unknown paper or id.
    public static func experiments(paper: String, only: [String] = [], skip: [String] = []) throws -> [any Experiment] {
        guard Paper.all.contains(paper) else {
            throw ConfigError(key: "paper", "'\(paper)' is not a paper with registered experiments (allowed: \(Paper.all.joined(separator: ", ")))")
        }
        func resolve(_ names: [String], _ key: String) throws -> Set<String> {
            Set(try names.map { try ExperimentRegistry.resolve($0, key: key, paper: paper).id })
        }
        let onlyIDs = try resolve(only, "--only"), skipIDs = try resolve(skip, "--skip")
        let chosen = ExperimentRegistry.experiments(prefix: paper + ".").filter { (onlyIDs.isEmpty || onlyIDs.contains($0.id)) && !skipIDs.contains($0.id) }
        guard !chosen.isEmpty else { throw ConfigError(key: "--skip", "leaves no experiment to run (allowed: fewer ids)") }
        return chosen
    }

    /// The action for one experiment given what its directory holds.
    static func action(_ e: any Experiment, _ dir: URL, preset: Preset, seed: UInt64, force: Bool) throws -> ReproductionPlan.Action {
        let shown = dir.relativePath
        switch RunDirectoryState.inspect(dir) {
        case .absent, .empty: return .compute(reason: "new", replace: false)
        case .incomplete:
            try OutputLocation.requireNoCollisions(dir)
            return .compute(reason: "interrupted run replaced", replace: true)
        case .notDirectory: throw ConfigError(key: "--out", "'\(shown)' is a file (allowed: a directory path)")
        case .foreign, .collection:
            guard force else {
                throw ConfigError(key: "--out", "'\(shown)' holds files rnndyn did not write (allowed: remove them, or --force to write beside them, keeping them)")
            }
            try OutputLocation.requireNoCollisions(dir)
            return .compute(reason: "--force", replace: true)
        case .complete(let record):
            if force {
                try OutputLocation.requireNoCollisions(dir)
                return .compute(reason: "--force", replace: true)
            }
            if let conflict = RunMatch.conflict(record, experiment: e, preset: preset, seed: seed) {
                throw ConfigError(key: "--out", "'\(shown)' holds a run with \(conflict) (allowed: another --out, or --force to replace it)")
            }
            if let stale = RunMatch.staleness(record, experiment: e, preset: preset) {
                return .compute(reason: "recomputed: \(stale)", replace: true)
            }
            return .skip(record)
        }
    }
}

/// What happened to one experiment of a reproduction.
public struct ReproductionStepOutcome {
    /// The planned step.
    public let step: ReproductionPlan.Step
    /// The run's record (computed or kept); nil when the computation failed.
    public let record: RunRecord?
    /// The failure, if any.
    public let error: (any Error)?
    /// "kept", the reason for recomputing, or "" for a new run.
    public let note: String
}

extension Reproduction {
    /// Runs the plan's computations in order (a failing experiment is reported and the rest go on), then writes
    /// the summary `report.html` and `metrics.csv` of every complete run in the output directory. `progress`
    /// gets the overall fraction and the experiment being computed; `didFinish` gets each step as it ends.
    public static func execute(_ plan: ReproductionPlan, threads: Int = RunContext.defaultThreads,
                               progress: @escaping @Sendable (Double, String) -> Void = { _, _ in },
                               didFinish: (ReproductionStepOutcome) -> Void = { _ in })
        throws -> (steps: [ReproductionStepOutcome], report: ReportBuilder.Outcome) {
        var outcomes: [ReproductionStepOutcome] = []
        let total = Double(plan.steps.count)
        for (i, step) in plan.steps.enumerated() {
            StagedDirectory.removeStale(besides: step.directory)
            let outcome: ReproductionStepOutcome
            switch step.action {
            case .skip(let saved):
                outcome = ReproductionStepOutcome(step: step, record: saved, error: nil, note: "kept")
            case let .compute(reason, replace):
                let id = step.experiment.id
                progress(Double(i) / total, id)
                do {
                    let stepLock = try OutputLocation.lock(step.directory)
                    defer { stepLock.release() }
                    let record = try ExperimentJob.run(step.experiment, preset: plan.preset, seed: plan.seed, to: step.directory,
                                                       replace: replace, threads: threads) { f in progress((Double(i) + f) / total, id) }
                    outcome = ReproductionStepOutcome(step: step, record: record, error: nil, note: reason == "new" ? "" : reason)
                } catch {
                    outcome = ReproductionStepOutcome(step: step, record: nil, error: error, note: "")
                }
            }
            outcomes.append(outcome)
            didFinish(outcome)
        }
        progress(1, "")
        return (outcomes, try ReportBuilder.summarize(plan.out, builtBy: ExperimentJob.provenance))
    }
}
