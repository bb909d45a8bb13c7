import Foundation

/// One cell of a sweep: a grid point and a seed, with the overrides it runs under and its content id.
public struct SweepCell: Sendable {
    /// Position in the sweep's cell order (axes outermost first, seeds innermost).
    public let index: Int
    /// Index along each axis.
    public let point: [Int]
    /// Position of its seed in the spec's seed list.
    public let seedIndex: Int
    /// Root seed.
    public let seed: UInt64
    /// Base overrides with this point's axis values set (a config tree).
    public let overrides: [String: any Sendable]
    /// Deterministic id: the first 16 hex digits of SHA-256 over the canonical experiment id, resolved parameters
    /// (preset defaults merged with the overrides) and seed. Runner options never enter it.
    public let id: String
    /// The study cell's name, in a study sweep (nil for a grid cell).
    public let studyCell: String?
}

extension SweepSpec {
    /// Every cell of experiment `e` (the spec's), axes outermost first and seeds innermost; throws a `ConfigError`
    /// for an axis that names no parameter of it, or (when `validate`) any grid point whose parameters the experiment rejects.
    /// A study sweep's cell ids include `codeVersion` (the version of the code computing them, see `StudyCellKey`).
    public func cells(of e: any Experiment, validate: Bool = false, codeVersion: String = "") throws -> [SweepCell] {
        precondition(e.id == experiment, "cells of \(experiment) asked of \(e.id)")
        if study { return try studyCells(of: e, codeVersion: codeVersion) }
        let defaults = e.parameters(preset)
        for (i, axis) in axes.enumerated() {
            let top = String(axis.name.split(separator: ".").first ?? "")
            guard defaults[top] != nil else {
                throw ConfigError(key: "sweep.axes[\(i)].name", "'\(axis.name)' is not a parameter of \(experiment) (allowed: \(defaults.keys.sorted().joined(separator: ", ")))")
            }
        }
        let points = axes.reduce([[Int]]([[]])) { acc, axis in acc.flatMap { p in axis.values.indices.map { p + [$0] } } }
        var out: [SweepCell] = []
        out.reserveCapacity(points.count * seeds.count)
        for point in points {
            var tree = ParameterOverrides(overrides)
            for (a, i) in zip(axes, point) { try tree.set(a.name, to: a.values[i].json) }
            let resolved = ParameterOverrides.deepMerge(defaults, tree.tree)
            if validate {
                do { try e.validate(preset, overrides: tree.tree) } catch let error as ConfigError {
                    let at = zip(axes, point).map { "\($0.name)=\($0.values[$1].text)" }.joined(separator: ", ")
                    throw ConfigError(key: error.key, "\(error.message) [sweep cell \(at.isEmpty ? "(no axes)" : at)]")
                }
            }
            for (s, seed) in seeds.enumerated() {
                let key = CanonicalJSON.text(["experiment": experiment, "parameters": resolved, "seed": seed] as [String: Any])
                out.append(SweepCell(index: out.count, point: point, seedIndex: s, seed: seed,
                                     overrides: Self.sendable(tree.tree) as? [String: any Sendable] ?? [:],
                                     id: String(SHA256.hex(key).prefix(16)), studyCell: nil))
            }
        }
        return out
    }

    /// The cells of a study sweep: the study's cells for the spec's preset, overrides and seed, each with the id of
    /// its `StudyCellKey` (so a cell's file is content-addressed); throws for an experiment that is not a
    /// `PersistentStudy` or parameters it rejects.
    func studyCells(of e: any Experiment, codeVersion: String) throws -> [SweepCell] {
        guard let s = e as? any PersistentStudy else {
            throw ConfigError(key: "sweep.study", "\(experiment) is not a study whose cells can be stored (allowed: study: true with a persistent study, e.g. proca2025.fig5)")
        }
        let seed = seeds[0]
        let keyed = try s.keyedCells(preset, overrides: overrides as [String: Any], seed: seed, codeVersion: codeVersion)
        return keyed.enumerated().map { i, k in
            SweepCell(index: i, point: [], seedIndex: 0, seed: seed, overrides: overrides, id: StudyCellKey.id(k.key), studyCell: k.cell.name)
        }
    }
}
