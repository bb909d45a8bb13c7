import Foundation
import Testing
@testable import RNNDynamics

/// Runs the built `rnndyn` executable, which SwiftPM places next to the test bundle.
struct CLIHarness {
    static var binary: URL {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        if dir.lastPathComponent.hasSuffix(".xctest") { dir = dir.deletingLastPathComponent() }
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("rnndyn")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: ".build/debug/rnndyn")
    }

    /// (exit status, stdout, stderr).
    static func run(_ args: [String], environment: [String: String] = [:]) throws -> (Int32, String, String) {
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    static func tempDir() -> URL {
        let u = FileManager.default.temporaryDirectory.appendingPathComponent("rnndyn-test-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: u, withIntermediateDirectories: true)
        return u
    }
}

@Suite(.serialized) struct CLITests {
    @Test func binaryIsBuilt() {
        #expect(FileManager.default.isExecutableFile(atPath: CLIHarness.binary.path), "rnndyn not found at \(CLIHarness.binary.path)")
    }

    @Test func sameSeedGivesIdenticalResultBytes() throws {
        let spec = try TrainSpec.parse(Data(#"""
        {"seed": 7, "model": {"hidden": 5}, "init": {"type": "gaussian", "scale": 0.2},
         "data": {"type": "sv_task", "singular_values": [[0.2, 0.6, 1.0]], "nx": 2, "ny": 2, "samples": 40},
         "training": {"optimizer": "sgd", "batch_size": 8, "steps": 200, "learning_rate": 0.05}}
        """#.utf8))
        let a = try NPZ.encode(try TrainJob.run(spec).arrays), b = try NPZ.encode(try TrainJob.run(spec).arrays)
        #expect(a == b)
        var other = spec
        other.seed = 8
        #expect(try NPZ.encode(try TrainJob.run(other).arrays) != a)
    }

    @Test func trainWritesADocumentedRunDirectory() throws {
        let dir = CLIHarness.tempDir().appendingPathComponent("run")
        let (status, out, err) = try CLIHarness.run(["train", "--out", dir.path])
        #expect(status == 0, "stderr: \(err)")
        #expect(out.contains("mode 1"))
        let arrays = try NPZ.readDictionary(from: dir.appendingPathComponent("results.npz"))
        for key in ["loss", "record_step", "record_loss", "Wx", "Wh", "Wy", "Wh_history", "modes_a", "modes_b", "modes_c",
                    "eig_Wh_real", "eig_Wh_imag", "task_singular_values", "task_Uy", "task_Vx", "basis_R"] {
            #expect(arrays[key] != nil, "missing \(key)")
        }
        // The demo learns the constant-dynamics optimum b* = 1, ac* = δ (Proca et al. §4.1).
        let b = try arrays["modes_b"]!.asDoubles(), a = try arrays["modes_a"]!.asDoubles(), c = try arrays["modes_c"]!.asDoubles()
        let m = arrays["modes_b"]!.shape[1]
        for (k, delta) in [1.0, 0.5, 0.25].enumerated() {
            #expect(abs(b[b.count - m + k] - 1) < 1e-3)
            #expect(abs(a[a.count - m + k] * c[c.count - m + k] - delta) < 1e-3)
        }
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("config.json"))) as! [String: Any]
        #expect(config["seed"] as? Int == 0 && config["rnndyn_version"] as? String == RNNDynamicsVersion.string)
        #expect(config["final_learning_rate"] as? Double == 0.01)
        let stop = config["stop"] as? [String: Any]
        #expect(stop?["reason"] as? String == "completed" && stop?["step"] as? Int == 6000)
        let csv = try String(contentsOf: dir.appendingPathComponent("metrics.csv"), encoding: .utf8)
        #expect(csv.hasPrefix("metric,value,description\nfinal_loss,") && csv.contains("\nstop,6000,completed\n"))
        let losses = try String(contentsOf: dir.appendingPathComponent("loss.csv"), encoding: .utf8)
        #expect(losses.hasPrefix("step,loss\n0,") && losses.split(separator: "\n").count == 6002)
        for file in ["DATA.md", "figure.json", "figures/train.svg"] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(file).path), "missing \(file)")
        }
        // A second run into the finished directory is refused without --force, and nothing is changed.
        let before = try Data(contentsOf: dir.appendingPathComponent("results.npz"))
        let (again, _, againErr) = try CLIHarness.run(["train", "--out", dir.path])
        #expect(again == 2 && againErr.contains("--out"))
        #expect(try Data(contentsOf: dir.appendingPathComponent("results.npz")) == before)
    }

    @Test(arguments: [
        (#"{"data": {"type": "sv_task", "singular_values": [[1]]}, "trainng": {}}"#, "config.trainng"),
        (#"{"data": {"type": "sv_task", "singular_values": [[1]]}, "training": {"optimizer": "sdg"}}"#, "config.training.optimizer"),
        (#"{"data": {"type": "sv_task", "singular_values": [[1]]}, "training": {"steps": "ten"}}"#, "config.training.steps"),
        (#"{"data": {"type": "sv_task", "singular_values": [[1]]}, "training": {"learning_rate": -1}}"#, "config.training.learning_rate"),
        (#"{"data": {"type": "sv_task", "singular_values": [[1]]}, "training": {"lr_schedule": {"type": "cosine"}}}"#, "config.training.lr_schedule.type"),
        (#"{"data": {"type": "sv_task", "singular_values": [[1]]}, "training": {"stop": {"loss_threshold": 1, "patience_epochs": 2}}}"#, "config.training.stop.steps_per_epoch"),
        (#"{"data": {"type": "sv_task", "singular_values": [[1, 2], [3]]}}"#, "config.data.singular_values[1]"),
        (#"{"data": {"type": "csv"}}"#, "config.data.type"),
        (#"{"model": {"hidden": 0}, "data": {"type": "sv_task", "singular_values": [[1]]}}"#, "config.model.hidden"),
        (#"{"data": {"type": "npz", "path": "/nonexistent/x.npz"}}"#, "config.data.path"),
        (#"[1, 2]"#, "config"),
    ])
    func badConfigsGiveOneLineErrorsAndExitStatus2(json: String, key: String) throws {
        let dir = CLIHarness.tempDir()
        let cfg = dir.appendingPathComponent("c.json")
        try Data(json.utf8).write(to: cfg)
        let out = dir.appendingPathComponent("out")
        let (status, _, err) = try CLIHarness.run(["train", "--config", cfg.path, "--out", out.path])
        #expect(status == 2)
        let lines = err.split(separator: "\n")
        #expect(lines.count == 1, "stderr: \(err)")
        #expect(err.contains(key + ":"), "stderr: \(err)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test func badArraysAreRejectedByName() throws {
        let dir = CLIHarness.tempDir()
        func check(_ arrays: [(name: String, array: NumpyArray)], _ expected: String) throws {
            let npz = dir.appendingPathComponent("d.npz")
            try NPZ.write(arrays, to: npz)
            let cfg = dir.appendingPathComponent("c.json")
            try Data(#"{"data": {"type": "npz", "path": "\#(npz.path)", "inputs": "X", "targets": "Y"}}"#.utf8).write(to: cfg)
            let out = dir.appendingPathComponent("out")
            let (status, _, err) = try CLIHarness.run(["train", "--config", cfg.path, "--out", out.path])
            #expect(status == 2 && err.contains(expected), "stderr: \(err)")
            #expect(err.split(separator: "\n").count == 1)
            #expect(!FileManager.default.fileExists(atPath: out.path))
        }
        let x = try NumpyArray(shape: [3, 2, 5], cOrder: (0..<30).map(Double.init))
        try check([("X", x), ("Y", try NumpyArray(shape: [2, 4], cOrder: .init(repeating: 1, count: 8)))], "config.data.targets")
        try check([("X", try NumpyArray(shape: [3, 2, 5, 1], cOrder: (0..<30).map(Double.init))),
                   ("Y", try NumpyArray(shape: [2, 5], cOrder: .init(repeating: 1, count: 10)))], "config.data.inputs")
        var bad = (0..<30).map(Double.init); bad[7] = .nan
        try check([("X", try NumpyArray(shape: [3, 2, 5], cOrder: bad)),
                   ("Y", try NumpyArray(shape: [2, 5], cOrder: .init(repeating: 1, count: 10)))], "non-finite")
        try check([("X", x)], "no array 'Y'")
    }

    @Test func userArraysTrainAndDivergenceKeepsLastGoodState() throws {
        let dir = CLIHarness.tempDir()
        var rng = RandomStreams(seed: 1).stream("user")
        let x = rng.gaussians(4 * 2 * 16), y = rng.gaussians(3 * 16)
        let npz = dir.appendingPathComponent("d.npz")
        try NPZ.write([("X", try NumpyArray(shape: [4, 2, 16], cOrder: x)), ("Y", try NumpyArray(shape: [3, 16], cOrder: y))], to: npz)
        func config(_ lr: Double) throws -> URL {
            let cfg = dir.appendingPathComponent("c\(lr).json")
            try Data(#"{"model": {"hidden": 6}, "init": {"scale": 0.5}, "data": {"type": "npz", "path": "\#(npz.path)", "inputs": "X", "targets": "Y"}, "training": {"learning_rate": \#(lr), "steps": 300}}"#.utf8).write(to: cfg)
            return cfg
        }
        let ok = dir.appendingPathComponent("ok")
        let (s1, _, e1) = try CLIHarness.run(["train", "--config", try config(0.05).path, "--out", ok.path])
        #expect(s1 == 0, "stderr: \(e1)")
        let loss = try NPZ.readDictionary(from: ok.appendingPathComponent("results.npz"))["loss"]!.asDoubles()
        #expect(loss.count == 301 && loss.last! < loss.first!)
        let div = dir.appendingPathComponent("div")
        let (s2, _, e2) = try CLIHarness.run(["train", "--config", try config(40).path, "--out", div.path])
        #expect(s2 == 3 && e2.contains("diverged"), "stderr: \(e2)")
        let arrays = try NPZ.readDictionary(from: div.appendingPathComponent("results.npz"))
        #expect(try arrays["Wh"]!.asDoubles().allSatisfy { $0.isFinite })
        let cfg = try JSONSerialization.jsonObject(with: Data(contentsOf: div.appendingPathComponent("config.json"))) as! [String: Any]
        #expect((cfg["stop"] as? [String: Any])?["reason"] as? String == "diverged")
    }
}
