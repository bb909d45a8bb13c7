import ExperimentKit
import Foundation
import Report

/// A merged sweep's `report.html`: what was swept, the counts, links to the merged files, the figures inline and
/// every column's mean ± s.e.m. per grid point. A function of the merged results and the build alone (no times or
/// hosts), so it is byte-identical for any worker count.
enum SweepReport {
    /// One figure of the page.
    struct Figure {
        /// Its file, relative to the sweep directory.
        let file: String
        /// Its section heading.
        let title: String
        /// The SVG text.
        let svg: String
    }

    /// The page; `links` are files of the sweep directory to link.
    static func html(_ dir: SweepDirectory, columns: SweepColumns, pairColumns: SweepColumns, figures: [Figure],
                     links: [String]) -> String {
        let e = HTMLText.escape, spec = dir.spec
        let title = "Sweep of \(spec.experiment)"
        let grid = (spec.axes.map { "\($0.name) (\($0.values.count))" } + ["seed (\(spec.seeds.count))"]).joined(separator: " × ")
        var items: [(String, String)] = [
            ("experiment", spec.experiment), ("preset", spec.preset.rawValue), ("grid", grid),
            ("cells", "\(dir.cells.count) of \(dir.cells.count) done"),
        ]
        if let stage = spec.pairSpec {
            items.append(("pairs", "\(dir.pairs.count) of \(dir.pairs.count) done (every two seeds of a grid point, on \(stage.array))"))
        }
        var body = "<header>\n<h1>\(e(title))</h1>\n<dl class=\"provenance\">\n"
        for (k, v) in items { body += "<div><dt>\(e(k))</dt><dd>\(e(v))</dd></div>\n" }
        body += "</dl>\n<p class=\"links\">Merged data: " + links.map { "<a href=\"\(e($0))\">\(e($0))</a>" }.joined(separator: " · ")
        body += "</p>\n</header>\n"
        for (k, figure) in figures.enumerated() {
            body += "<section class=\"figure-section\" id=\"figure-\(k + 1)\">\n<h2>\(e(figure.title))</h2>\n<figure class=\"plot\">\n"
            body += InlineSVG.embed(figure.svg, idPrefix: "figure-\(k + 1)", label: figure.title)
            body += "<figcaption class=\"muted\"><a href=\"\(e(figure.file))\">\(e(figure.file))</a></figcaption>\n</figure>\n</section>\n"
        }
        body += "<section class=\"figure-section\" id=\"table\">\n<h2>Mean ± s.e.m. per grid point</h2>\n"
        body += "<p class=\"muted\">Over the \(spec.seeds.count) seeds"
        body += (spec.pairSpec == nil ? "" : " (pair metrics: over the \(spec.seeds.count * (spec.seeds.count - 1) / 2) pairs of seeds)") + ".</p>\n"
        body += table(dir, columns: columns, pairColumns: pairColumns) + "</section>\n"
        return ReportPage.document(title: title, body: body, builtBy: ExperimentJob.provenance, rebuild: "rnndyn sweep merge DIR")
    }

    /// One row per grid point: its axis values, then mean ± s.e.m. of every cell column and pair metric.
    static func table(_ dir: SweepDirectory, columns: SweepColumns, pairColumns: SweepColumns) -> String {
        let e = HTMLText.escape, spec = dir.spec
        let points = spec.axes.reduce(1) { $0 * $1.values.count }
        var out = "<table class=\"summary\">\n<thead><tr>"
        out += (spec.axes.map(\.name) + columns.names + pairColumns.names).map { "<th>\(e($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
        for p in 0..<points {
            let first = dir.cells[p * spec.seeds.count]
            out += "<tr>" + zip(spec.axes, first.point).map { "<td>\(e($0.values[$1].text))</td>" }.joined()
            for block in [columns, pairColumns] where !block.values.isEmpty {
                let per = block.values.count / points
                for c in block.names.indices {
                    let (m, s) = SweepFigure.meanAndSEM(block.values[p * per ..< (p + 1) * per].compactMap { $0[c] }.filter(\.isFinite))
                    out += "<td class=\"number\">\(e(number(m))) ± \(e(number(s)))</td>"
                }
            }
            out += "</tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }

    /// Four significant digits (`—` for NaN).
    static func number(_ v: Double) -> String {
        v.isNaN ? "—" : String(format: "%.4g", v)
    }
}
