import FigureData
import Foundation

/// Axis limits from data: only finite (and, on log axes, positive) values count; empty and constant data get
/// a sensible default range.
struct AxisDomain: Equatable {
    /// Lower limit (data units).
    var lo: Double
    /// Upper limit, greater than `lo`.
    var hi: Double
    /// Whether any usable value was found.
    var hasData: Bool

    /// Whether `v` can be placed on an axis of `scale`.
    static func usable(_ v: Double, _ scale: AxisScale) -> Bool {
        v.isFinite && (scale == .linear || v > 0)
    }

    /// Limits of `values` on `scale`, padded by `margin` × span on both sides (in log space for log axes).
    static func of(_ values: [Double], scale: AxisScale, margin: Double) -> AxisDomain {
        var lo = Double.infinity, hi = -Double.infinity
        for v in values where usable(v, scale) {
            lo = min(lo, v); hi = max(hi, v)
        }
        return fromExtent(lo: lo, hi: hi, scale: scale, margin: margin)
    }

    /// Limits from a data extent (`lo > hi` when there was no data).
    static func fromExtent(lo: Double, hi: Double, scale: AxisScale, margin: Double) -> AxisDomain {
        switch scale {
        case .linear:
            guard lo <= hi else { return AxisDomain(lo: 0, hi: 1, hasData: false) }
            if lo == hi {
                let pad = lo == 0 ? 1 : abs(lo) * 0.1
                return AxisDomain(lo: lo - pad, hi: hi + pad, hasData: true)
            }
            let pad = (hi - lo) * margin
            guard pad.isFinite, (lo - pad).isFinite, (hi + pad).isFinite else { return AxisDomain(lo: lo, hi: hi, hasData: true) }
            return AxisDomain(lo: lo - pad, hi: hi + pad, hasData: true)
        case .log:
            guard lo <= hi else { return AxisDomain(lo: 1, hi: 10, hasData: false) }
            let a = log10(lo), b = log10(hi)
            if a == b { return AxisDomain(lo: lo / 10.0.squareRoot(), hi: hi * 10.0.squareRoot(), hasData: true) }
            let pad = (b - a) * margin
            return AxisDomain(lo: pow(10, a - pad), hi: pow(10, b + pad), hasData: true)
        }
    }
}
