import DataIO
import ExperimentKit
import Foundation

/// The scalar outcomes of runs as tidy CSV tables.
public enum RunMetrics {
    /// One experiment run's `metrics.csv` (see `rows`).
    public static func table(_ record: RunRecord) throws -> CSVWriter {
        try RunMetric.table(rows(record))
    }

    /// The `metrics.csv` rows of an experiment run: `checks_holding`, `checks_total`, `checks_failing` (declared
    /// non-reproductions of paper claims do not fail), `check_<k>` (1 holds, 0 does not; the description is the
    /// verdict, the kind, the claim and its evidence), `theory_error` (when the experiment compares theory and
    /// simulation), the experiment's named scalars and `wall_time_seconds`.
    public static func rows(_ record: RunRecord) -> [RunMetric] {
        var rows = [RunMetric("checks_holding", .int(record.checksHolding), "claim checks that hold"),
                    RunMetric("checks_total", .int(record.checks.count), "claim checks"),
                    RunMetric("checks_failing", .int(record.checksFailing), "claim checks that fail (a known non-reproduction of a paper claim does not)")]
        for (k, check) in record.checks.enumerated() {
            rows.append(RunMetric("check_\(k + 1)", .int(check.holds ? 1 : 0),
                                  "[\(check.verdictText); \(check.kind.rawValue)] \(check.claim) — \(check.evidence)"))
        }
        if let e = record.theoryError {
            rows.append(RunMetric("theory_error", .double(e), "largest relative theory-vs-simulation gap"))
        }
        for s in record.scalars { rows.append(RunMetric(s.name, .double(s.value), s.doc)) }
        rows.append(RunMetric("wall_time_seconds", .double(record.wallTimeSeconds), "seconds spent computing"))
        return rows
    }

    /// The columns of the summary table.
    static let summaryColumns = ["experiment", "paper_figure", "preset", "seed", "checks_holding", "checks_total",
                                 "theory_error", "wall_time_seconds", "directory"]

    /// The summary `metrics.csv` of a directory of runs, one row per run: `experiment,paper_figure,preset,seed,
    /// checks_holding,checks_total,theory_error` (empty when not compared)`,wall_time_seconds,directory`.
    public static func summaryTable(_ runs: [SavedRun], relativeTo root: URL) throws -> CSVWriter {
        var csv = CSVWriter(header: summaryColumns)
        for run in runs {
            let r = run.record
            try csv.append([.string(r.experiment), .string(r.paperFigure), .string(r.preset.rawValue), .string(String(r.seed)),
                            .int(r.checksHolding), .int(r.checks.count), r.theoryError.map(CSVCell.double) ?? "",
                            .double(r.wallTimeSeconds), .string(RelativePath.from(root, to: run.directory))])
        }
        return csv
    }
}

/// One row of a run's `metrics.csv`, the one layout of `rnndyn run` and `rnndyn train`: a named scalar, its
/// value and what it means.
public struct RunMetric: Sendable, Equatable {
    /// The shared header, `metric,value,description`.
    public static let header = ["metric", "value", "description"]
    /// Metric name (a key: letters, digits, underscores).
    public var name: String
    /// Its value (an integer or a number).
    public var value: CSVCell
    /// What it means.
    public var description: String

    /// A row.
    public init(_ name: String, _ value: CSVCell, _ description: String) {
        self.name = name; self.value = value; self.description = description
    }

    /// The `metrics.csv` table of `rows`, under `header`.
    public static func table(_ rows: [RunMetric]) throws -> CSVWriter {
        var csv = CSVWriter(header: header)
        for r in rows { try csv.append([.string(r.name), r.value, .string(r.description)]) }
        return csv
    }
}

/// Relative paths between directories, for links in reports and tables.
public enum RelativePath {
    /// The path of `target` relative to the directory `base` ("." when equal).
    public static func from(_ base: URL, to target: URL) -> String {
        let b = base.standardizedFileURL.pathComponents, t = target.standardizedFileURL.pathComponents
        var common = 0
        while common < min(b.count, t.count), b[common] == t[common] { common += 1 }
        let parts = Array(repeating: "..", count: b.count - common) + t[common...]
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }
}
