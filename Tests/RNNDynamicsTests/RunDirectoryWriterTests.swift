import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import RNNDynamics

/// The one run-directory writer: staging, file order, refusal, and the `train` and experiment directories it writes.
@Suite struct RunDirectoryWriterTests {
    /// A small run: two arrays (one int64), a figure, two metrics and one extra file that inspects the staging.
    static func contents(config: String = #"{"complete": true}"#, seen: @escaping @Sendable (URL) -> Void = { _ in }) throws -> RunDirectoryContents {
        let arrays = [RunArray("step", NumpyArray([Int64(0), 1, 2]), doc: "step"),
                      RunArray("loss", NumpyArray([1.0, 0.5, 0.25]), doc: "loss | per step")]
        let spec = FigureSpec(title: "t", columns: 1, panels: [
            Panel(title: "loss", xLabel: "step", yLabel: "loss", yScale: .log,
                  content: .lines([Series("loss", x: "step", y: "loss", style: .simulation, group: 0)]))])
        return RunDirectoryContents(
            arrays: arrays, documentation: RunDocument(title: "T", summary: "S.", arraysIntro: "Arrays:", files: [.init("x.txt", "x")]),
            figure: try RunFigure(spec, stem: "small", dataset: RunArray.dataset(arrays)),
            metrics: [RunMetric("n", .int(3), "count"), RunMetric("r", .double(0.5), "a, b")],
            extraFiles: [RunExtraFile("x.txt") { staging in seen(staging); return Data("x".utf8) }],
            config: Data(config.utf8))
    }

    @Test func writesStagedWithConfigLastAndRefusesANonEmptyDirectory() throws {
        let root = CLIHarness.tempDir(), run = root.appendingPathComponent("run")
        nonisolated(unsafe) var staged: (URL, [String])?
        try RunDirectoryWriter.write(try Self.contents { dir in
            staged = (dir, (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [])
        }, to: run, replace: false)
        // The extra file was computed inside a staging directory beside the destination, before config.json.
        let (dir, files) = try #require(staged)
        #expect(dir.lastPathComponent.hasPrefix("run.partial-"))
        #expect(dir.deletingLastPathComponent().resolvingSymlinksInPath().path == root.resolvingSymlinksInPath().path)
        #expect(Set(files) == ["results.npz", "DATA.md", "figure.json", "figures", "metrics.csv"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["run"], "no staging left behind")
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: run.path))
                == ["results.npz", "DATA.md", "figure.json", "figures", "metrics.csv", "x.txt", "config.json", WrittenFiles.manifest])
        #expect(try String(contentsOf: run.appendingPathComponent("metrics.csv"), encoding: .utf8)
                == "metric,value,description\nn,3,count\nr,0.5,\"a, b\"\n")
        let doc = try String(contentsOf: run.appendingPathComponent("DATA.md"), encoding: .utf8)
        #expect(doc.hasPrefix("# T\n\nS.\n\n## `results.npz`\n\nArrays:\n\n| key | shape | contents |\n|---|---|---|\n| `step` | 3 | step |\n| `loss` | 3 | loss \\| per step |\n"))
        #expect(doc.hasSuffix("## Other files\n\n| file | contents |\n|---|---|\n| `x.txt` | x |\n"))
        #expect(XMLParser(data: try Data(contentsOf: run.appendingPathComponent("figures/small.svg"))).parse())
        // A non-empty destination is refused and left alone; `replace` swaps it atomically.
        #expect(throws: DataIOError.destinationExists(path: run.standardizedFileURL.path)) {
            try RunDirectoryWriter.write(try Self.contents(config: "{}"), to: run, replace: false)
        }
        #expect(try Data(contentsOf: run.appendingPathComponent("config.json")) == Data(#"{"complete": true}"#.utf8))
        try RunDirectoryWriter.write(try Self.contents(config: "{}"), to: run, replace: true)
        #expect(try Data(contentsOf: run.appendingPathComponent("config.json")) == Data("{}".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["run"])
    }

    @Test func trainRunDirectoryIsDocumentedWithSharedMetricsAndAFigure() throws {
        let spec = try TrainSpec.parse(Data(#"""
        {"seed": 1, "model": {"hidden": 4}, "init": {"type": "aligned", "a": 0.1, "b": 0.1, "c": 0.1},
         "data": {"type": "sv_task", "singular_values": [[1, 1, 1], [0.5, 0.5, 0.5]], "nx": 2, "ny": 2, "samples": 0},
         "training": {"steps": 50, "learning_rate": 0.05, "record_points": 10}}
        """#.utf8))
        let outcome = try TrainJob.run(spec)
        let contents = try TrainOutput.contents(outcome)
        #expect(contents.figure?.stem == "train" && contents.extraFiles.map(\.path) == ["loss.csv"])
        let run = CLIHarness.tempDir().appendingPathComponent("train")
        try TrainJob.write(outcome, to: run, force: false)

        let arrays = try NPZ.readDictionary(from: run.appendingPathComponent("results.npz"))
        let documented = try ReproductionTests.documentedArrays(run.appendingPathComponent("DATA.md"))
        #expect(Set(documented.keys) == Set(arrays.keys))
        for key in ["loss", "step", "record_step", "record_loss", "Wx", "Wh", "Wy", "Wh_history", "eig_Wh_real", "modes_b",
                    "task_singular_values", "basis_R"] {
            #expect(!(documented[key] ?? "").isEmpty && !(documented[key] ?? "").hasPrefix("recorded probe"), "\(key)")
        }
        let dataDoc = try String(contentsOf: run.appendingPathComponent("DATA.md"), encoding: .utf8)
        let records = arrays["record_step"]!.shape[0]
        #expect(dataDoc.contains("| `Wh_history` | \(records) × 4 × 4 |") && dataDoc.contains("| `loss.csv` |"), "\(dataDoc)")

        let rows = try String(contentsOf: run.appendingPathComponent("metrics.csv"), encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows.first == RunMetric.header)
        #expect(rows.dropFirst().map { $0[0] } == ["final_loss", "initial_loss", "steps_run", "stop", "final_learning_rate", "wall_time_seconds"])
        let loss = try arrays["loss"]!.asDoubles()
        #expect(rows[1][1] == loss.last!.description && rows[2][1] == loss.first!.description)
        #expect(rows[3][1] == "50" && rows[4] == ["stop", "50", "completed"] && rows[5][1] == "0.05")
        #expect(Double(rows[6][1])! >= 0)

        let lossCSV = try String(contentsOf: run.appendingPathComponent("loss.csv"), encoding: .utf8).split(separator: "\n")
        #expect(lossCSV.first == "step,loss" && lossCSV.count == 52 && lossCSV[1] == "0,\(loss[0])")
        #expect(try arrays["step"]!.doubles(order: .c) == (0...50).map(Double.init))

        let figure = try JSONIO.read(FigureSpec.self, from: run.appendingPathComponent("figure.json"))
        #expect(figure.panels.count == 2 && figure.panels[0].yScale == .log)
        try ReproductionTests.checkFigureArrays(figure, arrays, "train")
        let svg = try Data(contentsOf: run.appendingPathComponent("figures/train.svg"))
        #expect(XMLParser(data: svg).parse() && String(decoding: svg, as: UTF8.self).contains("<svg "))
        // config.json keeps its keys, and is written last.
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("config.json"))) as! [String: Any]
        #expect((config["stop"] as? [String: Any])?["reason"] as? String == "completed" && config["final_learning_rate"] as? Double == 0.05)
        // `rnndyn report` reads experiment runs only: a train directory is not a complete experiment run.
        if case .complete = RunDirectoryState.inspect(run) { Issue.record("a train run read as an experiment run") }
    }

    @Test func deepLinearTrainRunHasOnlyTheLossPanel() throws {
        let spec = try TrainSpec.parse(Data(#"""
        {"model": {"type": "deep_linear", "hidden": 3}, "init": {"type": "gaussian", "scale": 0.3},
         "data": {"type": "sv_task", "singular_values": [[1], [0.5]], "nx": 2, "ny": 2, "samples": 20},
         "training": {"steps": 20, "learning_rate": 0.05, "record_points": 5}}
        """#.utf8))
        let contents = try TrainOutput.contents(try TrainJob.run(spec))
        #expect(contents.figure?.spec.panels.count == 1)
        #expect(Set(contents.arrays.map(\.name)).isSuperset(of: ["W1", "W2", "W1_history", "W2_history"]))
        #expect(contents.arrays.allSatisfy { !$0.doc.hasPrefix("recorded probe") })
    }

    @Test func experimentRunsGoThroughTheSameWriter() throws {
        let e = try #require(ExperimentRegistry.experiment("proca2025.figA1"))
        let (result, parameters) = try e.run(.quick, overrides: ["steps": 100], seed: 0, threads: 1, progress: { _ in })
        let record = RunRecord(experiment: e.id, paperFigure: e.paperFigure, summary: e.summary, preset: .quick, seed: 0,
                               parameters: parameters, overrides: ["steps": 100], provenance: Provenance(version: "v", gitCommit: "c"),
                               startedAt: "t", wallTimeSeconds: 1, checks: result.checks, theoryError: result.theoryError,
                               complete: false)
        let contents: RunDirectoryContents = try ExperimentOutput.contents(e, result: result, record: record)
        #expect(contents.figure?.stem == e.id && contents.extraFiles.map(\.path) == [RunFiles.report])
        #expect(contents.metrics.map(\.name).prefix(2) == ["checks_holding", "checks_total"])
        let run = CLIHarness.tempDir().appendingPathComponent("exp")
        try RunDirectoryWriter.write(contents, to: run, replace: false)
        for file in [RunFiles.results, RunFiles.dataDoc, RunFiles.figure, RunFiles.svg(e.id), RunFiles.metrics, RunFiles.report, RunFiles.config] {
            #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent(file).path), "\(file)")
        }
        guard case .complete(let saved) = RunDirectoryState.inspect(run) else { Issue.record("not a complete run"); return }
        #expect(saved.experiment == e.id)
    }
}
