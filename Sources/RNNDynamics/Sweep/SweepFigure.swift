import DataIO
import ExperimentKit
import FigureData
import Papers
import Plot
import Foundation

/// The merged sweep's figures: one panel per column against the first numeric axis, one line per value of the
/// second axis, mean ± s.e.m. over each grid point's samples (its seeds, or its pairs of seeds) as a band.
enum SweepFigure {
    /// The figure spec and the dataset it draws from; `columns` holds `perPoint` consecutive samples of each grid
    /// point, in sweep order (the cells: one per seed; the pairs: one per pair of seeds), called `samples`.
    static func spec(_ spec: SweepSpec, columns: SweepColumns, perPoint nSeeds: Int, samples: String,
                     title: String) -> (spec: FigureSpec, dataset: Dataset) {
        var data = Dataset()
        let xAxis = spec.axes.first
        let xs = xAxis?.values.map(\.number).map { $0.isNaN ? 0 : $0 } ?? [0]
        let xIsText = xAxis?.values.contains { $0.number.isNaN } ?? true
        let x = xIsText ? xs.indices.map(Double.init) : xs
        data.add(DataArray("x", x, doc: xAxis.map { "values of \($0.name)" } ?? "single grid point"))
        let groups = spec.axes.count >= 2 ? spec.axes[1].values : [SweepValue.string("")]
        let inner = spec.axes.dropFirst(2).reduce(1) { $0 * $1.values.count }
        var panels: [Panel] = []
        for (c, name) in columns.names.enumerated() {
            var series: [Series] = [], means: [Double] = []
            for (g, value) in groups.enumerated() {
                var mean: [Double] = [], sem: [Double] = []
                for xi in x.indices {
                    // Cells of (x, group) across seeds and any further axes, in sweep order.
                    var sample: [Double] = []
                    for k in 0..<inner {
                        let point = (xi * groups.count + g) * inner + k
                        for s in 0..<nSeeds { if let v = columns.values[point * nSeeds + s][c], v.isFinite { sample.append(v) } }
                    }
                    let (m, e) = meanAndSEM(sample)
                    mean.append(m); sem.append(e)
                }
                means += mean.filter(\.isFinite)
                let tag = "\(SweepMerge.key(name))_g\(g)"
                data.add(DataArray("mean_\(tag)", mean, doc: "mean of \(name) over \(samples)"))
                data.add(DataArray("sem_\(tag)", sem, doc: "standard error of the mean of \(name) over \(samples)"))
                let label = LabelMarkup.literal(spec.axes.count >= 2 ? "\(spec.axes[1].name) = \(value.text)" : name)
                series.append(Series(label, x: "x", y: "mean_\(tag)", style: x.count == 1 ? .points : .simulation, group: g, band: "sem_\(tag)"))
            }
            // Positive values spanning more than two decades read better on a log axis.
            let positive = !means.isEmpty && means.allSatisfy { $0 > 0 }
            let log = positive && means.max()! / means.min()! > 100
            panels.append(Panel(title: LabelMarkup.literal(name), xLabel: LabelMarkup.literal(xAxis?.name ?? ""), yLabel: "mean ± s.e.m. (\(nSeeds) \(samples))",
                                yScale: log ? .log : .linear, content: .lines(series)))
        }
        return (FigureSpec(title: LabelMarkup.literal(title), columns: min(3, max(1, panels.count)), panels: panels), data)
    }

    /// Mean and standard error of the mean (sample standard deviation / √n; 0 for one value, NaN for none).
    static func meanAndSEM(_ v: [Double]) -> (Double, Double) {
        guard !v.isEmpty else { return (.nan, .nan) }
        let m = v.reduce(0, +) / Double(v.count)
        guard v.count > 1 else { return (m, 0) }
        let variance = v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count - 1)
        return (m, (variance / Double(v.count)).squareRoot())
    }
}
