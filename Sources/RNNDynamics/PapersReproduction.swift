import ExperimentKit
import Foundation
import Papers
import Report

/// What `rnndyn reproduce` does for several papers (or `all`): one `ReproductionPlan` per paper into
/// `<out>/<paper>/`, then the index page `<out>/index.html` linking their reports.
public struct PapersReproductionPlan {
    /// Output root (holding one directory per paper and `index.html`).
    public let out: URL
    /// One plan per paper with experiments to run, in registry order.
    public let plans: [ReproductionPlan]
}

extension Reproduction {
    /// The word that names every registered paper.
    public static let allPapers = "all"

    /// The papers `names` names (`all` for every registered paper, else paper ids), in registry order, each once;
    /// throws a one-line `ConfigError` at `paper` naming the allowed values for anything else.
    public static func papers(_ names: [String]) throws -> [String] {
        for name in names where name != allPapers && !Paper.all.contains(name) {
            throw ConfigError(key: "paper", "'\(name)' is not a paper with registered experiments (allowed: \((Paper.all + [allPapers]).joined(separator: ", ")))")
        }
        return Paper.all.filter { names.contains(allPapers) || names.contains($0) }
    }

    /// Whether `names` asks for the several-paper layout (`<out>/<paper>/` and `<out>/index.html`): `all`, or
    /// more than one paper. One paper keeps the single-paper layout (`<out>/<experiment id>/`, `<out>/report.html`).
    public static func usesPaperDirectories(_ names: [String]) -> Bool {
        names.contains(allPapers) || Set(names).count > 1
    }

    /// Plans the reproduction of `papers` into `<out>/<paper>/` (each as `plan(paper:…)` would). `only` and
    /// `skip` take full ids or short ids that name one experiment of these papers; a paper left without
    /// experiments by them is not run. Throws a one-line `ConfigError` as `plan(paper:…)` does, when `out` is a
    /// single run's directory or a file, or holds an `index.html` rnndyn did not write.
    public static func plan(papers: [String], preset: Preset, seed: UInt64, out: URL, only: [String] = [],
                            skip: [String] = [], force: Bool = false) throws -> PapersReproductionPlan {
        try requireRunsDirectory(out, of: "the papers' runs")
        try SummaryFiles.requireOurs(out, key: "--out", names: [RunFiles.index])
        func resolve(_ names: [String], _ key: String) throws -> Set<String> {
            Set(try names.map { try ExperimentRegistry.resolve($0, key: key, among: papers).id })
        }
        let onlyIDs = try resolve(only, "--only"), skipIDs = try resolve(skip, "--skip")
        var plans: [ReproductionPlan] = []
        for paper in papers {
            let chosen = ExperimentRegistry.experiments(prefix: paper + ".").map(\.id)
                .filter { (onlyIDs.isEmpty || onlyIDs.contains($0)) && !skipIDs.contains($0) }
            guard !chosen.isEmpty else { continue }
            plans.append(try plan(paper: paper, preset: preset, seed: seed, out: out.appendingPathComponent(paper),
                                  only: chosen, force: force))
        }
        guard !plans.isEmpty else { throw ConfigError(key: "--skip", "leaves no experiment to run (allowed: fewer ids)") }
        return PapersReproductionPlan(out: out, plans: plans)
    }

    /// Writes `<out>/index.html` over every registered paper (see `ReportBuilder.writeIndex`).
    @discardableResult
    public static func writeIndex(_ out: URL) throws -> URL {
        try ReportBuilder.writeIndex(out, papers: Paper.all.map(Paper.description), registered: ExperimentRegistry.all.map(\.id),
                                     builtBy: ExperimentJob.provenance)
    }
}
