import Foundation
import Testing
@testable import RNNDynamics

@Suite(.serialized) struct CLIExperimentTests {
    @Test func listShowsEveryRegisteredExperiment() throws {
        let (status, out, _) = try CLIHarness.run(["list"])
        #expect(status == 0)
        for e in ExperimentRegistry.all { #expect(out.contains(e.id) && out.contains(e.paperFigure)) }
    }

    @Test(arguments: [[], ["list"], ["describe"], ["run"], ["reproduce"], ["report"], ["train"]])
    func everyCommandHasHelpWithExamples(command: [String]) throws {
        let (status, out, _) = try CLIHarness.run(command + ["--help"])
        #expect(status == 0 && out.contains("Example"), "\(command): \(out)")
    }

    @Test func runWritesDataFigureChecksAndReport() throws {
        let dir = CLIHarness.tempDir().appendingPathComponent("a1")
        let (status, out, err) = try CLIHarness.run(["run", "proca2025.figA1", "--set", "steps=400", "--out", dir.path])
        #expect(status == 0, "stderr: \(err)")
        #expect(out.contains("holds:") && out.contains("report.html"))
        let arrays = try NPZ.readDictionary(from: dir.appendingPathComponent("results.npz"))
        #expect(arrays["b_sim_orange"]?.shape == [81])   // 400 steps recorded every 5, plus step 0
        let svg = try String(contentsOf: dir.appendingPathComponent("figures/proca2025_figA1.svg"), encoding: .utf8)
        #expect(svg.hasPrefix("<svg") || svg.hasPrefix("<?xml"))
        let doc = try String(contentsOf: dir.appendingPathComponent("DATA.md"), encoding: .utf8)
        #expect(doc.contains("`b_sim_orange`"))
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("config.json"))) as! [String: Any]
        #expect((config["parameters"] as? [String: Any])?["steps"] as? Int == 400)
        #expect((config["overrides"] as? [String: Any])?["steps"] as? Int == 400)
        #expect((config["checks"] as? [[String: Any]])?.first?["holds"] as? Bool == true)
        #expect(config["complete"] as? Bool == true && (config["wall_time_seconds"] as? Double ?? -1) >= 0)
        let commit = try #require(config["git_commit"] as? String)
        #expect(commit == "unknown" || (commit.count == 40 && commit.allSatisfy(\.isHexDigit)))
        let page = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(page.contains("Overridden: steps") && page.contains("href=\"results.npz\""))
    }

    @Test func yamlConfigMatchesTheSameJSONConfig() throws {
        let root = CLIHarness.tempDir()
        try Data("steps: 300\nlearning_rate: 0.02  # comment\n".utf8).write(to: root.appendingPathComponent("c.yaml"))
        try Data(#"{"steps": 300, "learning_rate": 0.02}"#.utf8).write(to: root.appendingPathComponent("c.json"))
        for name in ["c.yaml", "c.json"] {
            let (status, _, err) = try CLIHarness.run(["run", "proca2025.figA1", "--config", root.appendingPathComponent(name).path,
                                                       "--out", root.appendingPathComponent("out-\(name)").path])
            #expect(status == 0, "stderr: \(err)")
        }
        let a = try Data(contentsOf: root.appendingPathComponent("out-c.yaml/results.npz"))
        let b = try Data(contentsOf: root.appendingPathComponent("out-c.json/results.npz"))
        #expect(a == b)
        let record = try RunRecord.read(from: root.appendingPathComponent("out-c.yaml/config.json"))
        #expect(JSONValues.equal(record.parameters["learning_rate"], 0.02) && JSONValues.equal(record.parameters["steps"], 300))
    }

    @Test func trainReadsNestedYAMLConfigs() throws {
        let dir = CLIHarness.tempDir()
        let yaml = dir.appendingPathComponent("train.yml")
        try Data("""
        seed: 4
        model: {hidden: 3}
        data:
          type: sv_task
          singular_values: [[0.2, 0.6, 1.0]]
        training:
          steps: 50
          learning_rate: 0.05
        """.utf8).write(to: yaml)
        let out = dir.appendingPathComponent("out")
        let (status, _, err) = try CLIHarness.run(["train", "--config", yaml.path, "--out", out.path])
        #expect(status == 0, "stderr: \(err)")
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("config.json"))) as? [String: Any]
        #expect(config?["seed"] as? Int == 4 && (config?["model"] as? [String: Any])?["hidden"] as? Int == 3)
        #expect(try NPZ.readDictionary(from: out.appendingPathComponent("results.npz"))["loss"]?.shape == [51])
    }

    @Test func runRefusesACompleteRunAndReplacesAnInterruptedOne() throws {
        let dir = CLIHarness.tempDir().appendingPathComponent("a1")
        let args = ["run", "proca2025.figA1", "--set", "steps=400", "--out", dir.path]
        #expect(try CLIHarness.run(args).0 == 0)
        let results = dir.appendingPathComponent("results.npz")
        let before = try Data(contentsOf: results)
        let (again, _, againErr) = try CLIHarness.run(args)
        #expect(again == 2 && againErr.contains("--out:") && againErr.contains("complete run"), "stderr: \(againErr)")
        #expect(try Data(contentsOf: results) == before)
        // Without its completion marker the directory is an interrupted run: replaced without --force.
        try FileManager.default.removeItem(at: dir.appendingPathComponent("config.json"))
        let (resumed, out, err) = try CLIHarness.run(args)
        #expect(resumed == 0 && out.contains("replacing the interrupted run"), "stderr: \(err)")
        #expect(try RunRecord.read(from: dir.appendingPathComponent("config.json")).complete)
        #expect(try Data(contentsOf: results) == before, "same seed, same bytes")
        // Files rnndyn did not write are refused without --force.
        let foreign = CLIHarness.tempDir()
        try Data("mine".utf8).write(to: foreign.appendingPathComponent("notes.txt"))
        let (refused, _, refusedErr) = try CLIHarness.run(["run", "proca2025.figA1", "--set", "steps=400", "--out", foreign.path])
        #expect(refused == 2 && refusedErr.contains("did not write"), "stderr: \(refusedErr)")
        #expect(FileManager.default.fileExists(atPath: foreign.appendingPathComponent("notes.txt").path))
    }

    @Test func aFailingClaimCheckExitsWithStatus4AndStillWritesTheRun() throws {
        // 200 steps are too few for the 90 % loss drop that Fig. A1's ordering check measures.
        let dir = CLIHarness.tempDir().appendingPathComponent("short")
        let (status, out, err) = try CLIHarness.run(["run", "proca2025.figA1", "--set", "steps=200", "--out", dir.path])
        #expect(status == 4 && out.contains("FAILS:") && err.contains("1 of 1 claim checks fail"), "stderr: \(err)")
        let page = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(page.contains("badge fails"))
        #expect(try RunRecord.read(from: dir.appendingPathComponent("config.json")).complete)
    }

    @Test func reproduceResumesOnlyWhatIsMissing() throws {
        let out = CLIHarness.tempDir().appendingPathComponent("out")
        let args = ["reproduce", "proca2025", "--only", "figA1,extrapolation", "--out", out.path]
        let (first, firstOut, firstErr) = try CLIHarness.run(args)
        #expect(first == 0, "stderr: \(firstErr)")
        #expect(firstOut.hasSuffix(out.appendingPathComponent("report.html").path + "\n"), "prints the report path last")
        let kept = out.appendingPathComponent("proca2025.extrapolation")
        func snapshot() throws -> [String: Date] {
            var dates: [String: Date] = [:]
            for file in try FileManager.default.subpathsOfDirectory(atPath: kept.path) {
                dates[file] = try FileManager.default.attributesOfItem(atPath: kept.appendingPathComponent(file).path)[.modificationDate] as? Date
            }
            return dates
        }
        let keptBefore = try snapshot()
        // Simulate an interruption: figA1 lost its completion marker, and a killed process left a staging directory.
        let a1 = out.appendingPathComponent("proca2025.figA1")
        try FileManager.default.removeItem(at: a1.appendingPathComponent("config.json"))
        let stale = out.appendingPathComponent("proca2025.figA1.partial-2147483646-dead")
        try FileManager.default.createDirectory(at: stale, withIntermediateDirectories: true)
        let (second, secondOut, secondErr) = try CLIHarness.run(args)
        #expect(second == 0, "stderr: \(secondErr)")
        let lines = secondOut.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("proca2025.extrapolation") && $0.contains("(kept)") }, "\(secondOut)")
        #expect(lines.contains { $0.hasPrefix("proca2025.figA1") && $0.contains("interrupted run replaced") }, "\(secondOut)")
        #expect(try snapshot() == keptBefore, "the complete run was left untouched")
        #expect(try RunRecord.read(from: a1.appendingPathComponent("config.json")).complete)
        #expect(!FileManager.default.fileExists(atPath: stale.path), "stale staging directory removed")
        // Another seed would overwrite deliberate results: refused without --force, recomputed with it.
        let (other, _, otherErr) = try CLIHarness.run(args + ["--seed", "1"])
        #expect(other == 2 && otherErr.split(separator: "\n").count == 1 && otherErr.contains("--out:"), "stderr: \(otherErr)")
        #expect(try snapshot() == keptBefore)
        let (forced, forcedOut, _) = try CLIHarness.run(args + ["--seed", "1", "--force"])
        #expect(forced == 0 && !forcedOut.contains("(kept)"))
        #expect(try RunRecord.read(from: kept.appendingPathComponent("config.json")).seed == 1)
        // `report` rebuilds from the saved data alone.
        let (report, reportOut, _) = try CLIHarness.run(["report", out.path])
        #expect(report == 0 && reportOut.contains("redrew 2 figures"))
        // A directory of runs is not mistaken for one interrupted run, nor one run for a directory of runs.
        let (single, _, singleErr) = try CLIHarness.run(["run", "proca2025.figA1", "--out", out.path])
        #expect(single == 2 && singleErr.contains("holds 2 runs"), "stderr: \(singleErr)")
        let (nested, _, nestedErr) = try CLIHarness.run(["reproduce", "proca2025", "--only", "figA1", "--out", a1.path])
        #expect(nested == 2 && nestedErr.contains("single run"), "stderr: \(nestedErr)")
        #expect(try RunRecord.read(from: kept.appendingPathComponent("config.json")).seed == 1, "refused commands changed nothing")
    }

    @Test(arguments: [
        (["run", "proca2025.nope"], "experiment:"),
        (["run", "proca2025.figA1", "--set", "stepz=3"], "proca2025.figA1.stepz:"),
        (["run", "proca2025.figA1", "--set", "steps=many"], "proca2025.figA1.steps:"),
        (["run", "proca2025.figA1", "--set", "steps.inner=3"], "proca2025.figA1.steps:"),
        (["run", "proca2025.figA1", "--set", "outer.inner=3"], "proca2025.figA1.outer:"),
        (["run", "proca2025.figA1", "--set", "learning_rate=-1"], "proca2025.figA1.learning_rate:"),
        (["run", "proca2025.figA1", "--set", "=1"], "--set:"),
        (["run", "proca2025.figA1", "--config", "/nonexistent/c.yaml"], "--config:"),
        (["run", "proca2025.figA1", "--config", "c.toml"], "--config:"),
        (["run", "proca2025.figA1", "--quick", "--full"], "--full:"),
        (["run", "proca2025.figA1", "--out", "/proc/rnndyn-cannot-write"], "--out:"),
        (["run"], "experiment"),
        (["reproduce", "nopaper"], "paper:"),
        (["reproduce", "proca2025", "--only", "figZ"], "--only:"),
        (["reproduce", "proca2025", "--out", "/proc/rnndyn-cannot-write"], "--out:"),
        (["report", "/nonexistent/dir"], "DIR:"),
    ])
    func badInputGivesOneLineAndStatus2(args: [String], key: String) throws {
        var a = args
        let out = CLIHarness.tempDir().appendingPathComponent("x")
        if !a.contains("--out") && a.first != "report" && a.count > 1 { a += ["--out", out.path] }
        let (status, _, err) = try CLIHarness.run(a)
        #expect(status == 2, "stderr: \(err)")
        #expect(err.split(separator: "\n").count == 1 && err.contains(key), "stderr: \(err)")
        #expect(!FileManager.default.fileExists(atPath: out.path), "nothing is written")
    }

    @Test func badYAMLKeysAndReportOnAnEmptyDirectoryAreOneLineErrors() throws {
        let dir = CLIHarness.tempDir()
        let yaml = dir.appendingPathComponent("c.yml")
        try Data("steps: 300\nstepz: 4\n".utf8).write(to: yaml)
        let out = dir.appendingPathComponent("out")
        let (status, _, err) = try CLIHarness.run(["run", "proca2025.figA1", "--config", yaml.path, "--out", out.path])
        #expect(status == 2 && err.split(separator: "\n").count == 1 && err.contains("proca2025.figA1.stepz:"), "stderr: \(err)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
        let (empty, _, emptyErr) = try CLIHarness.run(["report", dir.path])
        #expect(empty == 2 && emptyErr.split(separator: "\n").count == 1 && emptyErr.contains("no complete run"), "stderr: \(emptyErr)")
    }
}

/// A run's own `config.json` is accepted back by `--config` and reproduces the run bit for bit (issue 11, bug 1).
@Suite struct RunConfigRoundTripTests {
    @Test func aRunsConfigJSONReproducesItBitForBit() throws {
        let root = CLIHarness.tempDir()
        let first = root.appendingPathComponent("first"), again = root.appendingPathComponent("again")
        let (s1, _, e1) = try CLIHarness.run(["run", "proca2025.figA1", "--set", "initial_mode=0.10123456789012345",
                                              "--seed", "2", "--out", first.path])
        #expect(s1 == 0, "\(e1)")
        let config = first.appendingPathComponent("config.json").path
        let (s2, _, e2) = try CLIHarness.run(["run", "proca2025.figA1", "--config", config, "--out", again.path])
        #expect(s2 == 0, "\(e2)")
        #expect(try Data(contentsOf: first.appendingPathComponent("results.npz")) == Data(contentsOf: again.appendingPathComponent("results.npz")))
        let a = try RunRecord.read(from: URL(fileURLWithPath: config))
        let b = try RunRecord.read(from: again.appendingPathComponent("config.json"))
        #expect(b.seed == 2 && b.preset == a.preset)
        #expect(CanonicalJSON.text(a.parameters) == CanonicalJSON.text(b.parameters))
        #expect((b.parameters["initial_mode"] as? NSNumber)?.doubleValue == 0.101_234_567_890_123_45)
        // Another experiment's run is refused by name.
        let (s3, _, e3) = try CLIHarness.run(["run", "proca2025.figA2", "--config", config, "--out", root.appendingPathComponent("x").path])
        #expect(s3 == 2 && e3.contains("--config:") && e3.contains("proca2025.figA1 run"), "\(e3)")
    }
}
