import ExperimentKit
import Foundation

/// The summary files `rnndyn reproduce` and `rnndyn report` write at the top of a directory of runs
/// (`metrics.csv`, `report.html`), and the check that files already there under those names are rnndyn's own
/// summaries: a user's file of that name is never overwritten.
public enum SummaryFiles {
    /// The names written at the top of a directory of runs.
    public static let names = [RunFiles.metrics, RunFiles.report]

    /// The header line of the summary `metrics.csv` (see `RunMetrics.summaryTable`).
    static var metricsHeader: String { RunMetrics.summaryColumns.joined(separator: ",") }

    /// Throws a one-line `ConfigError` at `key` when `root` holds a file of `names` (by default `metrics.csv` and
    /// `report.html`; also `index.html`) that rnndyn did not write (a summary table with rnndyn's header, or a page
    /// carrying rnndyn's footer).
    public static func requireOurs(_ root: URL, key: String, names: [String] = names) throws {
        for name in names {
            let url = root.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: url.path), !isOurs(url, name: name) else { continue }
            throw ConfigError(key: key, "'\(url.relativePath)' was not written by rnndyn, and rnndyn's summary goes there (allowed: move it away, or another directory)")
        }
    }

    /// Whether the file at `url` is a summary rnndyn wrote under `name`.
    static func isOurs(_ url: URL, name: String) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return false }
        defer { try? handle.close() }
        if name == RunFiles.metrics {
            let head = (try? handle.read(upToCount: metricsHeader.utf8.count + 2)) ?? Data()
            return String(decoding: head, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init) == metricsHeader
        }
        guard let data = try? handle.readToEnd() else { return false }
        return String(decoding: data, as: UTF8.self).contains(ReportPage.footerMark)
    }
}
