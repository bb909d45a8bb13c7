import DataIO
import ExperimentKit
import Foundation
import Linalg

/// The output directory of `rnndyn compare`: every file staged beside it and renamed into place at once.
public enum CompareOutput {
    /// The files written, with what they hold (the `--help` text, `DATA.md` and the README list these).
    public static let files: [(name: String, doc: String)] = [
        ("distances.npz", "`distances` [M, M] float64 (symmetric, zero diagonal, networks in input order), plus the metric's "
            + "own [M, M] matrices: dsa `angular`, `euclidean` (PAVF scores); pif `normalized_distances`"),
        ("distances.csv", "header `label,<label 1>,…,<label M>`, then one row per network: its label and its M distances"),
        ("mds.npz", "`coordinates` [M, k] (classical MDS, axis signs fixed so each axis's largest entry is positive), "
            + "`eigenvalues` [M] (of B = −½ J D∘² J, descending), `positive_mass_fraction` and `explained_fraction` (scalars)"),
        ("mds.csv", "header `label,mds_1,…,mds_k`, one row per network"),
        ("heatmap.svg", "the distance matrix (row 0 at the bottom)"),
        ("mds.svg", "the first two MDS axes, one labelled point per network (up to 12; more are drawn as one series)"),
        ("compare.json", "`metric`, `options` (every metric option, defaults included), `options_given`, `seed`, `streams`, `threads`, "
            + "`key`, `layout`, `labels`, `inputs` (file, key, shape, dtype, layout, units, trials, steps, stack_index, blocks), "
            + "`quantity`, `pairs` (first, second, labels, distance and the metric's diagnostics: dsa fits, runs, best run start and "
            + "convergence; pif permutation, best start, Frank–Wolfe iterations), `diagnostics` (dsa: each network's DMD fit; "
            + "pif: the solver), `mds`, `notes`, `wall_time_seconds`, `rnndyn_version`, `git_commit`, and `behaviour` when every "
            + "input is a `rnndyn train` task run (`ood_mse` and `converged` per network, `converged_count`, `sigma_ood` and "
            + "`mean_ood_mse` over the converged networks)"),
        ("DATA.md", "this list, with the arrays actually written"),
    ]

    /// Every path the command writes (for the `--force` collision check).
    public static var written: [String] { files.map(\.name) }

    /// Writes `outcome` into `directory` atomically: all files appear at once or none does. An existing non-empty
    /// directory is refused unless `force`, which replaces only the files rnndyn wrote there.
    public static func write(_ outcome: CompareOutcome, to directory: URL, force: Bool) throws {
        let contents = try self.contents(outcome)
        try StagedDirectory.withStaging(final: directory, replace: force) { staged in
            for (name, data) in contents { try staged.write(data, to: name) }
        }
    }

    /// Every file's bytes, in `files` order.
    static func contents(_ outcome: CompareOutcome) throws -> [(String, Data)] {
        let labels = outcome.inputs.map(\.label), d = outcome.result.distances, m = d.rows
        let e = outcome.embedding, k = e.dimensions
        func cOrder(_ a: Matrix) throws -> NumpyArray {
            try NumpyArray(shape: [a.rows, a.cols], cOrder: (0..<a.rows).flatMap { i in (0..<a.cols).map { a[i, $0] } })
        }
        let distanceArrays = try [("distances", try cOrder(d))] + outcome.result.extraMatrices.map { ($0.name, try cOrder($0.values)) }
        var distanceTable = CSVWriter(header: ["label"] + labels)
        for i in 0..<m { try distanceTable.append([.string(labels[i])] + (0..<m).map { .double(d[i, $0]) }) }
        var mdsTable = CSVWriter(header: ["label"] + (1...k).map { "mds_\($0)" })
        for i in 0..<m { try mdsTable.append([.string(labels[i])] + (0..<k).map { .double(e.coordinates[i, $0]) }) }
        let mdsArrays: [(name: String, array: NumpyArray)] = [
            ("coordinates", try cOrder(e.coordinates)), ("eigenvalues", NumpyArray(e.eigenvalues)),
            ("positive_mass_fraction", NumpyArray(scalar: e.positiveMassFraction)), ("explained_fraction", NumpyArray(scalar: e.explainedFraction)),
        ]
        let metric = outcome.request.metric.name
        return [
            ("distances.npz", try NPZ.encode(distanceArrays.map { (name: $0.0, array: $0.1) })),
            ("distances.csv", distanceTable.data),
            ("mds.npz", try NPZ.encode(mdsArrays)),
            ("mds.csv", mdsTable.data),
            ("heatmap.svg", Data(try CompareFigures.heatmap(d, labels: labels, metric: metric, quantity: outcome.result.quantity).utf8)),
            ("mds.svg", Data(try CompareFigures.scatter(e, labels: labels, metric: metric).utf8)),
            ("compare.json", try ConfigReader.jsonData(jsonSafe(record(outcome)) as! [String: Any])),
            ("DATA.md", Data(dataDocument(outcome).utf8)),
        ]
    }

    /// The `compare.json` tree (non-finite numbers as JSON-safe strings).
    public static func jsonTree(_ outcome: CompareOutcome) -> [String: Any] { jsonSafe(record(outcome)) as! [String: Any] }

    /// The `compare.json` tree.
    static func record(_ outcome: CompareOutcome) -> [String: Any] {
        let request = outcome.request, result = outcome.result, labels = outcome.inputs.map(\.label)
        let pairs = zip(ParallelMap.pairIndices(labels.count), result.pairs).map { pair, diagnostics -> [String: Any] in
            let (i, j) = pair
            return diagnostics.merging(["first": i, "second": j, "first_label": labels[i], "second_label": labels[j],
                                        "distance": result.distances[i, j]]) { $1 }
        }
        let e = outcome.embedding
        var record: [String: Any] = [
            "command": "compare", "metric": request.metric.name, "quantity": result.quantity,
            "options": request.settings.json, "options_given": request.settings.given.sorted(),
            "seed": request.seed, "streams": "compare.\(request.metric.name).pair-<i>-<j>", "threads": request.threads,
            "key": request.inputs.key ?? "default", "layout": request.inputs.layout.rawValue, "labels": labels,
            "inputs": outcome.inputs.map(\.json), "pairs": pairs, "diagnostics": result.summary, "notes": result.notes,
            "mds": ["dimensions": e.dimensions, "eigenvalues": e.eigenvalues, "positive_mass_fraction": e.positiveMassFraction,
                    "explained_fraction": e.explainedFraction],
            "wall_time_seconds": outcome.wallTimeSeconds, "rnndyn_version": RNNDynamicsVersion.string,
            "git_commit": ExperimentJob.provenance.gitCommit,
        ]
        if let behaviour = outcome.behaviour { record["behaviour"] = behaviour.json }
        return record
    }

    /// `value` with every non-finite Double replaced by "NaN", "Infinity" or "-Infinity" (JSON has no such numbers).
    static func jsonSafe(_ value: Any) -> Any {
        switch value {
        case let d as Double where !d.isFinite: return d.isNaN ? "NaN" : d > 0 ? "Infinity" : "-Infinity"
        case let a as [Double]: return a.map { jsonSafe($0) }
        case let a as [Any]: return a.map(jsonSafe)
        case let o as [String: Any]: return o.mapValues(jsonSafe)
        default: return value
        }
    }

    /// `DATA.md`: what was compared and every file and array.
    static func dataDocument(_ outcome: CompareOutcome) -> String {
        let metric = outcome.request.metric, m = outcome.inputs.count
        var lines = ["# `rnndyn compare \(metric.name)` — \(m) networks", "",
                     "\(outcome.result.quantity) between every pair of \(m) networks (\(metric.input.rawValue) inputs; "
                        + "labels and files in `compare.json`). Read arrays with `np.load(\"distances.npz\")[key]`.", "",
                     "| file | contents |", "|---|---|"]
        lines += files.map { "| `\($0.name)` | \($0.doc) |" }
        lines += ["", "Arrays of `distances.npz` in this run:", "",
                  "- `distances`: \(outcome.result.quantity) [\(m), \(m)]"]
        lines += outcome.result.extraMatrices.map { "- `\($0.name)`: \($0.doc)" }
        return lines.joined(separator: "\n") + "\n"
    }
}
