import Foundation
import Testing
@testable import RNNDynamics

/// Issue 11, bugs 4 (sizes beyond the machine's memory are refused with the estimate) and 6 (smaller input checks).
@Suite(.serialized) struct InputLimitsTests {
    static var demo: TrainSpec { try! TrainSpec.parse(Data(TrainSpec.defaultJSON.utf8)) }

    @Test(arguments: [
        #"{"model": {"hidden": 100000}, "data": {"type": "sv_task", "singular_values": [[1]]}}"#,
        #"{"data": {"type": "sv_task", "singular_values": [[1, 1, 1]], "nx": 4, "ny": 4, "samples": 100000000}}"#,
        #"{"data": {"type": "sv_task", "singular_values": [[1]]}, "training": {"steps": 1000000000}}"#,
    ])
    func configsBeyondTheAvailableMemoryAreRefusedWithTheEstimate(json: String) throws {
        let need = try #require(TrainResources(try TrainSpec.parse(Data(json.utf8))))
        try #require(need.bytes > SystemMemory.availableBytes(), "this machine has room for \(need.bytes) bytes")
        let dir = CLIHarness.tempDir()
        let cfg = dir.appendingPathComponent("c.json"), out = dir.appendingPathComponent("out")
        try Data(json.utf8).write(to: cfg)
        let (status, _, err) = try CLIHarness.run(["train", "--config", cfg.path, "--out", out.path])
        #expect(status == 2, "stderr: \(err)")
        #expect(err.contains("GiB of memory but") && err.contains("is available"), "stderr: \(err)")
        #expect(err.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    /// Experiments refuse, before any work, a run that would keep more than `RecordBudget.perRun` records; every
    /// preset and every record count up to the budget passes.
    @Test func experimentsRefuseRecordCountsBeyondTheBudget() throws {
        let figA8 = try ExperimentRegistry.resolve("figA8", key: "experiment")
        do {
            try figA8.validate(.quick, overrides: ["steps": 100_000_000, "record_every": 1])
            Issue.record("10⁸ records were accepted")
        } catch let error as ConfigError {
            #expect(error.key == "proca2025.figA8.record_every" && "\(error)".contains("at least 100"), "\(error)")
        }
        try figA8.validate(.quick, overrides: ["steps": 100_000_000, "record_every": 100])
        let (status, _, err) = try CLIHarness.run(["run", "figA1", "--set", "steps=10000000", "--set", "record_every=1",
                                                   "--out", CLIHarness.tempDir().appendingPathComponent("a1").path])
        #expect(status == 2 && err.contains("record_every") && err.contains("records"), "stderr: \(err)")
        for e in ExperimentRegistry.all { for preset in [Preset.quick, .full] { try e.validate(preset) } }
    }

    @Test func theEstimateIsSaneForSmallConfigs() throws {
        let demo = try #require(TrainResources(Self.demo))
        #expect(demo.bytes > TrainResources.baseBytes && demo.bytes < TrainResources.baseBytes + 8 * 1_048_576)
        #expect(demo.timeNote == nil)
        // hidden 1000, 11 records: parameters ≈ 10⁶ doubles; 4 working copies + 6 population workspaces
        // + 3 × 11 record copies + 4 for the eigenvalues ≈ 47 · 8 MB.
        var wide = Self.demo
        wide.hidden = 1000; wide.recordPoints = 10; wide.steps = 100
        let bytes = try #require(TrainResources(wide)).bytes - TrainResources.baseBytes
        #expect(bytes > 46 * 8e6 && bytes < 49 * 8e6, "\(bytes)")
        #expect(throws: ConfigError.self) { try TrainResources(wide)!.requireMemory(available: 1e8) }
        try TrainResources(wide)!.requireMemory(available: 1e9)
        var long = Self.demo
        long.steps = 1_000_000_000
        #expect(TrainResources(long)!.timeNote?.contains("estimated to take about") == true)
    }

    @Test func recordPointsGiveExactlyThatManyRecords() throws {
        let outcome = try TrainJob.run(Self.demo)
        let steps = try #require(outcome.arrays.first { $0.name == "record_step" }).array
        #expect(steps.shape == [80])
        for (count, total) in [(80, 6000), (60, 1000), (2, 5), (10, 9), (50, 20), (7, 0), (100_000, 1_000_000)] {
            let s = RecordSchedule.logSpaced(count: count).resolve(totalSteps: total)
            #expect(s.count == min(count, total + 1), "count \(count), total \(total): \(s.count)")
            #expect(s.first == 0 && s.last == total && s == s.sorted() && Set(s).count == s.count)
        }
    }

    @Test func malformedJSONIsReportedWithItsPosition() throws {
        let (status, _, err) = try CLIHarness.run(["run", "proca2025.figA1", "--set", "steps=[1,", "--out", CLIHarness.tempDir().appendingPathComponent("o").path])
        #expect(status == 2 && err.contains("--set") && err.contains("line 1, column"), "stderr: \(err)")
        let cfg = CLIHarness.tempDir().appendingPathComponent("list.yaml")
        try Data("- 1\n- 2\n".utf8).write(to: cfg)
        let (s2, _, e2) = try CLIHarness.run(["run", "proca2025.figA1", "--config", cfg.path])
        #expect(s2 == 2 && e2.contains("holds a list, not an object of parameters"), "stderr: \(e2)")
    }

    @Test func aNegativeSeedNamesTheOptionAndItsRange() throws {
        for command in [["run", "proca2025.figA1"], ["reproduce", "proca2025"]] {
            let (status, _, err) = try CLIHarness.run(command + ["--seed", "-1"])
            #expect(status == 2, "stderr: \(err)")
            #expect(err.contains("--seed") && err.contains("0…18446744073709551615") && !err.contains("Missing value"), "stderr: \(err)")
            #expect(err.split(separator: "\n").count == 1)
        }
    }

    @Test func runAcceptsTheShortIdThatOnlyAccepts() throws {
        let out = CLIHarness.tempDir().appendingPathComponent("a1")
        let (status, _, err) = try CLIHarness.run(["run", "figA1", "--set", "steps=400", "--out", out.path])
        #expect(status == 0 || status == 4, "stderr: \(err)")
        let record = try RunRecord.read(from: out.appendingPathComponent(RunFiles.config))
        #expect(record.experiment == "proca2025.figA1")
        #expect(try ExperimentRegistry.resolve("figA1", key: "experiment").id == "proca2025.figA1")
        #expect(throws: ConfigError.self) { try ExperimentRegistry.resolve("A1", key: "experiment") }
    }

    /// Inputs `[4, 2, 16]` (or `[2, 16]`) and targets `[3, 16]` in `d.npz` beside a config naming it relatively.
    static func npzConfig(flat: Bool, model: String) throws -> URL {
        let dir = CLIHarness.tempDir()
        var rng = RandomStreams(seed: 2).stream("user")
        let x = flat ? try NumpyArray(shape: [2, 16], cOrder: rng.gaussians(32)) : try NumpyArray(shape: [4, 2, 16], cOrder: rng.gaussians(128))
        try NPZ.write([("X", x), ("Y", try NumpyArray(shape: [3, 16], cOrder: rng.gaussians(48)))], to: dir.appendingPathComponent("d.npz"))
        let cfg = dir.appendingPathComponent("c.json")
        try Data(#"{"model": {"type": "\#(model)", "hidden": 4}, "data": {"type": "npz", "path": "d.npz", "inputs": "X", "targets": "Y"}, "training": {"steps": 20}}"#.utf8).write(to: cfg)
        return cfg
    }

    @Test func aRelativeNpzPathIsReadFromTheConfigFilesFolder() throws {
        let cfg = try Self.npzConfig(flat: false, model: "linear_rnn")
        #expect(FileManager.default.currentDirectoryPath != cfg.deletingLastPathComponent().path)
        let out = cfg.deletingLastPathComponent().appendingPathComponent("out")
        let (status, _, err) = try CLIHarness.run(["train", "--config", cfg.path, "--out", out.path])
        #expect(status == 0, "stderr: \(err)")
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("config.json"))) as! [String: Any]
        #expect((config["data"] as? [String: Any])?["path"] as? String
                == cfg.deletingLastPathComponent().appendingPathComponent("d.npz").standardizedFileURL.path)
    }

    @Test func twoDimensionalInputsAreRefusedForRecurrentNetworks() throws {
        let cfg = try Self.npzConfig(flat: true, model: "linear_rnn")
        let out = cfg.deletingLastPathComponent().appendingPathComponent("out")
        let (status, _, err) = try CLIHarness.run(["train", "--config", cfg.path, "--out", out.path])
        #expect(status == 2 && err.contains("config.data.inputs") && err.contains("[T, N_x, P]"), "stderr: \(err)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
        let deep = try Self.npzConfig(flat: true, model: "deep_linear")
        let (s2, _, e2) = try CLIHarness.run(["train", "--config", deep.path, "--out", deep.deletingLastPathComponent().appendingPathComponent("out").path])
        #expect(s2 == 0, "stderr: \(e2)")
    }
}
