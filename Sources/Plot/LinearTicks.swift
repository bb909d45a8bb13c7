import Foundation

/// "Nice" 1-2-5 tick selection on a linear axis.
public enum LinearTicks {
    /// The 1-2-5 step for about `count` intervals over `lo…hi`, as `factor` (1, 2, 5 or 10) × 10^`power`.
    public static func increment(from lo: Double, to hi: Double, count: Int) -> (factor: Int, power: Int)? {
        let span = hi - lo
        guard lo.isFinite, hi.isFinite, span > 0, span.isFinite, count > 0 else { return nil }
        let raw = span / Double(count)
        let power = Int(floor(log10(raw)))
        let error = raw / pow(10, Double(power))
        let factor = error >= 50.0.squareRoot() ? 10 : error >= 10.0.squareRoot() ? 5 : error >= 2.0.squareRoot() ? 2 : 1
        return (factor, power)
    }

    /// The tick spacing `values(from:to:count:)` uses.
    public static func step(from lo: Double, to hi: Double, count: Int = 5) -> Double {
        guard let (factor, power) = increment(from: lo, to: hi, count: count) else { return 0 }
        return power >= 0 ? Double(factor) * pow(10, Double(power)) : Double(factor) / pow(10, Double(-power))
    }

    /// Multiples of the 1-2-5 step inside `lo…hi`, computed as integer ratios so 0.3 is exactly the double 0.3.
    public static func values(from lo: Double, to hi: Double, count: Int = 5) -> [Double] {
        guard let (factor, power) = increment(from: lo, to: hi, count: count) else {
            return lo.isFinite && lo == hi ? [lo] : []
        }
        let tolerance = 1e-9
        if power >= 0 {
            let inc = Double(factor) * pow(10, Double(power))
            let first = ceil(lo / inc - tolerance), last = floor(hi / inc + tolerance)
            guard last >= first, last - first < 10_000 else { return [] }
            return stride(from: first, through: last, by: 1).map { $0 * inc }
        }
        let inverse = pow(10, Double(-power)) / Double(factor)
        let first = ceil(lo * inverse - tolerance), last = floor(hi * inverse + tolerance)
        guard last >= first, last - first < 10_000 else { return [] }
        return stride(from: first, through: last, by: 1).map { $0 / inverse }
    }

    /// Labelled ticks for about `count` intervals over `lo…hi`.
    public static func ticks(from lo: Double, to hi: Double, count: Int = 5) -> [Tick] {
        let v = values(from: lo, to: hi, count: count)
        let labels = TickFormat.labels(v, step: step(from: lo, to: hi, count: count))
        return zip(v, labels).map { Tick(value: $0, label: $1) }
    }
}
