import DataIO
import ExperimentKit
import Foundation

/// The scalar outcomes of runs as tidy CSV tables.
public enum RunMetrics {
    /// One run's `metrics.csv`: columns `metric,value,description`; rows `checks_holding`, `checks_total`,
    /// `check_<k>` (1 holds, 0 fails; the description is the claim and its evidence), `theory_error` (when the
    /// experiment compares theory and simulation), the experiment's named scalars and `wall_time_seconds`.
    public static func table(_ record: RunRecord) throws -> CSVWriter {
        var csv = CSVWriter(header: ["metric", "value", "description"])
        try csv.append(["checks_holding", .int(record.checksHolding), "claim checks that hold"])
        try csv.append(["checks_total", .int(record.checks.count), "claim checks"])
        for (k, check) in record.checks.enumerated() {
            try csv.append([.string("check_\(k + 1)"), .int(check.holds ? 1 : 0), .string("\(check.claim) — \(check.evidence)")])
        }
        if let e = record.theoryError {
            try csv.append(["theory_error", .double(e), "largest relative theory-vs-simulation gap"])
        }
        for s in record.scalars { try csv.append([.string(s.name), .double(s.value), .string(s.doc)]) }
        try csv.append(["wall_time_seconds", .double(record.wallTimeSeconds), "seconds spent computing"])
        return csv
    }

    /// The summary `metrics.csv` of a directory of runs, one row per run: `experiment,paper_figure,preset,seed,
    /// checks_holding,checks_total,theory_error` (empty when not compared)`,wall_time_seconds,directory`.
    public static func summaryTable(_ runs: [SavedRun], relativeTo root: URL) throws -> CSVWriter {
        var csv = CSVWriter(header: ["experiment", "paper_figure", "preset", "seed", "checks_holding", "checks_total",
                                     "theory_error", "wall_time_seconds", "directory"])
        for run in runs {
            let r = run.record
            try csv.append([.string(r.experiment), .string(r.paperFigure), .string(r.preset.rawValue), .string(String(r.seed)),
                            .int(r.checksHolding), .int(r.checks.count), r.theoryError.map(CSVCell.double) ?? "",
                            .double(r.wallTimeSeconds), .string(RelativePath.from(root, to: run.directory))])
        }
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
