import FigureData
import Foundation

/// One heatmap axis: the tick array's values (cell centres or edges) placed on an index grid, with positions of
/// other values interpolated piecewise linearly in the panel's scale, so nice ticks (1-2-5 steps, or decades on
/// log axes) can label a regular or irregular grid.
struct HeatmapAxis {
    /// Knots: (position in cell units, value in scale space), strictly monotonic in value.
    let knots: [(position: Double, t: Double)]
    /// Axis scale (log interpolates in log10 of the value).
    let scale: AxisScale
    /// Number of cells along the axis.
    let cells: Int

    /// The axis for `values` (`cells` centres or `cells + 1` edges); nil when the values are not strictly
    /// monotonic, not finite, not positive on a log axis, or fewer than two.
    init?(values: [Double], cells: Int, scale: AxisScale) {
        guard values.count >= 2, values.allSatisfy({ AxisDomain.usable($0, scale) }) else { return nil }
        let ts = values.map { scale == .log ? log10($0) : $0 }
        let increasing = zip(ts, ts.dropFirst()).allSatisfy { $0 < $1 }
        let decreasing = zip(ts, ts.dropFirst()).allSatisfy { $0 > $1 }
        guard increasing || decreasing else { return nil }
        let offset = values.count == cells ? 0.5 : 0
        var knots = ts.enumerated().map { (position: Double($0) + offset, t: $1) }
        if offset > 0 {
            // Extend linearly to the outer cell edges.
            let (a, b) = (knots[0], knots[1])
            let (y, z) = (knots[knots.count - 2], knots[knots.count - 1])
            knots.insert((0, a.t - (b.t - a.t) / 2), at: 0)
            knots.append((Double(cells), z.t + (z.t - y.t) / 2))
        }
        self.knots = knots
        self.scale = scale
        self.cells = cells
    }

    /// Position in cell units (0 … cells) of `v`, nil outside the axis.
    func position(_ v: Double) -> Double? {
        guard AxisDomain.usable(v, scale) else { return nil }
        let t = scale == .log ? log10(v) : v
        for (a, b) in zip(knots, knots.dropFirst()) {
            let (lo, hi) = (min(a.t, b.t), max(a.t, b.t))
            let slack = (hi - lo) * 1e-9
            if t >= lo - slack, t <= hi + slack {
                return a.position + (t - a.t) / (b.t - a.t) * (b.position - a.position)
            }
        }
        return nil
    }

    /// Value range covered by the axis (outer cell edges).
    var valueRange: (lo: Double, hi: Double) {
        let ends = [knots.first!.t, knots.last!.t].map { scale == .log ? pow(10, $0) : $0 }
        return (min(ends[0], ends[1]), max(ends[0], ends[1]))
    }

    /// Nice ticks with positions in cell units, for cells `cellPixels` wide, labels not overlapping.
    func ticks(cellPixels: Double, horizontal: Bool, fontSize: Double) -> [(Double, Tick)] {
        let (lo, hi) = valueRange
        let ticks = AxisMap.ticks(scale: scale, lo: lo, hi: hi, length: Double(cells) * cellPixels,
                                  horizontal: horizontal, fontSize: fontSize) { v in position(v).map { $0 * cellPixels } }
        return ticks.compactMap { t in position(t.value).map { ($0, t) } }
    }
}
