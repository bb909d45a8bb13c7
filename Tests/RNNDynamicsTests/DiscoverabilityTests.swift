import Foundation
import Testing
@testable import RNNDynamics

/// `rnndyn describe`, `run --print-config`, `train --set/--seed` and the example configs (issue 11).
@Suite(.serialized) struct DiscoverabilityTests {
    @Test func describeListsEveryDeclaredParameterAlignedWithBothPresets() throws {
        let (status, out, err) = try CLIHarness.run(["describe", "proca2025.figA1"])
        #expect(status == 0, "\(err)")
        let lines = out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "proca2025.figA1 — Proca et al. 2025, Fig. A1")
        #expect(out.contains(ProcaFigA1().summary) && out.contains("Seed: --seed N") && out.contains("proca2025/figA1"))
        let header = try #require(lines.first { $0.hasPrefix("KEY") })
        let columns = ["QUICK", "FULL", "ALLOWED", "UNIT", "DOC"].map { header.distance(from: header.startIndex, to: header.range(of: $0)!.lowerBound) }
        let rows = lines.drop { !$0.hasPrefix("KEY") }.dropFirst().filter { !$0.isEmpty }
        #expect(rows.count == ProcaFigA1.declared.declarations.count)
        for (row, d) in zip(rows, ProcaFigA1.declared.declarations) {
            func cell(_ c: Int) -> Substring { row.dropFirst(columns[c]) }
            #expect(row.hasPrefix(d.key + " "))
            #expect(cell(3).hasPrefix(d.unit.isEmpty ? "-" : d.unit), "\(row)")
            #expect(cell(4) == Substring(d.doc), "doc column aligned: \(row)")
        }
        let steps = try #require(rows.first { $0.hasPrefix("steps ") })
        #expect(steps.dropFirst(columns[0]).hasPrefix("600 ") && steps.dropFirst(columns[1]).hasPrefix("1000 "))
        #expect(steps.dropFirst(columns[2]).hasPrefix("integer 10…10000000"))
        // The short id names the same experiment.
        let (shortStatus, shortOut, _) = try CLIHarness.run(["describe", "figA1"])
        #expect(shortStatus == 0 && shortOut == out)
        let (bad, _, badErr) = try CLIHarness.run(["describe", "figZ"])
        #expect(bad == 2 && badErr.split(separator: "\n").count == 1 && badErr.contains("NAME:") && badErr.contains("proca2025.figA1"), "\(badErr)")
    }

    @Test func describeJSONHasTheExactDefaultsOfEveryExperiment() throws {
        for e in ExperimentRegistry.all {
            let declared = try #require((type(of: e) as? any DeclaredParameters.Type)?.declared, "\(e.id) declares its parameters")
            let text = try ConfigReader.jsonData(ParameterDescription.experiment(e).json)
            let read = try #require(try ExactJSON.parse(text) as? [String: Any])
            let rows = try #require(read["parameters"] as? [[String: Any]])
            #expect(rows.map { $0["key"] as? String } == declared.declarations.map(\.key), "\(e.id)")
            for (row, d) in zip(rows, declared.declarations) {
                #expect(JSONValues.equal(row["quick"], d.value(.quick)) && JSONValues.equal(row["full"], d.value(.full)),
                        "\(e.id).\(d.key): \(String(describing: row["quick"])) vs \(d.value(.quick))")
                if case .double(let r) = d.kind {
                    #expect(JSONValues.equal(row["min"], r.lowerBound) && JSONValues.equal(row["max"], r.upperBound))
                }
            }
        }
        let (status, out, _) = try CLIHarness.run(["describe", "fig5", "--json"])
        let object = try #require(try ExactJSON.parse(Data(out.utf8)) as? [String: Any])
        #expect(status == 0 && object["id"] as? String == "proca2025.fig5")
    }

    @Test func describeTrainListsItsConfigKeys() throws {
        let (status, out, err) = try CLIHarness.run(["describe", "train"])
        #expect(status == 0, "\(err)")
        for row in TrainParameters.rows { #expect(out.contains("\n" + row.key + " "), "\(row.key)") }
        let lr = try #require(out.split(separator: "\n").first { $0.hasPrefix("training.learning_rate ") })
        #expect(lr.contains(" 0.01 ") && lr.contains("number 1e-300…1e6"))
    }

    @Test func printConfigWritesNothingAndReadsBackToTheSameRun() throws {
        let root = CLIHarness.tempDir()
        let never = root.appendingPathComponent("never")
        let args = ["run", "proca2025.figA1", "--set", "initial_mode=0.10123456789012345", "--set", "steps=400", "--seed", "3"]
        let (s1, printed, e1) = try CLIHarness.run(args + ["--print-config", "--out", never.path])
        #expect(s1 == 0, "\(e1)")
        #expect(!FileManager.default.fileExists(atPath: never.path), "--print-config writes nothing")
        let doc = try #require(try ExactJSON.parse(Data(printed.utf8)) as? [String: Any])
        #expect(doc["experiment"] as? String == "proca2025.figA1" && doc["preset"] as? String == "quick" && doc["seed"] as? Int == 3)
        let parameters = try #require(doc["parameters"] as? [String: Any])
        #expect((parameters["initial_mode"] as? NSNumber)?.doubleValue == 0.101_234_567_890_123_45)
        #expect(Set(parameters.keys) == Set(ProcaFigA1.declared.declarations.map(\.key)))
        // Fed back, it resolves to the same config, and runs to the same bytes as the original flags.
        let file = root.appendingPathComponent("a1.json")
        try Data(printed.utf8).write(to: file)
        let (s2, again, e2) = try CLIHarness.run(["run", "proca2025.figA1", "--config", file.path, "--print-config"])
        #expect(s2 == 0 && again == printed, "\(e2)")
        let direct = root.appendingPathComponent("direct"), viaFile = root.appendingPathComponent("via-file")
        let (s3, _, e3) = try CLIHarness.run(args + ["--out", direct.path])
        let (s4, _, e4) = try CLIHarness.run(["run", "proca2025.figA1", "--config", file.path, "--out", viaFile.path])
        #expect(s3 == 0 && s4 == 0, "\(e3) \(e4)")
        #expect(try Data(contentsOf: direct.appendingPathComponent("results.npz")) == Data(contentsOf: viaFile.appendingPathComponent("results.npz")))
        // Bad input: exit 2, one line, nothing printed or written.
        let (s5, out5, e5) = try CLIHarness.run(["run", "proca2025.figA1", "--set", "steps=many", "--print-config", "--out", never.path])
        #expect(s5 == 2 && out5.isEmpty && e5.split(separator: "\n").count == 1 && e5.contains("proca2025.figA1.steps:"), "\(e5)")
        try Data(#"{"experiment": "proca2025.figA1", "preset": "fast", "parameters": {}}"#.utf8).write(to: file)
        let (s6, _, e6) = try CLIHarness.run(["run", "proca2025.figA1", "--config", file.path, "--print-config"])
        #expect(s6 == 2 && e6.contains("--config:") && e6.contains("quick, full"), "\(e6)")
        #expect(!FileManager.default.fileExists(atPath: never.path))
    }

    @Test func printedConfigsOfEveryExperimentAndPresetReadBackBitForBit() throws {
        let dir = CLIHarness.tempDir()
        for e in ExperimentRegistry.all {
            for preset in Preset.allCases {
                let printed = try ResolvedRunConfig.json(e, preset: preset, overrides: .init(), seed: 7)
                let file = dir.appendingPathComponent("\(e.id)-\(preset).json")
                try printed.write(to: file)
                let read = try RunConfigFile(file.path, experiment: e.id)
                #expect(read.preset == preset && read.seed == 7)
                let resolved = try e.validate(preset)
                #expect(JSONValues.equal(read.overrides, resolved), "\(e.id) \(preset): parameters read back exactly")
                let again = try ResolvedRunConfig.json(e, preset: read.preset!, overrides: ParameterOverrides(read.overrides), seed: read.seed!)
                #expect(again == printed, "\(e.id) \(preset)")
            }
        }
    }

    @Test func trainSetAndSeedChangeTheRunAndAreRecorded() throws {
        let root = CLIHarness.tempDir()
        func train(_ name: String, _ args: [String]) throws -> URL {
            let dir = root.appendingPathComponent(name)
            let (status, _, err) = try CLIHarness.run(["train", "--out", dir.path] + args)
            #expect(status == 0, "\(name): \(err)")
            return dir
        }
        let base = root.appendingPathComponent("sampled.yaml")
        try Data("""
        model: {hidden: 5}
        init: {type: gaussian, scale: 0.2}
        data: {type: sv_task, singular_values: [[0.2, 0.6, 1.0]], nx: 2, ny: 2, samples: 40}
        training: {optimizer: sgd, batch_size: 8, steps: 100, learning_rate: 0.05}
        """.utf8).write(to: base)
        let set = ["--config", base.path, "--set", "training.steps=300", "--set", "training.learning_rate=0.02"]
        let a = try train("a", set + ["--seed", "5"]), b = try train("b", set + ["--seed", "5"]), c = try train("c", set + ["--seed", "6"])
        let config = try #require(try ExactJSON.parse(Data(contentsOf: a.appendingPathComponent("config.json"))) as? [String: Any])
        let training = try #require(config["training"] as? [String: Any])
        #expect(config["seed"] as? Int == 5 && training["steps"] as? Int == 300 && JSONValues.equal(training["learning_rate"], 0.02))
        let npz = { (dir: URL) in try Data(contentsOf: dir.appendingPathComponent("results.npz")) }
        #expect(try npz(a) == npz(b), "the same seed gives identical bytes")
        #expect(try npz(a) != npz(c), "another seed changes the results")
        // The run's own config.json reproduces it.
        let d = try train("d", ["--config", a.appendingPathComponent("config.json").path])
        #expect(try npz(a) == npz(d))
        // Bad keys and values: one line naming the key (and the allowed keys), exit 2, nothing written.
        for (args, key, mention) in [(["--set", "training.stepz=3"], "config.training.stepz:", "steps"),
                                     (["--set", "training.steps=many"], "config.training.steps:", "integer"),
                                     (["--set", "=3"], "--set:", "key=value"),
                                     (["--seed", "99999999999"], "--seed:", "2147483647")] {
            let out = root.appendingPathComponent("bad")
            let (status, _, err) = try CLIHarness.run(["train", "--out", out.path] + args)
            #expect(status == 2 && err.split(separator: "\n").count == 1 && err.contains(key) && err.contains(mention), "\(args): \(err)")
            #expect(!FileManager.default.fileExists(atPath: out.path))
        }
    }

    @Test func everyExampleConfigReadsThroughTheRealReader() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(names.contains("figA1-quick.yaml") && names.contains("sweep-figA1.yaml"))
        for name in names {
            let path = dir.appendingPathComponent(name).path
            if name == "python" { continue }  // scripts for the Python package (run by its own tests), not configs
            if name == "huang2025" {
                // `rnndyn train` configs of the degeneracy paper's tasks: each parses, and stops at its task's threshold.
                let configs = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
                #expect(configs == ["delayed_discrimination.json", "flip_flop.json", "path_integration_2d.json", "sine_wave.json"])
                for config in configs {
                    let file = dir.appendingPathComponent(name).appendingPathComponent(config).path
                    let spec = try TrainSpec.parse(object: try TrainConfigFile.resolve(path: file, sets: [], seed: nil))
                    guard case let .task(choice, batchSize, _) = spec.data else { Issue.record("\(config) is not task data"); continue }
                    #expect(spec.model == .tanhRNN && spec.hidden == 128 && batchSize == 64 && spec.optimizer == .adam)
                    #expect(spec.stopping.lossThreshold == choice.task.lossThreshold && spec.stopping.patience.steps == 3 * 128)
                    #expect(spec.steps == 1000 * 128 && spec.clipGradNorm == 1 && spec.learningRate == 1e-3)
                    #expect(spec.schedule == .reduceOnPlateau(ReduceLROnPlateau(factor: 0.5, patience: 40), stepsPerEpoch: 128))
                }
                continue
            }
            if name.hasPrefix("sweep-") {
                let spec = try SweepSpec.load(path)
                let e = try ExperimentRegistry.resolve(spec.experiment, key: name)
                #expect(try !spec.cells(of: e, validate: true).isEmpty)
            } else {
                // A run config is named after its experiment: <id without the paper prefix>-<what>.<ext>.
                let id = String(name.prefix { $0 != "-" })
                let e = try ExperimentRegistry.resolve(id, key: name)
                let file = try RunConfigFile(path, experiment: e.id)
                #expect(!file.overrides.isEmpty, "\(name) sets something")
                for preset in Preset.allCases { try e.validate(preset, overrides: file.overrides) }
            }
        }
    }
}
