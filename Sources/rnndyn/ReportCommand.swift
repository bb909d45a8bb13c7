import ArgumentParser
import Foundation
import RNNDynamics

/// `rnndyn report`: figures and report from saved data, without recomputing.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Redraw figures and rebuild report.html from saved run data, without recomputing.",
        discussion: """
        DIR is a run directory (from `rnndyn run`) or a directory of them (from `rnndyn reproduce`). Every \
        figure is redrawn from figure.json and results.npz (SVG, and PNG when rsvg-convert is installed), every \
        run's report.html is rewritten, and for a directory of runs so are DIR/report.html and DIR/metrics.csv. \
        For a directory of `rnndyn reproduce all` (one directory of runs per paper) each paper's report is \
        rebuilt, then DIR/index.html. Use it after changing the plotting code or the report, or on results copied \
        from another machine.

        Examples:
          rnndyn report out
          rnndyn report out/proca2025
          rnndyn report out/proca2025/proca2025.figA1
        """)

    @Argument(help: "A run directory or a directory of run directories.")
    var directory: String

    func run() throws {
        let url = URL(fileURLWithPath: directory)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), isDir.boolValue else {
            throw fail(ConfigError(key: "DIR", "'\(directory)' is not a directory (allowed: a directory written by rnndyn run or rnndyn reproduce)"))
        }
        let papers = ReportBuilder.paperDirectories(in: url, papers: Paper.all)
        let direct = !SavedRun.all(in: url).isEmpty
        guard direct || !papers.isEmpty else {
            throw fail(ConfigError(key: "DIR", "'\(directory)' holds no complete run (allowed: a directory written by rnndyn run or rnndyn reproduce)"))
        }
        var runs: [SavedRun] = []
        var shown: [URL] = []
        do {
            for dir in (direct ? [url] : []) + papers.map({ url.appendingPathComponent($0) }) {
                let outcome = try ReportBuilder.rebuild(dir, builtBy: ExperimentJob.provenance)
                runs += outcome.runs
                shown.append(outcome.report)
            }
            if !papers.isEmpty { shown.append(try Reproduction.writeIndex(url)) }
        } catch { throw fail(error) }
        printLine("redrew \(runs.count) figure\(runs.count == 1 ? "" : "s"); \(ClaimTally(runs.flatMap(\.record.checks)).summary)")
        // The index (when there is one) is printed last; the paths are shown as given.
        for report in shown { printLine(url.appendingPathComponent(RelativePath.from(url, to: report)).relativePath) }
    }
}
