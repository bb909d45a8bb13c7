import FigureData
import Foundation

/// The colour range of heatmaps: from the finite values, widened outward to multiples of a 1-2-5 step so the colour
/// bar starts and ends on nice values; heatmaps naming one `Panel.colorScale` share the range of all their values.
struct ColorScale: Equatable {
    /// The scale's id (`Panel.colorScale`), nil for a panel's own scale.
    var id: String?
    /// The colour range.
    var domain: AxisDomain
    /// Whether any cell of the panels is NaN or infinite (the bar gets a "NaN" swatch).
    var hasMissing: Bool
    /// Indices of the panels drawn in this scale.
    var panels: [Int]
    /// The colour bar's label (the first panel's colour label).
    var label: String

    /// Intervals the range is widened to (about this many steps).
    static let niceIntervals = 5

    /// The range of `values` (finite ones only), widened to nice values.
    static func domain(of values: [Double]) -> AxisDomain {
        let finite = values.filter(\.isFinite)
        let raw = AxisDomain.fromExtent(lo: finite.min() ?? 1, hi: finite.max() ?? 0, scale: .linear, margin: 0)
        guard raw.hasData else { return raw }
        let (lo, hi) = nice(lo: raw.lo, hi: raw.hi, intervals: niceIntervals)
        return AxisDomain(lo: lo, hi: hi, hasData: true)
    }

    /// `lo…hi` widened to multiples of the 1-2-5 step for about `intervals` intervals (computed as integer ratios,
    /// so 0.3 is the double 0.3).
    static func nice(lo: Double, hi: Double, intervals: Int) -> (lo: Double, hi: Double) {
        guard let (factor, power) = LinearTicks.increment(from: lo, to: hi, count: intervals) else { return (lo, hi) }
        let tolerance = 1e-9
        if power >= 0 {
            let inc = Double(factor) * LogTicks.power(power)
            return (floor(lo / inc + tolerance) * inc, ceil(hi / inc - tolerance) * inc)
        }
        let inverse = LogTicks.power(-power) / Double(factor)
        return (floor(lo * inverse + tolerance) / inverse, ceil(hi * inverse - tolerance) / inverse)
    }

    /// The shared scales of `figure`, in order of first use: one per `Panel.colorScale` id over its heatmap panels.
    static func shared(_ figure: FigureSpec, dataset: Dataset) throws -> [ColorScale] {
        var ids: [String] = []
        var values: [String: [Double]] = [:], panels: [String: [Int]] = [:], labels: [String: String] = [:]
        for (i, panel) in figure.panels.enumerated() {
            guard let id = panel.colorScale, case let .heatmap(_, _, z, colorLabel) = panel.content else { continue }
            let context = "figure '\(figure.title)', panel \(i + 1)"
            let array = try SeriesData.array(z, in: dataset, context: context)
            if values[id] == nil { ids.append(id); labels[id] = colorLabel }
            values[id, default: []] += array.values
            panels[id, default: []].append(i)
        }
        return ids.map { id in
            let v = values[id]!
            return ColorScale(id: id, domain: domain(of: v), hasMissing: v.contains { !$0.isFinite }, panels: panels[id]!,
                              label: labels[id]!)
        }
    }

    /// The viridis colour of `v`, nil for a missing (non-finite) value.
    func color(_ v: Double) -> String? {
        v.isFinite ? Viridis.color((v - domain.lo) / (domain.hi - domain.lo)) : nil
    }
}
