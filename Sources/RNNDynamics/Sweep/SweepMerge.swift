import Analysis
import DataIO
import ExperimentKit
import FigureData
import Papers
import Plot
import Foundation
import Report

/// Merges a finished sweep into tables, stacked arrays and figures. Everything it writes is a function of the
/// cells' results alone (no times, hosts or worker counts), so the merged files are byte-identical however the
/// cells were computed; times and hosts go to `timings.csv`.
public enum SweepMerge {
    /// What `merge` wrote.
    public struct Outcome: Sendable {
        /// Files written, relative to the sweep directory.
        public var files: [String]
        /// Cells merged.
        public var cells: Int
    }

    /// One complete cell read back.
    struct CellResult {
        let cell: SweepCell
        let record: RunRecord
        let arrays: [(name: String, array: NumpyArray)]
    }

    /// Writes `sweep.csv`, `sweep.npz`, `DATA.md`, `timings.csv`, `figures/sweep.svg` and `report.html` (with a
    /// pair stage also `pairs.csv` and `figures/pairs.svg`); throws a `ConfigError` while cells or pairs are
    /// pending or failed.
    @discardableResult
    public static func merge(_ dir: SweepDirectory) throws -> Outcome {
        let states = dir.cells.map { dir.state($0) }
        let notDone = states.filter { $0 != .done }.count
        guard notDone == 0 else {
            throw ConfigError(key: "DIR", "\(notDone) of \(dir.cells.count) cells are not complete (allowed: merge after every cell is done; see rnndyn sweep status)")
        }
        if dir.spec.study { return try StudySweep.reduce(dir) }
        let pairValues = dir.pairs.map { dir.pairValues($0) }
        let pairsNotDone = pairValues.filter { $0 == nil }.count
        guard pairsNotDone == 0 else {
            throw ConfigError(key: "DIR", "\(pairsNotDone) of \(dir.pairs.count) pairs are not complete (allowed: merge after every pair is done; see rnndyn sweep status)")
        }
        let results = try dir.cells.map { cell -> CellResult in
            let url = dir.cellURL(cell)
            return CellResult(cell: cell, record: try RunRecord.read(from: url.appendingPathComponent(RunFiles.config)),
                              arrays: try NPZ.read(from: url.appendingPathComponent(RunFiles.results)))
        }
        let columns = SweepColumns(results)
        let pairColumns = SweepColumns(pairs: dir.spec.pairSpec?.metrics ?? [], values: pairValues.map { $0! })
        var docs: [(String, String)] = []
        var npz = try stacked(dir, results, columns, docs: &docs)
        npz += try stackedPairs(dir, pairColumns, docs: &docs)
        var files: [(String, Data)] = [
            ("sweep.csv", try table(dir, results, columns).data), ("sweep.npz", try NPZ.encode(npz)),
            ("DATA.md", Data(documentation(dir, columns, pairColumns, docs).utf8)), ("timings.csv", try timings(results).data),
        ]
        let title = "Sweep of \(dir.spec.experiment): " + (dir.spec.axes.map(\.name) + ["\(dir.spec.seeds.count) seeds"]).joined(separator: " × ")
        var figures = [SweepReport.Figure(file: "figures/sweep.svg", title: "Scalars of every cell", svg: try render(
            SweepFigure.spec(dir.spec, columns: columns, perPoint: dir.spec.seeds.count, samples: "seeds", title: title)))]
        if let stage = dir.spec.pairSpec {
            let perPoint = dir.spec.seeds.count * (dir.spec.seeds.count - 1) / 2
            files.append(("pairs.csv", try pairTable(dir, pairColumns).data))
            figures.append(SweepReport.Figure(file: "figures/pairs.svg", title: "Distances of \(stage.array) between seeds", svg: try render(
                SweepFigure.spec(dir.spec, columns: pairColumns, perPoint: perPoint, samples: "pairs",
                                 title: "Pairs of seeds of \(dir.spec.experiment): distances of \(stage.array)"))))
        }
        files += figures.map { ($0.file, Data($0.svg.utf8)) }
        files.append(("report.html", Data(SweepReport.html(dir, columns: columns, pairColumns: pairColumns, figures: figures,
                                                           links: files.map(\.0)).utf8)))
        try FileManager.default.createDirectory(at: dir.url.appendingPathComponent("figures"), withIntermediateDirectories: true)
        assert(files.map(\.0) == Self.files(dir), "SweepMerge.files lists what merge writes")
        for (name, data) in files { try AtomicFile.write(data, to: dir.url.appendingPathComponent(name)) }
        return Outcome(files: files.map(\.0), cells: results.count)
    }

    /// The files `merge` writes for `dir`, relative to it, `report.html` last.
    public static func files(_ dir: SweepDirectory) -> [String] {
        if dir.spec.study { return StudySweep.files(dir) }
        return ["sweep.csv", "sweep.npz", "DATA.md", "timings.csv"] + (dir.spec.pairSpec == nil ? [] : ["pairs.csv"])
            + ["figures/sweep.svg"] + (dir.spec.pairSpec == nil ? [] : ["figures/pairs.svg"]) + ["report.html"]
    }

    /// The SVG text of a figure.
    static func render(_ figure: (spec: FigureSpec, dataset: Dataset)) throws -> String {
        try FigureRenderer.render(figure.spec, dataset: figure.dataset)
    }

    /// `sweep.csv`: one row per cell in sweep order: `cell`, the axes, `seed`, then every scalar column.
    static func table(_ dir: SweepDirectory, _ results: [CellResult], _ columns: SweepColumns) throws -> CSVWriter {
        var csv = CSVWriter(header: ["cell"] + dir.spec.axes.map(\.name) + ["seed"] + columns.names)
        for (r, result) in results.enumerated() {
            let axes = zip(dir.spec.axes, result.cell.point).map { CSVCell.string($0.values[$1].text) }
            let values = columns.values[r].map { v -> CSVCell in v.map { .string(CanonicalJSON.number($0)) } ?? "" }
            try csv.append([.string(result.cell.id)] + axes + [.string(String(result.cell.seed))] + values)
        }
        return csv
    }

    /// `sweep.npz`: axis values, seeds, every scalar column as an array over [axes…, seed], and every result
    /// array whose shape agrees across cells stacked as [axes…, seed, its shape…].
    static func stacked(_ dir: SweepDirectory, _ results: [CellResult], _ columns: SweepColumns,
                        docs: inout [(String, String)]) throws -> [(name: String, array: NumpyArray)] {
        let grid = dir.spec.axes.map(\.values.count) + [dir.spec.seeds.count]
        var out: [(name: String, array: NumpyArray)] = []
        func add(_ name: String, _ shape: [Int], _ values: [Double], _ doc: String) throws {
            out.append((name, try NumpyArray(shape: shape, cOrder: values)))
            docs.append((name, "\(shape) — \(doc)"))
        }
        for axis in dir.spec.axes {
            try add("axis_" + key(axis.name), [axis.values.count], axis.values.map(\.number),
                    "values of axis \(axis.name) (NaN for strings)")
        }
        try add("seed", [dir.spec.seeds.count], dir.spec.seeds.map(Double.init), "root seeds (innermost axis)")
        for (c, name) in columns.names.enumerated() {
            try add(key(name), grid, columns.values.map { $0[c] ?? .nan }, columns.docs[c] + " (NaN where a cell has none)")
        }
        for (name, first) in results[0].arrays {
            let all = results.compactMap { r in r.arrays.first { $0.name == name }?.array }
            guard all.count == results.count, all.allSatisfy({ $0.shape == first.shape }) else {
                docs.append(("(left out) data_" + key(name), "shape differs between cells or missing in some"))
                continue
            }
            try add("data_" + key(name), grid + first.shape, try all.flatMap { try $0.doubles(order: .c) },
                    "the cells' `\(name)` stacked along the axes and seeds")
        }
        return out
    }

    /// `pairs.csv`: one row per pair in pair order: `pair`, the axes, `seed_a`, `seed_b`, `cell_a`, `cell_b`, then
    /// every metric (shortest round-trip form; `nan`, `inf` for non-finite values).
    static func pairTable(_ dir: SweepDirectory, _ pairColumns: SweepColumns) throws -> CSVWriter {
        var csv = CSVWriter(header: ["pair"] + dir.spec.axes.map(\.name) + ["seed_a", "seed_b", "cell_a", "cell_b"] + pairColumns.names)
        for (pair, values) in zip(dir.pairs, pairColumns.values) {
            let axes = zip(dir.spec.axes, pair.point).map { CSVCell.string($0.values[$1].text) }
            let ends = [String(pair.a.seed), String(pair.b.seed), pair.a.id, pair.b.id].map(CSVCell.string)
            try csv.append([.string(pair.id)] + axes + ends + values.map { .string(exact($0 ?? .nan)) })
        }
        return csv
    }

    /// `v` in shortest round-trip form (`nan`, `inf`, `-inf` when not finite).
    static func exact(_ v: Double) -> String {
        v.isFinite ? CanonicalJSON.number(v) : "\(v)"
    }

    /// For each metric: `pair_<metric>`, the seed-by-seed matrix of every grid point [axes…, seed, seed]
    /// (symmetric, 0 on the diagonal), and `pair_<metric>_mean`, its mean over the point's pairs [axes…].
    static func stackedPairs(_ dir: SweepDirectory, _ pairColumns: SweepColumns,
                             docs: inout [(String, String)]) throws -> [(name: String, array: NumpyArray)] {
        guard let stage = dir.spec.pairSpec else { return [] }
        let axes = dir.spec.axes.map(\.values.count), n = dir.spec.seeds.count, points = axes.reduce(1, *)
        let perPoint = n * (n - 1) / 2
        var out: [(name: String, array: NumpyArray)] = []
        for (m, metric) in pairColumns.names.enumerated() {
            var matrices = [Double](repeating: 0, count: points * n * n)
            var means = [Double](repeating: 0, count: points)
            for (pair, values) in zip(dir.pairs, pairColumns.values) {
                let p = pair.index / perPoint, v = values[m] ?? .nan
                let (i, j) = pair.seedIndices
                matrices[(p * n + i) * n + j] = v
                matrices[(p * n + j) * n + i] = v
                means[p] += v
            }
            means = means.map { $0 / Double(perPoint) }
            let name = "pair_" + key(metric), what = "\(pairColumns.docs[m]) between the `\(stage.array)` of two seeds"
            out.append((name, try NumpyArray(shape: axes + [n, n], cOrder: matrices)))
            docs.append((name, "\(axes + [n, n]) — \(what), for every two seeds [.., seed a, seed b] of each grid point (symmetric, 0 on the diagonal)"))
            out.append((name + "_mean", try NumpyArray(shape: axes, cOrder: means)))
            docs.append((name + "_mean", "\(axes) — mean over each grid point's \(perPoint) pairs of the same"))
        }
        return out
    }

    /// `timings.csv`: per cell, the wall time and start time (apart from the merged results, which never vary).
    static func timings(_ results: [CellResult]) throws -> CSVWriter {
        var csv = CSVWriter(header: ["cell", "seed", "started_at", "wall_time_seconds"])
        for r in results {
            try csv.append([.string(r.cell.id), .string(String(r.cell.seed)), .string(r.record.startedAt), .double(r.record.wallTimeSeconds)])
        }
        return csv
    }

    /// `DATA.md`: what the merged files hold.
    static func documentation(_ dir: SweepDirectory, _ columns: SweepColumns, _ pairColumns: SweepColumns,
                              _ docs: [(String, String)]) -> String {
        var md = "# Sweep of \(dir.spec.experiment) (\(dir.spec.preset.rawValue) preset)\n\n"
        md += "\(dir.cells.count) cells: " + (dir.spec.axes.map { "\($0.name) (\($0.values.count))" } + ["seed (\(dir.spec.seeds.count))"]).joined(separator: " × ") + ".\n\n"
        md += "## sweep.csv\n\nOne row per cell: `cell` (its id, the folder under `cells/`), the axes, `seed`, then:\n\n"
        for (n, d) in zip(columns.names, columns.docs) { md += "- `\(n)`: \(d)\n" }
        if let stage = dir.spec.pairSpec {
            md += "\n## pairs.csv\n\n\(dir.pairs.count) pairs: every two seeds (a before b in the seed list) of each grid point, "
            md += "comparing the cells' `\(stage.array)` (flattened, C order). One row per pair: `pair` (its id, `pairs/<id>.json`), "
            md += "the axes, `seed_a`, `seed_b`, `cell_a`, `cell_b`, then:\n\n"
            for (n, d) in zip(pairColumns.names, pairColumns.docs) { md += "- `\(n)`: \(d)\n" }
        }
        md += "\n## sweep.npz\n\n`np.load(\"sweep.npz\")`; grid arrays are indexed [" + (dir.spec.axes.map(\.name) + ["seed"]).joined(separator: ", ") + "].\n\n"
        for (n, d) in docs { md += "- `\(n)`: \(d)\n" }
        md += "\n## Other files\n\n- `timings.csv`: start time and wall time of each cell (these vary between runs).\n"
        md += "- `figures/sweep.svg`: each scalar against the first axis, mean ± s.e.m. over seeds.\n"
        if dir.spec.pairSpec != nil { md += "- `figures/pairs.svg`: each pair metric against the first axis, mean ± s.e.m. over the pairs.\n" }
        md += "- `report.html`: the figures, the mean ± s.e.m. of every column per grid point, and links to these files.\n"
        md += "- `cells/<id>/`: each cell's complete run directory; `events.log`: which process ran which cell.\n"
        return md
    }

    /// An npz key from a column or array name (letters, digits and `_`).
    static func key(_ name: String) -> String {
        String(name.map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "_" })
    }
}

/// The scalar columns of a sweep: checks, theory error and the experiment's named scalars, in first-seen order.
struct SweepColumns {
    /// Column names.
    var names: [String] = []
    /// What each measures.
    var docs: [String] = []
    /// Per cell, per column (nil where a cell has no value).
    var values: [[Double?]] = []

    /// The pair metrics' columns: one row of values per pair.
    init(pairs metrics: [ArrayDistance.Metric], values: [[Double]]) {
        names = metrics.map(\.rawValue)
        docs = metrics.map(\.formula)
        self.values = values.map { $0.map { $0 } }
    }

    init(_ results: [SweepMerge.CellResult]) {
        var rows: [[String: Double]] = []
        func column(_ name: String, _ doc: String) { if !names.contains(name) { names.append(name); docs.append(doc) } }
        for r in results {
            var row: [String: Double] = [:]
            column("checks_holding", "claim checks that hold"); row["checks_holding"] = Double(r.record.checksHolding)
            for (k, c) in r.record.checks.enumerated() {
                column("check_\(k + 1)", "1 when the claim holds: \(c.claim)"); row["check_\(k + 1)"] = c.holds ? 1 : 0
            }
            if let e = r.record.theoryError {
                column("theory_error", "largest relative theory-vs-simulation gap"); row["theory_error"] = e
            }
            for s in r.record.scalars { column(s.name, s.doc); row[s.name] = s.value }
            rows.append(row)
        }
        values = rows.map { row in names.map { row[$0] } }
    }
}
