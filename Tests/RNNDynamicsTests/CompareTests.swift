import Foundation
import Testing
@testable import RNNDynamics

/// Issue 15: `rnndyn compare` on users' own trajectories and weights.
@Suite(.serialized) struct CompareTests {
    /// Writes `arrays` as `<name>.npz` in `dir` and returns its path.
    static func npz(_ arrays: [(String, NumpyArray)], _ name: String, in dir: URL) throws -> String {
        let url = dir.appendingPathComponent("\(name).npz")
        try NPZ.write(arrays.map { (name: $0.0, array: $0.1) }, to: url)
        return url.path
    }

    static func matrix(_ w: Matrix) throws -> NumpyArray {
        try NumpyArray(shape: [w.rows, w.cols], cOrder: (0..<w.rows).flatMap { i in (0..<w.cols).map { w[i, $0] } })
    }

    static func trajectories(seed: UInt64, gain: Double) throws -> TrialTrajectories {
        let root = RandomStreams(seed: seed)
        return try .noiseDrivenTanhRNN(units: 5, trials: 6, steps: 30, gain: gain, noise: 0.3, network: root.child("net"),
                                       trialSet: root.child("trials"))
    }

    static func cube(_ x: TrialTrajectories) throws -> NumpyArray {
        try NumpyArray(shape: [x.trials, x.steps, x.units], cOrder: x.values)
    }

    /// `x` with every state rotated by `q`, stored time-first ([time, trials, units], like `rnndyn train`'s probe_hidden).
    static func rotatedTimeFirst(_ x: TrialTrajectories, by q: Matrix) throws -> NumpyArray {
        var values = [Double](repeating: 0, count: x.values.count)
        for k in 0..<x.trials {
            for t in 0..<x.steps {
                let from = (k * x.steps + t) * x.units, to = (t * x.trials + k) * x.units
                for i in 0..<x.units { values[to + i] = (0..<x.units).reduce(0) { $0 + q[i, $1] * x.values[from + $1] } }
            }
        }
        return try NumpyArray(shape: [x.steps, x.trials, x.units], cOrder: values)
    }

    /// Trajectories x, unrelated ones y, and three files: x, x rotated by a Haar orthogonal matrix drawn from `rng`
    /// (stored time-first under probe_hidden, so --layout auto must transpose it) and y.
    static func rotatedTrio(in dir: URL, rng: inout Xoshiro256) throws -> (TrialTrajectories, TrialTrajectories, [String]) {
        let x = try trajectories(seed: 1, gain: 0.9), y = try trajectories(seed: 2, gain: 1.6)
        let q = try Matrix.haarOrthogonal(5, using: &rng)
        return (x, y, [try npz([("hidden", try cube(x))], "x", in: dir),
                       try npz([("probe_hidden", try rotatedTimeFirst(x, by: q))], "x_rotated", in: dir),
                       try npz([("hidden", try cube(y))], "y", in: dir)])
    }

    static let dsaOptions = ["--n-delays", "2", "--rank", "8"]

    static func run(_ metric: String, _ arguments: [String], seed: UInt64 = 0, threads: Int = 1) throws -> CompareOutcome {
        try CompareJob.run(try CompareJob.request(metric: metric, arguments: arguments, key: nil, layout: "auto", labels: nil, seed: seed,
                                                  threads: threads, mdsDimensions: 2))
    }

    @Test func pifOfAMatrixAndItsPermutedCopyIsZeroAndOfAnUnrelatedOneIsNot() throws {
        let dir = CLIHarness.tempDir()
        var rng = Xoshiro256(seed: 3)
        let w = rng.gaussianMatrix(rows: 8, cols: 8), other = rng.gaussianMatrix(rows: 8, cols: 8)
        let p = [3, 0, 7, 1, 6, 2, 5, 4]
        let permuted = Matrix(rows: 8, cols: 8) { w[p[$0], p[$1]] }
        let files = [try Self.npz([("W_h", try Self.matrix(w))], "w", in: dir),
                     try Self.npz([("W_h", try Self.matrix(permuted)), ("other", NumpyArray([1.0]))], "w_permuted", in: dir),
                     try Self.npz([("W_h", try Self.matrix(other))], "unrelated", in: dir)]
        let outcome = try Self.run("pif", files)
        let d = outcome.result.distances
        #expect(outcome.inputs.map(\.label) == ["w", "w_permuted", "unrelated"])
        #expect(d[0, 1] == 0 && d[1, 0] == 0, "\(d)")
        #expect(d[0, 2] > 1 && d[1, 2] > 1, "\(d)")
        #expect(outcome.result.extraMatrices.map(\.name) == ["normalized_distances"])
        #expect(abs(outcome.result.extraMatrices[0].values[0, 2] - d[0, 2] / 64) < 1e-15)
    }

    @Test func dsaOfTrajectoriesAndTheirRotatedCopyIsZeroAndOfUnrelatedDynamicsIsNot() throws {
        let dir = CLIHarness.tempDir()
        var rng = Xoshiro256(seed: 9)
        let (x, y, files) = try Self.rotatedTrio(in: dir, rng: &rng)
        let outcome = try Self.run("dsa", files + Self.dsaOptions)
        let d = outcome.result.distances
        #expect(outcome.inputs[1].layout == .timeTrialsUnits && outcome.inputs[1].trials == 6 && outcome.inputs[1].steps == 30)
        #expect(d[0, 1] < 1e-6, "rotated copy: angular \(d[0, 1])")
        #expect(d[0, 2] > 0.05 && d[1, 2] > 0.05, "\(d)")
        #expect(abs(d[0, 2] - d[1, 2]) < 1e-5)
        #expect(outcome.result.extraMatrices.map(\.name) == ["angular", "euclidean"])
        // Pairs draw from the documented stream nodes: the same as DynamicalSimilarity.allPairs on those streams.
        let reference = try DynamicalSimilarity.allPairs([x, x, y], options: try DSAComparison.options(outcome.request.settings),
                                                         streams: CompareJob.streams(outcome.request), threads: 1)
        #expect(reference.distances[0, 2] == d[0, 2])
    }

    @Test func representationMetricsSeeThroughARotationAndMatchTheEngine() throws {
        let dir = CLIHarness.tempDir()
        var rng = Xoshiro256(seed: 9)
        let (x, y, files) = try Self.rotatedTrio(in: dir, rng: &rng)
        let cases: [(String, [String], RepresentationMetric, TrajectorySamples)] = [
            ("cka", [], .cka(angular: true), .everyStep),
            ("procrustes", ["--alpha", "0.5", "--score", "euclidean"], .procrustes(alpha: 0.5, score: .euclidean), .everyStep),
            ("cca", ["--score", "angular"], .cca(score: .angular), .everyStep),
            ("svcca", ["--dimensions", "3"], .svcca(dimensions: .fixed(3), score: .oneMinusMean), .everyStep),
            ("rsa", ["--dissimilarity", "euclidean"], .rsa(.init(dissimilarity: .euclidean)), .trialAverage),
        ]
        for (name, options, metric, samples) in cases {
            let d = try Self.run(name, files + options).result.distances
            #expect(d[0, 1] < 1e-6, "\(name): rotated copy \(d[0, 1])")
            #expect(d[0, 2] > 1e-3 && d[1, 2] > 1e-3, "\(name): \(d)")
            let reference = try RepresentationalSimilarity.allPairs([x, x, y], metric: metric, samples: samples, threads: 1)
            #expect(reference[0, 2] == d[0, 2], "\(name)")
        }
        // Parameters outside their domains and RDMs too large to compare are one-line input errors.
        #expect(throws: ConfigError.self) { try Self.run("procrustes", files + ["--alpha", "1.5"]) }
        #expect(throws: ConfigError.self) { try Self.run("svcca", files + ["--variance", "2"]) }
        let wide = try (0..<2).map { k in
            try Self.npz([("hidden", try NumpyArray(shape: [12, 30, 5], cOrder: rng.gaussians(1800)))], "wide\(k)", in: dir)
        }
        #expect(throws: ConfigError.self) {   // 12 × 30 = 360 conditions: Kendall's τ_A is bounded at 300
            try Self.run("rsa", wide + ["--samples", "every_step", "--comparison", "kendall_tau_a"])
        }
        #expect(try Self.run("rsa", wide + ["--samples", "every_step"]).result.distances[0, 1] > 0.5)
    }

    @Test func outputsAreBitIdenticalForOneAndTwoThreads() throws {
        let dir = CLIHarness.tempDir()
        var files: [String] = []
        for (k, gain) in [0.8, 1.2, 1.6, 2.0].enumerated() {
            files.append(try Self.npz([("hidden", try Self.cube(try Self.trajectories(seed: UInt64(10 + k), gain: gain)))], "net\(k)", in: dir))
        }
        var outputs: [[Data]] = []
        for threads in ["1", "2"] {
            let out = dir.appendingPathComponent("out\(threads)")
            let (status, stdout, stderr) = try CLIHarness.run(["compare", "dsa"] + files + Self.dsaOptions
                + ["--seed", "4", "--threads", threads, "--out", out.path], environment: ["OPENBLAS_NUM_THREADS": "1"])
            #expect(status == 0, "\(stderr)")
            #expect(stdout.contains("dsa: 4 networks, 6 pairs") && stdout.contains("MDS: 2 axes"), "\(stdout)")
            outputs.append(try ["distances.npz", "distances.csv", "mds.npz", "mds.csv", "heatmap.svg", "mds.svg"].map {
                try Data(contentsOf: out.appendingPathComponent($0))
            })
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("compare.json"))) as! [String: Any]
            #expect(json["metric"] as? String == "dsa" && (json["pairs"] as? [Any])?.count == 6 && json["seed"] as? Int == 4)
            #expect((json["options"] as? [String: Any])?["n-delays"] as? Int == 2 && (json["inputs"] as? [Any])?.count == 4)
            let keys = try NPZ.readDictionary(from: out.appendingPathComponent("distances.npz"))
            #expect(Set(keys.keys) == ["distances", "angular", "euclidean"] && keys["distances"]!.shape == [4, 4])
            let csv = try String(contentsOf: out.appendingPathComponent("distances.csv"), encoding: .utf8)
            #expect(csv.hasPrefix("label,net0,net1,net2,net3\nnet0,0.0,"))
        }
        #expect(outputs[0] == outputs[1])
    }

    @Test func trainRunDirectoriesFeedCompareWithoutConversion() throws {
        let dir = CLIHarness.tempDir()
        var runs: [String] = []
        for seed in [1, 2] {
            let config = dir.appendingPathComponent("ff\(seed).json")
            try Data(#"""
            {"seed": \#(seed), "model": {"type": "tanh_rnn", "hidden": 6},
             "data": {"type": "task", "task": "flip_flop", "channels": 1, "trial_length": 12, "batch_size": 8, "eval_trials": 8},
             "training": {"steps": 5, "learning_rate": 0.01}}
            """#.utf8).write(to: config)
            let out = dir.appendingPathComponent("run\(seed)")
            let (status, _, stderr) = try CLIHarness.run(["train", "--config", config.path, "--out", out.path])
            #expect(status == 0, "\(stderr)")
            runs.append(out.path)
        }
        let (s1, o1, e1) = try CLIHarness.run(["compare", "pif"] + runs + ["--blocks", "all_unit_indexed", "--out", dir.appendingPathComponent("pif").path])
        #expect(s1 == 0 && o1.contains("pif: 2 networks, 1 pairs"), "\(e1)")
        let pif = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("pif/compare.json"))) as! [String: Any]
        let inputs = pif["inputs"] as! [[String: Any]]
        #expect(inputs.map { $0["label"] as? String } == ["run1", "run2"] && inputs[0]["key"] as? String == "Wh")
        #expect(inputs[0]["blocks"] as? [String] == ["Wx", "b", "bhh", "Wy"], "\(inputs[0])")
        let (s2, _, e2) = try CLIHarness.run(["compare", "dsa"] + runs + ["--n-delays", "2", "--rank", "6", "--out", dir.appendingPathComponent("dsa").path])
        #expect(s2 == 0, "\(e2)")
        let dsa = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("dsa/compare.json"))) as! [String: Any]
        let first = (dsa["inputs"] as! [[String: Any]])[0]
        #expect(first["key"] as? String == "probe_hidden" && first["layout"] as? String == "time-trials-units" && first["steps"] as? Int == 12)
        // Behaviour: each run's OOD loss, whether it reached its threshold, and σ_OOD over those that did.
        let behaviour = dsa["behaviour"] as! [String: Any]
        var ood: [Double] = [], converged: [Bool] = []
        for run in runs {
            let arrays = try NPZ.readDictionary(from: URL(fileURLWithPath: run).appendingPathComponent("results.npz"))
            let value = { (key: String) in try arrays[key]!.asDoubles()[0] }
            ood.append(try value("ood_mse"))
            converged.append(try value("eval_mse") <= value("loss_threshold"))
        }
        let recorded = (behaviour["ood_mse"] as! [Any]).map { ($0 as! NSNumber).doubleValue }   // Foundation's JSON reader may round the last bit
        #expect(zip(recorded, ood).allSatisfy { abs($0 - $1) <= 1e-15 * abs($1) } && recorded.count == 2, "\(recorded) vs \(ood)")
        #expect(behaviour["converged"] as? [Bool] == converged)
        if converged.contains(true) {
            let kept = zip(ood, converged).filter(\.1).map(\.0), mean = kept.reduce(0, +) / Double(kept.count)
            let sigma = (kept.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(kept.count)).squareRoot()
            #expect(abs((behaviour["sigma_ood"] as! Double) - sigma) <= 1e-15 * max(1, sigma))
        } else {
            #expect(behaviour["sigma_ood"] == nil)
        }
        #expect(pif["behaviour"] != nil)
    }

    /// (arguments after `compare`, text the one-line error must contain); `$A`, `$B`, … are replaced by fixture files.
    static let badInputs: [([String], String)] = [
        (["pif", "$W8", "$W8b", "--key", "nope"], "[nope]: no such array (allowed keys: W_h)"),
        (["dsa", "$W8", "$W8b"], "W_h]: has shape [8, 8] (allowed: [trials, time, units]"),
        (["pif", "$W8", "$W6"], "has 6 units but w8 has 8 (allowed: equal sizes"),
        (["pif", "$W8", "$NAN"], "[W_h]: entry [2, 3] is nan (allowed: finite values)"),
        (["pif", "$W8"], "FILES: 1 network given (allowed: at least 2 networks"),
        (["cosine", "$W8", "$W8b"], "metric: 'cosine' is not a metric (allowed: dsa | pif | cka | procrustes | cca | svcca | rsa)"),
        (["dsa", "$X", "$X", "--n-delay", "3"], "--n-delay: is not an option of dsa (allowed: --n-delays, --delay-interval"),
        (["dsa", "$X", "$X", "--score", "cosine"], "--score: 'cosine' is not allowed (allowed: angular | euclidean | wasserstein)"),
        (["pif", "$W8", "$INT"], "has dtype <i8 (allowed: float64 <f8, or float32 <f4 widened exactly)"),
        (["pif", "$W8", "missing.npz"], "missing.npz: does not exist"),
        (["dsa", "$X", "$SMALL"], "small.npz[hidden]: its DMD has rank 10 but "),
        (["dsa", "$X", "$X", "--layout", "sideways"], "--layout: 'sideways' is not a layout (allowed: auto | trials-time-units"),
    ]

    @Test func badInputIsOneLineExitTwoAndWritesNothing() throws {
        let dir = CLIHarness.tempDir()
        var rng = Xoshiro256(seed: 5)
        var nan = rng.gaussianMatrix(rows: 8, cols: 8)
        nan[2, 3] = .nan
        let fixtures = [
            "$W8": try Self.npz([("W_h", try Self.matrix(rng.gaussianMatrix(rows: 8, cols: 8)))], "w8", in: dir),
            "$W8b": try Self.npz([("W_h", try Self.matrix(rng.gaussianMatrix(rows: 8, cols: 8)))], "w8b", in: dir),
            "$W6": try Self.npz([("W_h", try Self.matrix(rng.gaussianMatrix(rows: 6, cols: 6)))], "w6", in: dir),
            "$NAN": try Self.npz([("W_h", try Self.matrix(nan))], "nan", in: dir),
            "$INT": try Self.npz([("W_h", try NumpyArray(shape: [8, 8], data: .int64(Array(repeating: 1, count: 64))))], "int", in: dir),
            "$X": try Self.npz([("hidden", try Self.cube(try Self.trajectories(seed: 1, gain: 1)))], "x", in: dir),
            "$SMALL": try Self.npz([("hidden", try Self.cube(try .noiseDrivenTanhRNN(
                units: 2, trials: 3, steps: 20, gain: 1, noise: 0.3, network: RandomStreams(seed: 1), trialSet: RandomStreams(seed: 2))))],
                "small", in: dir),
        ]
        for (arguments, expected) in Self.badInputs {
            let out = dir.appendingPathComponent("out")
            let (status, _, stderr) = try CLIHarness.run(["compare"] + arguments.map { fixtures[$0] ?? $0 } + ["--out", out.path])
            #expect(status == 2, "\(arguments): \(stderr)")
            #expect(stderr.contains(expected), "\(arguments): \(stderr)")
            #expect(stderr.split(separator: "\n").count == 1, "\(stderr)")
            #expect(!FileManager.default.fileExists(atPath: out.path), "\(arguments) left \(out.path)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).allSatisfy { !$0.contains(".partial") })
    }

    @Test func aFailedRerunWithForceLeavesThePreviousOutputsAndForeignFilesAlone() throws {
        let dir = CLIHarness.tempDir()
        var rng = Xoshiro256(seed: 8)
        let a = try Self.npz([("W_h", try Self.matrix(rng.gaussianMatrix(rows: 5, cols: 5)))], "a", in: dir)
        let b = try Self.npz([("W_h", try Self.matrix(rng.gaussianMatrix(rows: 5, cols: 5)))], "b", in: dir)
        let c = try Self.npz([("W_h", try Self.matrix(rng.gaussianMatrix(rows: 4, cols: 4)))], "c", in: dir)
        let out = dir.appendingPathComponent("out")
        let (s1, _, e1) = try CLIHarness.run(["compare", "pif", a, b, "--out", out.path])
        #expect(s1 == 0, "\(e1)")
        try Data("mine".utf8).write(to: out.appendingPathComponent("notes.txt"))
        let before = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        let bytes = try before.map { try Data(contentsOf: out.appendingPathComponent($0)) }
        // Without --force the directory is refused; with it, bad input still writes nothing.
        let (s2, _, e2) = try CLIHarness.run(["compare", "pif", a, b, "--out", out.path])
        #expect(s2 == 2 && e2.contains("--out:") && e2.contains("already holds results"), "\(e2)")
        let (s3, _, e3) = try CLIHarness.run(["compare", "pif", a, c, "--force", "--out", out.path])
        #expect(s3 == 2 && e3.contains("units"), "\(e3)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted() == before)
        #expect(try before.map { try Data(contentsOf: out.appendingPathComponent($0)) } == bytes)
        // A good rerun with --force replaces rnndyn's files and keeps notes.txt.
        let (s4, o4, e4) = try CLIHarness.run(["compare", "pif", b, a, "--force", "--out", out.path])
        #expect(s4 == 0 && o4.contains("kept 1 entry"), "\(e4)")
        #expect(try String(contentsOf: out.appendingPathComponent("notes.txt"), encoding: .utf8) == "mine")
        #expect(try String(contentsOf: out.appendingPathComponent("distances.csv"), encoding: .utf8).hasPrefix("label,b,a\n"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).allSatisfy { !$0.contains(".partial") && !$0.contains(".old-") })
    }

    @Test func everyRegisteredOptionDefaultIsAllowedAndHelpListsIt() throws {
        for metric in PairwiseMetrics.all {
            let settings = try MetricSettings([], options: metric.options, metric: metric.name)
            #expect(settings.values.count == metric.options.count && settings.given.isEmpty)
            for option in metric.options { #expect(PairwiseMetrics.help.contains("--\(option.name) \(option.defaultValue)")) }
        }
        let dsa = try MetricSettings(["--rank=full", "--score", "wasserstein"], options: DSAComparison.metric.options, metric: "dsa")
        #expect(dsa.word("rank") == "full" && dsa.word("score") == "wasserstein" && dsa.given == ["rank", "score"])
        #expect(throws: ConfigError.self) { try MetricSettings(["--rank", "0"], options: DSAComparison.metric.options, metric: "dsa") }
        #expect(throws: ConfigError.self) { try MetricSettings(["--rank", "3", "--rank", "4"], options: DSAComparison.metric.options, metric: "dsa") }
        let (status, stdout, _) = try CLIHarness.run(["compare", "--help"])
        #expect(status == 0 && stdout.contains("--n-delays 5") && stdout.contains("distances.npz") && stdout.contains("--blocks recurrent"))
    }
}
