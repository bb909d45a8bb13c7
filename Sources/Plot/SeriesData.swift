import FigureData

/// Reads series and heatmap arrays from a dataset, checking shapes and naming the figure, panel, series and
/// array in every error.
enum SeriesData {
    /// The array `name`, or a `missingArray` error at `context`.
    static func array(_ name: String, in dataset: Dataset, context: String) throws -> DataArray {
        guard let a = dataset[name] else { throw PlotError(context: context, problem: .missingArray(name)) }
        return a
    }

    /// Row `row` of a 2-D array.
    static func row(_ a: DataArray, _ row: Int) -> [Double] {
        let c = a.shape[1]
        return Array(a.values[(row * c)..<((row + 1) * c)])
    }

    /// The (x, y) points of a line series: y is 1-D, a row (`yRow`) of a 2-D array, or a single value drawn as
    /// a horizontal line; x is 1-D, or 2-D with y's shape (then the same row is used).
    static func line(_ s: Series, in dataset: Dataset, context: String) throws -> [PlotPoint] {
        let xa = try array(s.x, in: dataset, context: context)
        let ya = try array(s.y, in: dataset, context: context)
        var y: [Double]
        if let r = s.yRow {
            guard ya.shape.count == 2 else {
                throw PlotError(context: context, problem: .shape(array: s.y, detail: "has shape \(ya.shape); yRow \(r) needs a 2-D array"))
            }
            guard r >= 0, r < ya.shape[0] else {
                throw PlotError(context: context, problem: .shape(array: s.y, detail: "has \(ya.shape[0]) rows; yRow \(r) is out of range"))
            }
            y = row(ya, r)
        } else {
            guard ya.shape.count <= 1 else {
                throw PlotError(context: context, problem: .shape(array: s.y, detail: "has shape \(ya.shape); set yRow to pick a row of a 2-D array"))
            }
            y = ya.values
        }
        let x: [Double]
        if xa.shape.count <= 1 {
            x = xa.values
        } else if let r = s.yRow, xa.shape == ya.shape {
            x = row(xa, r)
        } else {
            throw PlotError(context: context, problem: .shape(array: s.x, detail: "has shape \(xa.shape); x must be 1-D (or 2-D with y's shape when yRow is set)"))
        }
        if y.count == 1, x.count > 1 { y = Array(repeating: y[0], count: x.count) }
        guard x.count == y.count else {
            let which = s.yRow.map { " (row \($0))" } ?? ""
            throw PlotError(context: context, problem: .shape(array: s.y, detail: "has \(y.count) values\(which) but x array '\(s.x)' has \(x.count)"))
        }
        return zip(x, y).map { PlotPoint(x: $0, y: $1) }
    }

    /// Complex-plane trajectories: `x` names the real parts and `y` the imaginary parts, of equal shape. 1-D arrays
    /// (or row `yRow` of 2-D ones) give one trajectory; 2-D arrays [steps, k] without `yRow` give k trajectories,
    /// one per column (e.g. `eig_Wh_real` / `eig_Wh_imag` [R, N_h]: each eigenvalue's path over training).
    static func complex(_ s: Series, in dataset: Dataset, context: String) throws -> [[PlotPoint]] {
        let re = try array(s.x, in: dataset, context: context)
        let im = try array(s.y, in: dataset, context: context)
        guard re.shape == im.shape else {
            throw PlotError(context: context, problem: .shape(array: s.y, detail: "has shape \(im.shape) but real-part array '\(s.x)' has shape \(re.shape)"))
        }
        switch re.shape.count {
        case 0, 1:
            return [zip(re.values, im.values).map { PlotPoint(x: $0, y: $1) }]
        case 2:
            if let r = s.yRow {
                guard r >= 0, r < re.shape[0] else {
                    throw PlotError(context: context, problem: .shape(array: s.y, detail: "has \(re.shape[0]) rows; yRow \(r) is out of range"))
                }
                return [zip(row(re, r), row(im, r)).map { PlotPoint(x: $0, y: $1) }]
            }
            let (steps, k) = (re.shape[0], re.shape[1])
            return (0..<k).map { j in (0..<steps).map { i in PlotPoint(x: re.values[i * k + j], y: im.values[i * k + j]) } }
        default:
            throw PlotError(context: context, problem: .shape(array: s.y, detail: "has shape \(im.shape); complex-plane series need 1-D arrays or 2-D [steps, trajectories]"))
        }
    }
}
