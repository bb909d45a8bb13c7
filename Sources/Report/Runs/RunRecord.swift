import DataIO
import ExperimentKit
import Foundation

/// Which build produced a run: the rnndyn version and the git commit ("unknown" outside a checkout).
public struct Provenance: Sendable, Equatable {
    /// rnndyn release.
    public var version: String
    /// Commit hash of the checkout the executable was built from.
    public var gitCommit: String

    /// A provenance record.
    public init(version: String, gitCommit: String) {
        self.version = version
        self.gitCommit = gitCommit
    }
}

/// The contents of a run directory's `config.json`: what ran, with which fully resolved parameters, what it
/// found, and the completion marker that is written last.
public struct RunRecord {
    /// Experiment id.
    public var experiment: String
    /// Paper figure it reproduces.
    public var paperFigure: String
    /// One-line description (the paper's claim).
    public var summary: String
    /// Preset the defaults came from.
    public var preset: Preset
    /// Root seed.
    public var seed: UInt64
    /// Every parameter as the experiment read it (defaults included).
    public var parameters: [String: Any]
    /// The user's overrides (config file and `--set`), empty for a preset run.
    public var overrides: [String: Any]
    /// Version and commit of the build.
    public var provenance: Provenance
    /// ISO 8601 time the computation started.
    public var startedAt: String
    /// Seconds spent computing (excluding writing files).
    public var wallTimeSeconds: Double
    /// The claim checks.
    public var checks: [ClaimCheck]
    /// Largest relative theory-vs-simulation gap, if the experiment compares them.
    public var theoryError: Double?
    /// The completion marker: true once every file of the run is in place.
    public var complete: Bool
    /// Named scalar outcomes of the experiment, in the experiment's order.
    public var scalars: [ScalarOutcome] = []
    /// Why a run that did not complete stopped (`reason`, `step`, … as `DivergedRun` writes it); nil otherwise.
    public var stop: [String: Any]?

    /// A record.
    public init(experiment: String, paperFigure: String, summary: String, preset: Preset, seed: UInt64,
                parameters: [String: Any], overrides: [String: Any], provenance: Provenance, startedAt: String,
                wallTimeSeconds: Double, checks: [ClaimCheck], theoryError: Double?, complete: Bool) {
        self.experiment = experiment; self.paperFigure = paperFigure; self.summary = summary
        self.preset = preset; self.seed = seed; self.parameters = parameters; self.overrides = overrides
        self.provenance = provenance; self.startedAt = startedAt; self.wallTimeSeconds = wallTimeSeconds
        self.checks = checks; self.theoryError = theoryError; self.complete = complete
    }

    /// Number of checks that hold.
    public var checksHolding: Int { checks.filter(\.holds).count }
    /// Number of checks that fail (declared non-reproductions of paper claims do not count).
    public var checksFailing: Int { checks.filter(\.fails).count }
    /// The checks counted by kind and verdict.
    public var tally: ClaimTally { ClaimTally(checks) }

    /// The record as the JSON object of `config.json`.
    public var json: [String: Any] {
        var out: [String: Any] = [
            "experiment": experiment, "paper_figure": paperFigure, "summary": summary, "preset": preset.rawValue,
            "seed": seed, "parameters": parameters, "overrides": overrides, "rnndyn_version": provenance.version,
            "git_commit": provenance.gitCommit, "started_at": startedAt, "wall_time_seconds": wallTimeSeconds,
            "checks": checks.map(Self.json),
            "complete": complete,
        ]
        if let theoryError { out["theory_error"] = theoryError }
        if let stop { out["stop"] = stop }
        if !scalars.isEmpty {
            out["scalars"] = scalars.map { ["name": $0.name, "value": $0.value, "doc": $0.doc] as [String: Any] }
        }
        return out
    }

    /// One check as a JSON object: claim, holds, evidence, kind, outcome and, when declared, known_non_reproduction
    /// (and below_paper_scale when the declaration is the run's scale).
    static func json(_ c: ClaimCheck) -> [String: Any] {
        var o: [String: Any] = ["claim": c.claim, "holds": c.holds, "evidence": c.evidence, "kind": c.kind.rawValue,
                                "outcome": c.outcome.rawValue]
        if let why = c.knownNonReproduction { o["known_non_reproduction"] = why }
        if c.belowPaperScale == true { o["below_paper_scale"] = true }
        return o
    }

    /// `config.json` as pretty, key-sorted JSON.
    public func jsonData() throws -> Data {
        try ConfigReader.jsonData(json)
    }

    /// Parses a `config.json` object; `source` names the file in errors.
    public init(json o: [String: Any], source: String) throws {
        func field<T>(_ key: String, _ type: T.Type) throws -> T {
            guard let v = o[key] as? T else { throw DataIOError.json(source: source, detail: "missing or mistyped key '\(key)'") }
            return v
        }
        guard let preset = Preset(rawValue: try field("preset", String.self)) else {
            throw DataIOError.json(source: source, detail: "key 'preset' is not one of \(Preset.allCases.map(\.rawValue))")
        }
        let checks = try field("checks", [[String: Any]].self).map { c -> ClaimCheck in
            guard let claim = c["claim"] as? String, let holds = c["holds"] as? Bool, let evidence = c["evidence"] as? String else {
                throw DataIOError.json(source: source, detail: "a check lacks claim, holds or evidence")
            }
            // Records written before checks had a kind are paper claims.
            guard let kind = ClaimKind(rawValue: c["kind"] as? String ?? ClaimKind.paper.rawValue) else {
                throw DataIOError.json(source: source, detail: "a check's kind is not one of \(ClaimKind.allCases.map(\.rawValue))")
            }
            return ClaimCheck(claim: claim, holds: holds, evidence: evidence, kind: kind,
                              knownNonReproduction: c["known_non_reproduction"] as? String,
                              belowPaperScale: c["below_paper_scale"] as? Bool)
        }
        self.init(experiment: try field("experiment", String.self), paperFigure: try field("paper_figure", String.self),
                  summary: o["summary"] as? String ?? "", preset: preset, seed: (try field("seed", NSNumber.self)).uint64Value,
                  parameters: try field("parameters", [String: Any].self), overrides: o["overrides"] as? [String: Any] ?? [:],
                  provenance: Provenance(version: o["rnndyn_version"] as? String ?? "unknown",
                                         gitCommit: o["git_commit"] as? String ?? "unknown"),
                  startedAt: o["started_at"] as? String ?? "", wallTimeSeconds: (o["wall_time_seconds"] as? NSNumber)?.doubleValue ?? 0,
                  checks: checks, theoryError: (o["theory_error"] as? NSNumber)?.doubleValue,
                  complete: o["complete"] as? Bool ?? false)
        self.scalars = try (o["scalars"] as? [[String: Any]] ?? []).map { s in
            guard let name = s["name"] as? String, let value = (s["value"] as? NSNumber)?.doubleValue else {
                throw DataIOError.json(source: source, detail: "a scalar lacks name or value")
            }
            return ScalarOutcome(name, value, doc: s["doc"] as? String ?? "")
        }
        self.stop = o["stop"] as? [String: Any]
    }

    /// Reads and parses the `config.json` at `url`.
    public static func read(from url: URL) throws -> RunRecord {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw DataIOError.io(path: url.path, operation: "read", detail: error.localizedDescription)
        }
        guard let object = (try? ExactJSON.parse(data)) as? [String: Any] else {
            throw DataIOError.json(source: url.path, detail: "not a JSON object")
        }
        return try RunRecord(json: object, source: url.path)
    }
}
