import Foundation
import Testing
@testable import RNNDynamics
@testable import RNNDynC

/// Issue 17: `rnndyn ntk`, the task trials of the library and the C interface Python calls (`RNNDynC`).
@Suite(.serialized) struct LibraryInterfaceTests {
    /// A small linear RNN and its trials as the `rnndyn ntk` arrays (W_x [N_h, N_x], W_h, W_y [N_y, N_h], inputs [P, T, N_x]).
    static func network(hidden nh: Int = 3, inputs nx: Int = 2, outputs ny: Int = 2, trials p: Int = 3, steps t: Int = 4)
        -> (wx: Matrix, wh: Matrix, wy: Matrix, x: [Double], shape: [Int]) {
        var rng = Xoshiro256(seed: 17)
        let wx = rng.gaussianMatrix(rows: nh, cols: nx), wh = rng.gaussianMatrix(rows: nh, cols: nh, std: 0.4)
        let wy = rng.gaussianMatrix(rows: ny, cols: nh)
        return (wx, wh, wy, rng.gaussians(p * t * nx), [p, t, nx])
    }

    static func cOrder(_ m: Matrix) throws -> NumpyArray { try NumpyArray(shape: [m.rows, m.cols], cOrder: m.cOrderValues) }

    /// Outputs of h_1 = 0, h_{t+1} = W_h h_t + W_x x_t, in the kernel's row order i + N_y·(p + P·r), written out loop by loop.
    static func outputs(wx: Matrix, wh: Matrix, wy: Matrix, x: [Double], shape: [Int], autoregressive: Bool) -> [Double] {
        let (p, steps, nx) = (shape[0], shape[1], shape[2]), nh = wh.rows, ny = wy.rows
        var out = [Double](repeating: 0, count: ny * p * (autoregressive ? steps : 1))
        for q in 0..<p {
            var h = [Double](repeating: 0, count: nh)
            for t in 0..<steps {
                h = (0..<nh).map { i in (0..<nh).reduce(0) { $0 + wh[i, $1] * h[$1] } + (0..<nx).reduce(0) { $0 + wx[i, $1] * x[(q * steps + t) * nx + $1] } }
                if autoregressive || t == steps - 1 {
                    let r = autoregressive ? t : 0
                    for i in 0..<ny { out[i + ny * (q + p * r)] = (0..<nh).reduce(0) { $0 + wy[i, $1] * h[$1] } }
                }
            }
        }
        return out
    }

    @Test(arguments: [false, true])
    func ntkCommandWritesTheKernelOfCentralDifferenceJacobians(autoregressive: Bool) throws {
        let n = Self.network(), dir = CLIHarness.tempDir()
        let file = dir.appendingPathComponent("net.npz")
        try NPZ.write([(name: "W_x", array: try Self.cOrder(n.wx)), (name: "W_h", array: try Self.cOrder(n.wh)),
                       (name: "W_y", array: try Self.cOrder(n.wy)), (name: "inputs", array: try NumpyArray(shape: n.shape, cOrder: n.x))], to: file)
        let out = dir.appendingPathComponent("ntk")
        let (status, stdout, stderr) = try CLIHarness.run(["ntk", file.path, "--readout", autoregressive ? "autoregressive" : "final", "--out", out.path])
        #expect(status == 0, "\(stderr)")
        #expect(stdout.contains("kernel"))
        let kernel = try #require(try NPZ.readDictionary(from: out.appendingPathComponent("kernel.npz"))["kernel"])
        let k = try kernel.doubles(order: .c)
        // J by central differences of an independent loop-by-loop forward pass, over W_x, W_h, W_y.
        let base = Self.outputs(wx: n.wx, wh: n.wh, wy: n.wy, x: n.x, shape: n.shape, autoregressive: autoregressive)
        let m = base.count, eps = 1e-5
        var columns: [[Double]] = []
        for block in 0..<3 {
            var w = [n.wx, n.wh, n.wy][block]
            for i in 0..<w.rows {
                for j in 0..<w.cols {
                    let v = w[i, j]
                    func f(_ value: Double) -> [Double] {
                        w[i, j] = value
                        let ws = [block == 0 ? w : n.wx, block == 1 ? w : n.wh, block == 2 ? w : n.wy]
                        return Self.outputs(wx: ws[0], wh: ws[1], wy: ws[2], x: n.x, shape: n.shape, autoregressive: autoregressive)
                    }
                    let plus = f(v + eps), minus = f(v - eps)
                    w[i, j] = v
                    columns.append((0..<m).map { (plus[$0] - minus[$0]) / (2 * eps) })
                }
            }
        }
        #expect(kernel.shape == [m, m])
        var worst = 0.0, scale = 0.0
        for a in 0..<m {
            for b in 0..<m {
                let fd = columns.reduce(0) { $0 + $1[a] * $1[b] }
                worst = max(worst, abs(fd - k[a * m + b]))
                scale = max(scale, abs(fd))
            }
        }
        #expect(worst <= 1e-7 * scale, "max |Θ − J Jᵀ| = \(worst), scale \(scale)")
        let json = try ExactJSON.parse(Data(contentsOf: out.appendingPathComponent("ntk.json"))) as! [String: Any]
        #expect(json["readout"] as? String == (autoregressive ? "autoregressive" : "final") && json["samples"] as? Int == 3)
    }

    @Test func ntkBadInputIsOneLineNamingTheArrayAndWritesNothing() throws {
        let n = Self.network(), dir = CLIHarness.tempDir()
        let good: [(name: String, array: NumpyArray)] = [(name: "W_x", array: try Self.cOrder(n.wx)), (name: "W_h", array: try Self.cOrder(n.wh)),
                                                          (name: "W_y", array: try Self.cOrder(n.wy)),
                                                          (name: "inputs", array: try NumpyArray(shape: n.shape, cOrder: n.x))]
        let cases: [([(name: String, array: NumpyArray)], [String], String)] = [
            (Array(good.dropLast()), [], "[inputs]: is missing"),
            (good.map { $0.name == "W_y" ? (name: "W_y", array: try! Self.cOrder(Matrix(rows: 2, cols: 4))) : $0 }, [], "[W_y]: has shape [2, 4]"),
            (good.map { $0.name == "inputs" ? (name: "inputs", array: try! NumpyArray(shape: [3, 4, 5], cOrder: [Double](repeating: 0, count: 60))) : $0 }, [],
             "[inputs]: has shape [3, 4, 5] (allowed: [P, T, 2]"),
            (good + [(name: "extra", array: NumpyArray([1.0]))], [], "[extra]: is not an input of ntk"),
            (good, ["--blocks", "wy,wx"], "--blocks: 'wy,wx' is not allowed (allowed: wx,wh,wy | wx,wh"),
            (good.map { $0.name == "inputs" ? (name: "inputs", array: try! NumpyArray(shape: [1, 100_000, 2], cOrder: [Double](repeating: 0, count: 200_000))) : $0 },
             [], "[inputs]: the kernel (2 × 2) and its working buffers would take"),
            (good.map { $0.name == "W_h" ? (name: "W_h", array: try! Self.cOrder(Matrix(rows: 3, cols: 3) { $0 == $1 ? 1e100 : 0 })) : $0 }, [],
             "[W_h]: the kernel has non-finite entries"),
        ]
        for (k, (arrays, options, expected)) in cases.enumerated() {
            let file = dir.appendingPathComponent("bad\(k).npz"), out = dir.appendingPathComponent("out\(k)")
            try NPZ.write(arrays, to: file)
            let (status, _, stderr) = try CLIHarness.run(["ntk", file.path, "--out", out.path] + options)
            #expect(status == 2 && stderr.split(separator: "\n").count == 1 && stderr.contains(expected), "\(k): \(stderr)")
            #expect(!FileManager.default.fileExists(atPath: out.path))
        }
    }

    @Test func taskTrialsAreSeededCheckedAndLaidOutTimeFirst() throws {
        let knobs = Data(#"{"channels": 2, "trial_length": 15, "p_switch": 0.2}"#.utf8)
        let a = try TaskTrialsJob.generate(task: "flip_flop", knobs: knobs, seed: 4, count: 5, includeOOD: true)
        let b = try TaskTrialsJob.generate(task: "flip_flop", knobs: knobs, seed: 4, count: 5, includeOOD: true)
        let c = try TaskTrialsJob.generate(task: "flip_flop", knobs: knobs, seed: 5, count: 5, includeOOD: true)
        let arrays = try a.arrays()
        #expect(arrays.map(\.name) == ["inputs", "targets", "mask", "ood_inputs", "ood_targets", "ood_mask"])
        #expect(arrays[0].array.shape == [15, 5, 2] && arrays[3].array.shape == [30, 5, 2])
        #expect(try a.arrays().map(\.array) == b.arrays().map(\.array) && a.trials != c.trials)
        // The same stream node as `FlipFlopTask.batch` under tasks/flip_flop.
        var task = FlipFlopTask()
        task.channels = 2; task.trialLength = 15; task.pSwitch = 0.2
        #expect(try task.batch(size: 5, streams: RandomStreams(seed: 4).child("tasks").child("flip_flop")) == a.trials)
        #expect(a.parameters["stream_path"] == .string("tasks/flip_flop") && a.parameters["seed"] == .string("4"))
        for (task, json, count, expected) in [("flip_flop", #"{"p_switch": 2}"#, 3, "flip_flop.p_switch:"),
                                              ("flip_flop", #"{"bits": 2}"#, 3, "flip_flop.bits: unknown key"),
                                              ("sine", "{}", 3, "task: 'sine' is not a task (allowed: flip_flop | delayed_discrimination"),
                                              ("sine_wave", "{}", 0, "trials: 0 (allowed: an integer in 1…"),
                                              ("sine_wave", #"{"trial_length": 1000000}"#, 1_000_000, "trials: 1000000 trials would take")] {
            #expect(throws: ConfigError.self, "\(expected)") {
                do { _ = try TaskTrialsJob.generate(task: task, knobs: Data(json.utf8), seed: 0, count: count, includeOOD: false) } catch {
                    #expect("\(error)".hasPrefix(expected), "\(error)")
                    throw error
                }
            }
        }
    }

    /// Calls `rnndyn_compare` the way Python does: one group per network, arrays borrowed from `values`.
    static func compareThroughC(_ metric: String, _ options: [String], networks: [[Double]], shape: [Int], dtype: Int32 = 0, seed: UInt64)
        -> (status: Int32, error: String?, distances: [Double]?) {
        let names = (0..<networks.count).map { strdup("x[\($0)]") }, optionStrings = options.map { strdup($0) }
        let keys = networks.map { _ in strdup("") }
        defer { (names + optionStrings + keys).forEach { free($0) } }
        let buffers = networks.map { v -> UnsafeMutableBufferPointer<Double> in
            let b = UnsafeMutableBufferPointer<Double>.allocate(capacity: v.count)
            _ = b.initialize(from: v)
            return b
        }
        defer { buffers.forEach { $0.deallocate() } }
        let namePointers = names.map { Optional(UnsafePointer($0!)) }, keyPointers = keys.map { Optional(UnsafePointer($0!)) }
        let optionPointers = optionStrings.map { Optional(UnsafePointer($0!)) }
        let shapes = networks.flatMap { _ in shape.map(Int64.init) }
        let handle = rnndynCompare(metric, optionPointers, Int32(options.count), Int32(networks.count), namePointers, Int32(networks.count),
                                   (0..<networks.count).map(Int32.init), keyPointers, [Int32](repeating: dtype, count: networks.count),
                                   [Int32](repeating: Int32(shape.count), count: networks.count), shapes,
                                   buffers.map { UnsafeRawPointer($0.baseAddress) }, nil, "trials-time-units", nil, seed, 1, 2)
        defer { rnndynResultFree(handle) }
        let status = rnndynResultStatus(handle)
        guard status == 0 else { return (status, rnndynResultError(handle).map { String(cString: $0) }, nil) }
        #expect(rnndynResultArrayCount(handle) >= 3 && String(cString: rnndynResultArrayName(handle, 0)!) == "distances")
        #expect(rnndynResultArrayRank(handle, 0) == 2 && rnndynResultArrayName(handle, 99) == nil && rnndynResultArrayRank(handle, -1) == -1)
        let m = networks.count
        return (0, nil, Array(UnsafeBufferPointer(start: rnndynResultArrayData(handle, 0), count: m * m)))
    }

    @Test func theCInterfaceGivesTheCLIsDistancesBitForBitAndItsErrors() throws {
        let dir = CLIHarness.tempDir(), shape = [6, 30, 5]
        let nets = try [(1, 0.9), (2, 1.6), (3, 1.2)].map { seed, gain in try CompareTests.trajectories(seed: UInt64(seed), gain: gain) }
        let files = try nets.enumerated().map { k, x in try CompareTests.npz([("hidden", try CompareTests.cube(x))], "n\(k)", in: dir) }
        for (metric, options) in [("dsa", CompareTests.dsaOptions), ("cka", []), ("procrustes", ["--alpha", "0.5"])] {
            let cli = try CompareTests.run(metric, files + options, seed: 7).result.distances
            let c = Self.compareThroughC(metric, options, networks: nets.map(\.values), shape: shape, seed: 7)
            #expect(c.status == 0 && c.distances == cli.cOrderValues, "\(metric): \(c.error ?? "")")
        }
        // Bad input comes back as status 2 with the CLI's line, never a trap.
        let bad: [(String, [String], [[Double]], [Int], Int32, String)] = [
            ("dsa", ["--n-delays", "0"], nets.map(\.values), shape, 0, "--n-delays: '0' is not allowed (allowed: an integer in 1…10000)"),
            ("dsa", ["--n-delays", "9223372036854775807"], nets.map(\.values), shape, 0, "--n-delays: '9223372036854775807' is not allowed"),
            ("dsa", ["--max-fits", "9223372036854775807"], nets.map(\.values), shape, 0, "--max-fits: '9223372036854775807' is not allowed"),
            ("dsa", ["stray"], nets.map(\.values), shape, 0, "stray: unexpected argument"),
            ("dtw", [], nets.map(\.values), shape, 0, "metric: 'dtw' is not a metric (allowed: dsa | pif"),
            ("cka", [], [nets[0].values], shape, 0, "FILES: 1 network given"),
            ("cka", [], nets.map(\.values), shape, 5, "arrays[0]: dtype code 5 (allowed: 0 float64, 1 float32)"),
            ("cka", [], nets.map(\.values), [6, 30], 0, "x[0]: has shape [6, 30] (allowed: [trials, time, units]"),
            ("cka", [], [nets[0].values, nets[1].values.map { _ in Double.nan }], shape, 0, "x[1]: entry [0, 0, 0] is nan (allowed: finite values)"),
        ]
        for (metric, options, networks, s, dtype, expected) in bad {
            let c = Self.compareThroughC(metric, options, networks: networks, shape: s, dtype: dtype, seed: 0)
            #expect(c.status == 2 && (c.error ?? "").hasPrefix(expected), "\(c.error ?? "no error")")
        }
        // Sizes whose working memory would not fit are refused before any work, and shapes whose size overflows.
        let long = [Double](repeating: 0.5, count: 20_000 * 8)
        let embedding = Self.compareThroughC("dsa", ["--n-delays", "10000"], networks: [long, long.map { -$0 }], shape: [1, 20_000, 8], seed: 0)
        #expect(embedding.status == 2 && (embedding.error ?? "").hasPrefix("x[0]: the delay embedding is 80000 × 10001"), "\(embedding.error ?? "")")
        let huge = Self.compareThroughC("cka", [], networks: [[], []], shape: [1 << 62, 1 << 62, 0], seed: 0)
        #expect(huge.status == 2 && (huge.error ?? "").hasPrefix("arrays[0]: shape [4611686018427387904, 4611686018427387904, 0]"), "\(huge.error ?? "")")
        // A key given twice in one group is refused (the CLI's files cannot hold two arrays of one name either).
        let twice = [Double](repeating: 1, count: 4)
        let group = strdup("w")!, key = strdup("W_h")!
        defer { free(group); free(key) }
        let duplicate = twice.withUnsafeBufferPointer { p -> UnsafeMutableRawPointer in
            let raw = UnsafeRawPointer(p.baseAddress!)
            return rnndynCompare("pif", nil, 0, 1, [UnsafePointer(group)], 2, [0, 0], [UnsafePointer(key), UnsafePointer(key)], [0, 0], [2, 2],
                                 [2, 2, 2, 2], [raw, raw], nil, nil, nil, 0, 1, 2)
        }
        #expect(rnndynResultStatus(duplicate) == 2 && String(cString: rnndynResultError(duplicate)!) == "w[W_h]: is given twice (allowed: each key once per group)")
        rnndynResultFree(duplicate)
        // The accessors tolerate a NULL handle.
        #expect(rnndynResultStatus(nil) == 1 && rnndynResultError(nil) == nil && rnndynResultJSON(nil) == nil)
        #expect(rnndynResultArrayCount(nil) == 0 && rnndynResultArrayName(nil, 0) == nil && rnndynResultArrayData(nil, 0) == nil)
        rnndynResultFree(nil)
        // NULL pointers and out-of-range groups are refused the same way.
        let handle = rnndynCompare("cka", nil, 0, 1, nil, 0, nil, nil, nil, nil, nil, nil, nil, nil, nil, 0, 1, 2)
        #expect(rnndynResultStatus(handle) == 2 && String(cString: rnndynResultError(handle)!).hasPrefix("arrays: a NULL pointer"))
        #expect(rnndynResultJSON(handle) == nil && rnndynResultArrayCount(handle) == 0)
        rnndynResultFree(handle)
        let metrics = try JSONSerialization.jsonObject(with: Data(String(cString: rnndynMetrics()).utf8)) as! [String: Any]
        #expect((metrics["metrics"] as! [[String: Any]]).map { $0["name"] as! String } == PairwiseMetrics.all.map(\.name))
        #expect(String(cString: rnndynVersion()) == RNNDynamicsVersion.string)
    }
}
