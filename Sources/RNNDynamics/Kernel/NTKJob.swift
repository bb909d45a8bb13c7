import Analysis
import DataIO
import ExperimentKit
import Foundation
import Linalg
import Networks
import SequenceData

/// The exact empirical NTK of a linear RNN (`h_1 = 0`, `h_{t+1} = W_h h_t + W_x x_t`, readout `W_y h_{T+1}` or
/// `W_y h_{t+1}` at every step) from users' own weights and inputs: `rnndyn ntk FILE` and the library's `rnndyn_ntk`.
///
/// Inputs are the arrays `W_x` [N_h, N_x], `W_h` [N_h, N_h], `W_y` [N_y, N_h] and `inputs` [P, T, N_x] (trials, time,
/// inputs), float64 or float32. The kernel is `J Jᵀ` over the chosen blocks, `N_y·R·P` square (R = 1 for the final
/// readout, T for the autoregressive one), row `i + N_y·(p + P·t)` for output i of trial p at readout t.
public enum NTKJob {
    /// The options (`--readout`, `--blocks`), parsed like a `compare` metric's.
    public static let options: [MetricOption] = [
        MetricOption("readout", default: OutputMode.final.rawValue, .choice(OutputMode.allCases.map(\.rawValue)),
                     "final: ŷ = W_y h_{T+1}; autoregressive: ŷ_t = W_y h_{t+1} at every step"),
        MetricOption("blocks", default: "wx,wh,wy", .choice(blockChoices), "the parameter blocks the kernel is taken over"),
    ]

    /// Every non-empty selection of `wx`, `wh`, `wy`, written in that order.
    static let blockChoices = ["wx,wh,wy", "wx,wh", "wx,wy", "wh,wy", "wx", "wh", "wy"]

    /// The most memory one kernel computation may take, in bytes: its working buffers plus the kernel and the two
    /// copies written or handed back (a bigger request is refused before any work).
    public static let byteLimit = 8 << 30

    /// A checked request: the network, the trials and what to compute.
    public struct Request: Sendable {
        /// The network built from the arrays.
        public let network: LinearRNN
        /// The input trials (`N_x × T·P`, zero targets).
        public let batch: SequenceBatch
        /// Blocks of the kernel.
        public let blocks: ParameterBlocks
        /// The option values.
        public let settings: MetricSettings
        /// Where each array came from, for `ntk.json`.
        public let sources: [String: String]
    }

    /// Checks the options and the arrays (`arrays` by key; `place(key)` names an array in messages) and builds the
    /// network and trials; every problem is a one-line `ConfigError` before any work.
    public static func request(options: [String], arrays: [String: NumpyArray], place: (String) -> String) throws -> Request {
        let settings = try MetricSettings(options, options: self.options, metric: "ntk")
        let keys = ["W_x", "W_h", "W_y", "inputs"]
        for key in arrays.keys.sorted() where !keys.contains(key) {
            throw ConfigError(key: place(key), "is not an input of ntk (allowed keys: \(keys.joined(separator: ", ")))")
        }
        func matrix(_ key: String, _ meaning: String) throws -> (shape: [Int], values: [Double]) {
            guard let array = arrays[key] else {
                throw ConfigError(key: place(key), "is missing (allowed: W_x [N_h, N_x], W_h [N_h, N_h], W_y [N_y, N_h], inputs [P, T, N_x])")
            }
            let values = try CompareInputReader.values(array, where: place(key), ranks: [key == "inputs" ? 3 : 2], meaning: meaning)
            return (array.shape, values)
        }
        let wh = try matrix("W_h", "[N_h, N_h]"), wx = try matrix("W_x", "[N_h, N_x]"), wy = try matrix("W_y", "[N_y, N_h]")
        let x = try matrix("inputs", "[P, T, N_x] (trials, time, inputs)")
        let nh = wh.shape[0]
        guard wh.shape[1] == nh else { throw ConfigError(key: place("W_h"), "has shape \(wh.shape) (allowed: square [N_h, N_h])") }
        guard wx.shape[0] == nh else { throw ConfigError(key: place("W_x"), "has shape \(wx.shape) (allowed: [\(nh), N_x], N_h rows as W_h)") }
        guard wy.shape[1] == nh else { throw ConfigError(key: place("W_y"), "has shape \(wy.shape) (allowed: [N_y, \(nh)], N_h columns as W_h)") }
        let nx = wx.shape[1], (p, steps) = (x.shape[0], x.shape[1])
        guard x.shape[2] == nx else { throw ConfigError(key: place("inputs"), "has shape \(x.shape) (allowed: [P, T, \(nx)], N_x inputs as W_x)") }
        let mode = OutputMode(rawValue: settings.word("readout")!)!
        let size = wy.shape[0] * (mode == .final ? 1 : steps) * p
        let bytes = workingBytes(hidden: nh, inputs: nx, outputs: wy.shape[0], steps: steps, trials: p, mode: mode)
        guard bytes <= Double(byteLimit) else {
            throw ConfigError(key: place("inputs"), String(format: "the kernel (%d × %d) and its working buffers would take %.1f GiB (allowed: at most %d GiB; "
                                                           + "use fewer trials or steps, or the final readout)", size, size, bytes / Double(1 << 30), byteLimit >> 30))
        }
        func cOrder(_ m: (shape: [Int], values: [Double])) -> Matrix { Matrix(rows: m.shape[0], cols: m.shape[1]) { m.values[$0 * m.shape[1] + $1] } }
        let network = LinearRNN(wx: cOrder(wx), wh: cOrder(wh), wy: cOrder(wy), outputMode: mode)
        // Column t·P + p of the batch holds x_{p, t}: element (p, t, i) of the [P, T, N_x] array.
        let inputs = Matrix(rows: nx, cols: steps * p) { i, c in x.values[((c % p) * steps + c / p) * nx + i] }
        let targets = Matrix(rows: wy.shape[0], cols: mode == .final ? p : steps * p)
        let blocks = settings.word("blocks")!.split(separator: ",").reduce(into: ParameterBlocks()) { set, name in
            set.insert(name == "wx" ? .wx : name == "wh" ? .wh : .wy)
        }
        return Request(network: network, batch: SequenceBatch(inputs: inputs, targets: targets, timeSteps: steps, samples: p),
                       blocks: blocks, settings: settings, sources: Dictionary(uniqueKeysWithValues: keys.map { ($0, place($0)) }))
    }

    /// Bytes of `LinearRNNTangentKernel`'s buffers for these sizes (all blocks, the larger of the two state bases) plus
    /// two more copies of the kernel (the file or the library's result), computed in floating point so nothing overflows.
    static func workingBytes(hidden nh: Int, inputs nx: Int, outputs ny: Int, steps: Int, trials p: Int, mode: OutputMode) -> Double {
        let (h, x, y, t, q) = (Double(nh), Double(nx), Double(ny), Double(steps), Double(p))
        let r = mode == .final ? 1 : t
        let kernel = (y * r * q) * (y * r * q)
        var doubles = 3 * kernel + h * (t + 1) * q + (h + x) * t * q + t * y * h + (t * y) * (t * y) + (r * q) * (r * q)
        if mode == .autoregressive { doubles += q * q * t * t + t * y * y * t + q * q * y * y }
        return 8 * doubles + Double(256 << 20)  // + the pair-Gram chunks (`LinearRNNTangentKernel`'s byte budget)
    }

    /// The kernel of a checked request (one BLAS thread); non-finite entries (states beyond float64) are a one-line
    /// `ConfigError` naming W_h.
    public static func kernel(_ request: Request) throws -> Matrix {
        BLAS.setThreads(1)
        let k = LinearRNNTangentKernel.kernel(request.network, on: request.batch, blocks: request.blocks)
        guard k.storage.allSatisfy(\.isFinite) else {
            throw ConfigError(key: request.sources["W_h"]!, "the kernel has non-finite entries: the states or W_h's powers overflow float64 over "
                              + "\(request.batch.timeSteps) steps (allowed: weights and inputs whose states stay finite)")
        }
        return k
    }

    /// The `ntk.json` record of a request.
    public static func record(_ request: Request) -> [String: Any] {
        let net = request.network, b = request.batch
        return ["command": "ntk", "options": request.settings.json, "options_given": request.settings.given.sorted(),
                "readout": net.outputMode.rawValue, "blocks": request.settings.word("blocks")!, "inputs": request.sources,
                "hidden": net.hiddenDimension, "input_dimension": net.inputDimension, "outputs": net.outputDimension,
                "samples": b.samples, "time_steps": b.timeSteps, "layout": rowLayout,
                "rnndyn_version": RNNDynamicsVersion.string]
    }

    /// How the kernel's rows are ordered.
    public static let rowLayout = "row i + N_y·(p + P·t): output i of trial p at readout t (t = 0 only for the final readout)"

    /// The files of `rnndyn ntk --out DIR`.
    public static let files: [(name: String, doc: String)] = [
        ("kernel.npz", "`kernel` [N_y·R·P, N_y·R·P] float64 (R = 1 final, T autoregressive; \(rowLayout))"),
        ("ntk.json", "`options`, `readout`, `blocks`, `inputs` (source of each array), sizes (`hidden`, `input_dimension`, `outputs`, "
            + "`samples`, `time_steps`), `layout`, `rnndyn_version`"),
    ]

    /// Reads `path` (an `.npz` with the four arrays), computes and writes `kernel.npz` and `ntk.json` into `directory`
    /// atomically (all or nothing; `force` replaces only files rnndyn wrote).
    public static func run(file path: String, options: [String], to directory: URL, force: Bool) throws -> (Request, Matrix) {
        let (_, loaded) = try CompareInputReader.load(path)
        let arrays = Dictionary(loaded.map { ($0.name, $0.array) }, uniquingKeysWith: { first, _ in first })
        let request = try self.request(options: options, arrays: arrays) { "\(path)[\($0)]" }
        let k = try kernel(request)
        let npz = try NPZ.encode([(name: "kernel", array: try NumpyArray(shape: [k.rows, k.cols], cOrder: (0..<k.rows).flatMap { i in (0..<k.cols).map { k[i, $0] } }))])
        let json = try ConfigReader.jsonData(record(request))
        try StagedDirectory.withStaging(final: directory, replace: force) { staged in
            try staged.write(npz, to: "kernel.npz")
            try staged.write(json, to: "ntk.json")
        }
        return (request, k)
    }
}
