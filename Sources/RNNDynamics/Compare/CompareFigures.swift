import Analysis
import FigureData
import Linalg
import Plot

/// The two figures of `rnndyn compare`: the distance heatmap and the MDS scatter.
enum CompareFigures {
    /// Networks beyond which the scatter draws one series (labels stay in `mds.csv`) instead of one legend entry each.
    static let labelledPoints = 12

    /// `heatmap.svg`: distances [M, M], rows and columns in input order (row 0 at the bottom).
    static func heatmap(_ d: Matrix, labels: [String], metric: String, quantity: String) throws -> String {
        let m = d.rows
        var data = Dataset()
        data.add(DataArray("distances", shape: [m, m], values: (0..<m).flatMap { i in (0..<m).map { d[i, $0] } }, doc: "distances"))
        data.add(DataArray("network", (0..<m).map(Double.init), doc: "network index"))
        let axis = "network (index: " + LabelMarkup.literal(labels.enumerated().prefix(6).map { "\($0) \($1)" }.joined(separator: ", "))
            + (m > 6 ? ", …)" : ")")
        let figure = FigureSpec(title: "rnndyn compare \(metric) — \(m) networks", columns: 1, panels: [
            Panel(title: LabelMarkup.literal(quantity), xLabel: axis, yLabel: "network",
                  content: .heatmap(x: "network", y: "network", z: "distances", colorLabel: LabelMarkup.literal(quantity)))])
        return try FigureRenderer.render(figure, dataset: data)
    }

    /// `mds.svg`: the first two MDS axes (the second is 0 for a 1-D embedding), one labelled series per network up to
    /// `labelledPoints` networks.
    static func scatter(_ embedding: ClassicalMDS.Embedding, labels: [String], metric: String) throws -> String {
        let m = embedding.coordinates.rows
        let x = (0..<m).map { embedding.coordinates[$0, 0] }
        let y = (0..<m).map { embedding.dimensions > 1 ? embedding.coordinates[$0, 1] : 0 }
        var data = Dataset(), series: [Series] = []
        if m <= labelledPoints {
            for k in 0..<m {
                data.add(DataArray("x\(k)", [x[k]], doc: "MDS 1")); data.add(DataArray("y\(k)", [y[k]], doc: "MDS 2"))
                series.append(Series(LabelMarkup.literal(labels[k]), x: "x\(k)", y: "y\(k)", style: .points, group: k))
            }
        } else {
            data.add(DataArray("x", x, doc: "MDS 1")); data.add(DataArray("y", y, doc: "MDS 2"))
            series.append(Series("networks (labels in mds.csv)", x: "x", y: "y", style: .points, group: 0))
        }
        let positive = embedding.eigenvalues.reduce(0) { $0 + max($1, 0) }
        let drawn = embedding.eigenvalues.prefix(min(2, embedding.dimensions)).reduce(0) { $0 + max($1, 0) }
        let share = String(format: "%.0f%%", positive == 0 ? 100 : 100 * drawn / positive)
        let figure = FigureSpec(title: "rnndyn compare \(metric) — classical MDS", columns: 1, panels: [
            Panel(title: "first two axes: \(share) of the positive mass", xLabel: "MDS 1", yLabel: "MDS 2", content: .lines(series))])
        return try FigureRenderer.render(figure, dataset: data)
    }
}
