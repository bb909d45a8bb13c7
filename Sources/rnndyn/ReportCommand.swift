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
        Use it after changing the plotting code or the report, or on results copied from another machine.

        Examples:
          rnndyn report out
          rnndyn report out/proca2025.figA1
        """)

    @Argument(help: "A run directory or a directory of run directories.")
    var directory: String

    func run() throws {
        let url = URL(fileURLWithPath: directory)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), isDir.boolValue else {
            throw fail(ConfigError(key: "DIR", "'\(directory)' is not a directory (allowed: a directory written by rnndyn run or rnndyn reproduce)"))
        }
        guard !SavedRun.all(in: url).isEmpty else {
            throw fail(ConfigError(key: "DIR", "'\(directory)' holds no complete run (allowed: a directory written by rnndyn run or rnndyn reproduce)"))
        }
        let outcome: ReportBuilder.Outcome
        do { outcome = try ReportBuilder.rebuild(url, builtBy: ExperimentJob.provenance) } catch { throw fail(error) }
        printLine("redrew \(outcome.runs.count) figure\(outcome.runs.count == 1 ? "" : "s"); \(ClaimTally(outcome.runs.flatMap(\.record.checks)).summary)")
        printLine(url.appendingPathComponent(RunFiles.report).relativePath)
    }
}
