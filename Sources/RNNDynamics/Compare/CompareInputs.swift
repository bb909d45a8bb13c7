import Analysis
import DataIO
import ExperimentKit
import Foundation
import Linalg

/// One network of a comparison, as read from a file.
public struct CompareInput: Sendable, Equatable {
    /// Name in the outputs (CSV headers, figures, `compare.json`).
    public let label: String
    /// The file as given (a run directory resolves to its `results.npz`).
    public let file: String
    /// The array's key (empty for an `.npy` file).
    public let key: String
    /// Position in a stacked array, or nil for a single network.
    public let stackIndex: Int?
    /// The array's stored shape and dtype.
    public let shape: [Int], dtype: String
    /// Axis order of a dynamics array (nil for weights).
    public let layout: DynamicsLayout?
    /// Network sizes: units, and for dynamics trials and steps.
    public let units: Int, trials: Int?, steps: Int?
    /// Unit-indexed blocks read besides the recurrent matrix (weights with `--blocks all_unit_indexed`).
    public let blockKeys: [String]

    /// Where the network came from, for messages: `file[key]`, with `[k]` for a stack's k-th network.
    public var source: String {
        (key.isEmpty ? file : "\(file)[\(key)]") + (stackIndex.map { "[\($0)]" } ?? "")
    }

    /// The `compare.json` record.
    var json: [String: Any] {
        var r: [String: Any] = ["label": label, "file": file, "key": key, "shape": shape, "dtype": dtype, "units": units]
        if let stackIndex { r["stack_index"] = stackIndex }
        if let layout { r["layout"] = layout.rawValue }
        if let trials { r["trials"] = trials }
        if let steps { r["steps"] = steps }
        if !blockKeys.isEmpty { r["blocks"] = blockKeys }
        return r
    }
}

/// Axis order of a trajectory array (one network; a stack adds a leading network axis).
public enum DynamicsLayout: String, Sendable, CaseIterable {
    /// `probe_*` keys (the `[T, B, N]` arrays of `rnndyn train`) are time-first, everything else trials-first.
    case auto
    /// `[trials, time, units]` (dsa-metric's layout).
    case trialsTimeUnits = "trials-time-units"
    /// `[time, trials, units]` (`rnndyn train`'s `probe_hidden`).
    case timeTrialsUnits = "time-trials-units"

    /// The concrete layout for array `key`.
    func resolved(for key: String) -> DynamicsLayout {
        guard self == .auto else { return self }
        return key.hasPrefix("probe_") ? .timeTrialsUnits : .trialsTimeUnits
    }
}

/// Reads and checks the files of `rnndyn compare`: every problem is a one-line `ConfigError` naming the file (and
/// key) and what is allowed.
public enum CompareInputReader {
    /// Default keys of trajectory files, tried in order (then the file's only array).
    public static let dynamicsKeys = ["hidden", "probe_hidden"]
    /// Default keys of weight files, tried in order (then the file's only array): user files, then `rnndyn train`'s
    /// tanh/linear (`Wh`) and leaky rate (`J`) networks.
    public static let weightKeys = ["W_h", "Wh", "J"]

    /// How to read the files.
    public struct Request: Sendable {
        /// `.npz`/`.npy` files or `rnndyn train` run directories (their `results.npz`).
        public var files: [String]
        /// Array key (default: `dynamicsKeys` / `weightKeys`, then the only array).
        public var key: String?
        /// Axis order of trajectory arrays.
        public var layout: DynamicsLayout
        /// Names of the networks in order (default: file names; stacks add `[k]`).
        public var labels: [String]?
        /// Which blocks weight metrics read.
        public var blocks: PermutableWeights.TanhRNNBlocks

        /// A request.
        public init(files: [String], key: String? = nil, layout: DynamicsLayout = .auto, labels: [String]? = nil,
                    blocks: PermutableWeights.TanhRNNBlocks = .recurrent) {
            self.files = files; self.key = key; self.layout = layout; self.labels = labels; self.blocks = blocks
        }
    }

    /// Reads every network the request names, checks the sizes `agreement` requires, and returns them in order.
    public static func read(_ request: Request, kind: CompareInputKind, agreement: InputAgreement) throws
        -> (inputs: [CompareInput], data: CompareData) {
        guard !request.files.isEmpty else { throw ConfigError(key: "FILES", "none given (allowed: at least 2 networks in .npz/.npy files)") }
        return try read(request.files.map { path in
            ArraySource(path: path) { let (url, arrays) = try load(path); return (stem(of: path, url: url), arrays) }
        }, request: request, kind: kind, agreement: agreement)
    }

    /// One "file" of a comparison: its name in messages and a loader of its default label and arrays (from disk for the
    /// CLI, from memory for the library), called when its networks are read (and again for the behaviour scalars).
    public struct ArraySource {
        /// The name in messages and outputs (a file path, or e.g. `trajectories[3]`).
        public let path: String
        /// The default label and the arrays by key (`""` for a single unnamed array).
        public let load: () throws -> (stem: String, arrays: [(name: String, array: NumpyArray)])

        /// A source.
        public init(path: String, load: @escaping () throws -> (stem: String, arrays: [(name: String, array: NumpyArray)])) {
            self.path = path
            self.load = load
        }
    }

    /// Reads every network of `sources` like `read(_:kind:agreement:)` reads files (the request's key, layout, labels
    /// and blocks apply; its `files` are not used).
    public static func read(_ sources: [ArraySource], request: Request, kind: CompareInputKind, agreement: InputAgreement) throws
        -> (inputs: [CompareInput], data: CompareData) {
        guard !sources.isEmpty else { throw ConfigError(key: "FILES", "none given (allowed: at least 2 networks)") }
        var inputs: [CompareInput] = [], trajectories: [TrialTrajectories] = [], weights: [PermutableWeights] = []
        for source in sources {
            let path = source.path
            let (stem, arrays) = try source.load()
            switch kind {
            case .dynamics:
                for (input, x) in try dynamics(arrays, path: path, stem: stem, request: request) { inputs.append(input); trajectories.append(x) }
            case .weights:
                for (input, w) in try weightSets(arrays, path: path, stem: stem, request: request) { inputs.append(input); weights.append(w) }
            }
        }
        guard inputs.count >= 2 else {
            throw ConfigError(key: "FILES", "\(inputs.count) network given (allowed: at least 2 networks, from several files or one stacked array)")
        }
        inputs = try relabelled(inputs, request.labels)
        try checkAgreement(inputs, weights: weights, agreement: agreement)
        return (inputs, kind == .dynamics ? .dynamics(trajectories) : .weights(weights))
    }

    /// The arrays of `path` (a `.npz`, a `.npy` or a directory holding `results.npz`), by key (`""` for `.npy`).
    static func load(_ path: String) throws -> (URL, [(name: String, array: NumpyArray)]) {
        var url = URL(fileURLWithPath: path)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) else {
            throw ConfigError(key: path, "does not exist (allowed: .npz or .npy files, or rnndyn run directories)")
        }
        if isDir.boolValue {
            url = url.appendingPathComponent("results.npz")
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw ConfigError(key: path, "is a directory without results.npz (allowed: .npz or .npy files, or rnndyn run directories)")
            }
        }
        do {
            switch url.pathExtension.lowercased() {
            case "npz": return (url, try NPZ.read(from: url))
            case "npy": return (url, [("", try NPY.read(from: url))])
            default: throw ConfigError(key: path, "is not a .npz or .npy file (allowed: .npz or .npy files, or rnndyn run directories)")
            }
        } catch let error as DataIOError {
            throw ConfigError(key: path, "cannot be read: \(error)")
        }
    }

    /// The default label of `path`: a run directory's (or its `results.npz`'s) folder name, else the file name
    /// without extension.
    static func stem(of path: String, url: URL) -> String {
        url.lastPathComponent == "results.npz" ? url.deletingLastPathComponent().lastPathComponent
            : url.deletingPathExtension().lastPathComponent
    }

    /// The array metric inputs read from: `--key`, else the first of `defaults` present, else the only array.
    static func pick(_ arrays: [(name: String, array: NumpyArray)], key: String?, defaults: [String], path: String) throws
        -> (name: String, array: NumpyArray) {
        let keys = arrays.map(\.name)
        if arrays.count == 1, arrays[0].name.isEmpty { return arrays[0] }  // .npy
        if let key {
            guard let found = arrays.first(where: { $0.name == key }) else {
                throw ConfigError(key: "\(path)[\(key)]", "no such array (allowed keys: \(keys.joined(separator: ", ")))")
            }
            return found
        }
        if let name = defaults.first(where: keys.contains) { return arrays.first { $0.name == name }! }
        if arrays.count == 1 { return arrays[0] }
        throw ConfigError(key: path, "holds \(arrays.count) arrays and none of \(defaults.joined(separator: ", ")) "
                          + "(allowed: choose one with --key: \(keys.joined(separator: ", ")))")
    }

    /// The float64 values of `array` in C order (float32 widened exactly); errors name `where` and the allowed dtypes,
    /// ranks and the first non-finite entry.
    static func values(_ array: NumpyArray, where place: String, ranks: [Int], meaning: String) throws -> [Double] {
        guard array.dtype == .float64 || array.dtype == .float32 else {
            throw ConfigError(key: place, "has dtype \(array.dtype.rawValue) (allowed: float64 <f8, or float32 <f4 widened exactly)")
        }
        guard ranks.contains(array.rank), !array.shape.contains(0) else {
            throw ConfigError(key: place, "has shape \(array.shape) (allowed: \(meaning))")
        }
        let values = try array.doubles(order: .c)
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw ConfigError(key: place, "entry \(multiIndex(bad, shape: array.shape)) is \(values[bad]) (allowed: finite values)")
        }
        return values
    }

    /// The C-order multi-index of flat position `flat`.
    static func multiIndex(_ flat: Int, shape: [Int]) -> [Int] {
        var rest = flat, index = [Int](repeating: 0, count: shape.count)
        for axis in shape.indices.reversed() { index[axis] = rest % shape[axis]; rest /= shape[axis] }
        return index
    }

    /// Each network's trajectories in `arrays`: one `[trials, time, units]` array or a stack with a leading network axis.
    static func dynamics(_ arrays: [(name: String, array: NumpyArray)], path: String, stem: String, request: Request) throws
        -> [(CompareInput, TrialTrajectories)] {
        let (key, array) = try pick(arrays, key: request.key, defaults: dynamicsKeys, path: path)
        let layout = request.layout.resolved(for: key)
        let axes = layout == .timeTrialsUnits ? "[time, trials, units]" : "[trials, time, units]"
        let place = key.isEmpty ? path : "\(path)[\(key)]"
        let flat = try values(array, where: place, ranks: [3, 4],
                              meaning: "\(axes), or [networks, …] for a stack, no empty axis; --layout \(DynamicsLayout.allCases.map(\.rawValue).joined(separator: " | "))")
        let stacked = array.rank == 4
        let s = stacked ? Array(array.shape.dropFirst()) : array.shape
        let (trials, steps) = layout == .timeTrialsUnits ? (s[1], s[0]) : (s[0], s[1])
        let units = s[2], block = trials * steps * units
        return try (0..<(stacked ? array.shape[0] : 1)).map { k in
            let slice = Array(flat[(k * block)..<((k + 1) * block)])
            let ordered = layout == .timeTrialsUnits ? swapLeadingAxes(slice, trials: trials, steps: steps, units: units) : slice
            let input = CompareInput(label: stacked ? "\(stem)[\(k)]" : stem, file: path, key: key, stackIndex: stacked ? k : nil,
                                     shape: array.shape, dtype: array.dtype.rawValue, layout: layout, units: units, trials: trials,
                                     steps: steps, blockKeys: [])
            return (input, try TrialTrajectories(trials: trials, steps: steps, units: units, values: ordered))
        }
    }

    /// `[time, trials, units]` C-order values reordered to `[trials, time, units]`.
    static func swapLeadingAxes(_ x: [Double], trials: Int, steps: Int, units: Int) -> [Double] {
        var out = [Double](repeating: 0, count: x.count)
        for t in 0..<steps {
            for k in 0..<trials {
                let from = (t * trials + k) * units, to = (k * steps + t) * units
                for i in 0..<units { out[to + i] = x[from + i] }
            }
        }
        return out
    }

    /// Each network's weights in `arrays`: one square matrix, a stack `[networks, n, n]`, or (all_unit_indexed) the
    /// recurrent matrix with the unit-indexed blocks of `rnndyn train`'s `results.npz`.
    static func weightSets(_ arrays: [(name: String, array: NumpyArray)], path: String, stem: String, request: Request) throws
        -> [(CompareInput, PermutableWeights)] {
        let (key, array) = try pick(arrays, key: request.key, defaults: weightKeys, path: path)
        let place = key.isEmpty ? path : "\(path)[\(key)]"
        let flat = try values(array, where: place, ranks: request.blocks == .recurrent ? [2, 3] : [2],
                              meaning: request.blocks == .recurrent ? "a square matrix [n, n], or a stack [networks, n, n]"
                                  : "a square matrix [n, n] (--blocks all_unit_indexed reads one network per file)")
        let n = array.shape[array.rank - 1]
        guard array.shape[array.rank - 2] == n else {
            throw ConfigError(key: place, "has shape \(array.shape) (allowed: square recurrent matrices [n, n] or [networks, n, n])")
        }
        let count = array.rank == 3 ? array.shape[0] : 1
        var rows: Matrix? = nil, columns: Matrix? = nil, blockKeys: [String] = []
        if request.blocks == .allUnitIndexed {
            (rows, columns, blockKeys) = try unitBlocks(arrays, recurrentKey: key, units: n, path: path)
        }
        return try (0..<count).map { k in
            let w = Matrix(rows: n, cols: n) { flat[k * n * n + $0 * n + $1] }
            let input = CompareInput(label: count > 1 ? "\(stem)[\(k)]" : stem, file: path, key: key,
                                     stackIndex: count > 1 ? k : nil, shape: array.shape, dtype: array.dtype.rawValue,
                                     layout: nil, units: n, trials: nil, steps: nil, blockKeys: blockKeys)
            return (input, try PermutableWeights(recurrent: w, unitRows: rows, unitColumns: columns))
        }
    }

    /// The unit-indexed blocks beside recurrent matrix `recurrentKey`: for `J` (leaky rate RNN) rows `U`, `h0` and
    /// columns `W`; otherwise rows `Wx`/`W_x`, `b`, `bhh`/`b_hh`, `h0` and columns `Wy`/`W_y` (those present).
    static func unitBlocks(_ arrays: [(name: String, array: NumpyArray)], recurrentKey: String, units n: Int, path: String) throws
        -> (Matrix, Matrix, [String]) {
        let rowKeys = recurrentKey == "J" ? ["U", "h0"] : ["Wx", "W_x", "b", "bhh", "b_hh", "h0"]
        let columnKeys = recurrentKey == "J" ? ["W"] : ["Wy", "W_y"]
        var rowParts: [Matrix] = [], columnParts: [Matrix] = [], used: [String] = []
        for (name, array) in arrays where rowKeys.contains(name) || columnKeys.contains(name) {
            let place = "\(path)[\(name)]", isRow = rowKeys.contains(name)
            let flat = try values(array, where: place, ranks: [1, 2], meaning: isRow ? "[\(n), k] or [\(n)]" : "[m, \(n)]")
            let (r, c) = array.rank == 1 ? (array.shape[0], 1) : (array.shape[0], array.shape[1])
            guard isRow ? r == n : (array.rank == 2 && c == n) else {
                throw ConfigError(key: place, "has shape \(array.shape) (allowed: \(isRow ? "[\(n), k] or [\(n)]" : "[m, \(n)]"), following the \(n) units)")
            }
            let block = Matrix(rows: r, cols: c) { flat[$0 * c + $1] }
            if isRow { rowParts.append(block) } else { columnParts.append(block) }
            used.append(name)
        }
        guard !used.isEmpty else {
            throw ConfigError(key: path, "--blocks all_unit_indexed found no unit-indexed blocks beside \(recurrentKey) "
                              + "(allowed: arrays named \((rowKeys + columnKeys).joined(separator: ", ")), or --blocks recurrent)")
        }
        let rows = Matrix(rows: n, cols: rowParts.reduce(0) { $0 + $1.cols }, columnMajor: rowParts.flatMap(\.storage))
        let height = columnParts.reduce(0) { $0 + $1.rows }
        var columns = Matrix(rows: height, cols: n), top = 0
        for part in columnParts {
            for j in 0..<n { for i in 0..<part.rows { columns[top + i, j] = part[i, j] } }
            top += part.rows
        }
        return (rows, columns, used)
    }

    /// `inputs` with the user's labels, or with default labels made unique by the file path as given.
    static func relabelled(_ inputs: [CompareInput], _ labels: [String]?) throws -> [CompareInput] {
        var names = inputs.map(\.label)
        if let labels {
            guard labels.count == inputs.count else {
                throw ConfigError(key: "--labels", "has \(labels.count) names for \(inputs.count) networks (allowed: one name per network, comma-separated)")
            }
            guard Set(labels).count == labels.count, !labels.contains("") else {
                throw ConfigError(key: "--labels", "names must be distinct and non-empty")
            }
            names = labels
        } else if Set(names).count < names.count {
            names = inputs.map { input in input.stackIndex.map { "\(input.file)[\($0)]" } ?? input.file }
            if Set(names).count < names.count { names = names.enumerated().map { "\($1)#\($0)" } }
        }
        return zip(inputs, names).map { input, name in
            CompareInput(label: name, file: input.file, key: input.key, stackIndex: input.stackIndex, shape: input.shape, dtype: input.dtype,
                         layout: input.layout, units: input.units, trials: input.trials, steps: input.steps, blockKeys: input.blockKeys)
        }
    }

    /// Throws naming the first input whose sizes differ from the first input's where `agreement` requires equality.
    static func checkAgreement(_ inputs: [CompareInput], weights: [PermutableWeights], agreement: InputAgreement) throws {
        let first = inputs[0]
        for (k, input) in inputs.enumerated().dropFirst() {
            let place = input.source
            if agreement.contains(.units), input.units != first.units {
                throw ConfigError(key: place, "\(input.label) has \(input.units) units but \(first.label) has \(first.units) (allowed: equal sizes for this metric)")
            }
            if agreement.contains(.units), !weights.isEmpty,
               weights[k].unitRows.cols != weights[0].unitRows.cols || weights[k].unitColumns.rows != weights[0].unitColumns.rows {
                throw ConfigError(key: place, "\(input.label)'s unit-indexed blocks (\(input.blockKeys.joined(separator: ", ")): "
                                  + "\(weights[k].unitRows.cols) columns, \(weights[k].unitColumns.rows) rows) differ from \(first.label)'s "
                                  + "(\(weights[0].unitRows.cols), \(weights[0].unitColumns.rows)) (allowed: equal block shapes)")
            }
            if agreement.contains(.steps), input.steps != first.steps {
                throw ConfigError(key: place, "\(input.label) has \(input.steps ?? 0) time steps but \(first.label) has \(first.steps ?? 0) (allowed: equal lengths for this metric)")
            }
            if agreement.contains(.trials), input.trials != first.trials {
                throw ConfigError(key: place, "\(input.label) has \(input.trials ?? 0) trials but \(first.label) has \(first.trials ?? 0) (allowed: equal trial counts for this metric)")
            }
        }
    }
}
