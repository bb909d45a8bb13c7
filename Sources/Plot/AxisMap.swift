import FigureData
import Foundation

/// Maps data values on one axis (linear or log10) to pixel positions, and picks ticks whose labels do not overlap.
struct AxisMap {
    /// Scale kind.
    var scale: AxisScale
    /// Data limits.
    var domain: AxisDomain
    /// Pixel position of `domain.lo`.
    var start: Double
    /// Pixel position of `domain.hi`.
    var end: Double

    /// Pixel length of the axis.
    var length: Double { abs(end - start) }

    /// Pixel position of `v`, nil when it cannot be shown (non-finite, or not positive on a log axis).
    func position(_ v: Double) -> Double? {
        guard AxisDomain.usable(v, scale) else { return nil }
        let t: Double
        switch scale {
        case .linear: t = (v - domain.lo) / (domain.hi - domain.lo)
        case .log: t = (log10(v) - log10(domain.lo)) / (log10(domain.hi) - log10(domain.lo))
        }
        let p = start + t * (end - start)
        // Keep far-off points finite (and within a generous band) so clipped paths stay well-formed.
        let band = 20 * max(1, length)
        return min(max(p, min(start, end) - band), max(start, end) + band)
    }

    /// Ticks for a horizontal (x) or vertical (y) axis: the most ticks whose labels fit without overlapping.
    func ticks(horizontal: Bool, fontSize: Double) -> [Tick] {
        Self.ticks(scale: scale, lo: domain.lo, hi: domain.hi, length: length, horizontal: horizontal,
                   fontSize: fontSize, position: position)
    }

    /// Nice ticks over `lo…hi` on `scale` for an axis `length` pixels long: the most (up to one per 70 px
    /// horizontally, 38 px vertically) whose labels, placed by `position` (pixels), do not overlap.
    static func ticks(scale: AxisScale, lo: Double, hi: Double, length: Double, horizontal: Bool, fontSize: Double,
                      position: (Double) -> Double?) -> [Tick] {
        let pixelsPerLabel = horizontal ? 70.0 : 38.0
        let most = max(2, min(10, Int(length / pixelsPerLabel)))
        var best: [Tick] = []
        for count in stride(from: most, through: 2, by: -1) {
            let ticks: [Tick]
            switch scale {
            case .linear: ticks = LinearTicks.ticks(from: lo, to: hi, count: count)
            case .log: ticks = LogTicks.ticks(from: lo, to: hi, maxMajor: count)
            }
            best = ticks
            if fits(ticks, horizontal: horizontal, fontSize: fontSize, position: position) { break }
        }
        return best
    }

    /// Whether the labels of the major `ticks`, placed by `position`, leave a gap between neighbours.
    static func fits(_ ticks: [Tick], horizontal: Bool, fontSize: Double, position: (Double) -> Double?) -> Bool {
        let majors = ticks.filter(\.isMajor).compactMap { t in position(t.value).map { (t, $0) } }
        for (a, b) in zip(majors, majors.dropFirst()) {
            let gap = abs(b.1 - a.1)
            let needed = horizontal
                ? (TextMetrics.width(a.0.label, size: fontSize) + TextMetrics.width(b.0.label, size: fontSize)) / 2 + 8
                : fontSize * 1.5
            if gap < needed { return false }
        }
        return true
    }
}
