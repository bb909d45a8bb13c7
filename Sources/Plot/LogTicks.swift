import Foundation

/// Tick selection on a base-10 logarithmic axis: labelled decades with minor ticks at 2…9 × 10ᵏ.
public enum LogTicks {
    /// 10^k, computed so that negative powers equal their decimal literals (1e-4, not 1.0000000000000001e-4).
    public static func power(_ k: Int) -> Double {
        k >= 0 ? pow(10, Double(k)) : 1 / pow(10, Double(-k))
    }

    /// Ticks over `lo…hi` (`lo > 0`): at most `maxMajor` labelled decades (every n-th when there are many), minor
    /// ticks between; a range with fewer than two decades is labelled at 1-2-5 (or 1…9) × 10ᵏ instead.
    public static func ticks(from lo: Double, to hi: Double, maxMajor: Int = 8) -> [Tick] {
        guard lo > 0, hi > lo, lo.isFinite, hi.isFinite else {
            return lo > 0 && lo.isFinite ? [Tick(value: lo, label: TickFormat.compact(lo))] : []
        }
        let tolerance = 1e-9
        let kLo = Int(floor(log10(lo))), kHi = Int(ceil(log10(hi)))
        let inRange = { (v: Double) in
            log10(v) >= log10(lo) - tolerance && log10(v) <= log10(hi) + tolerance
        }
        let decades = (kLo...kHi).filter { inRange(power($0)) }
        if decades.count >= 2 {
            let every = max(1, Int((Double(decades.count) / Double(max(1, maxMajor))).rounded(.up)))
            var ticks: [Tick] = []
            for k in kLo...kHi {
                let major = k % every == 0
                if inRange(power(k)) {
                    ticks.append(major ? Tick(value: power(k), label: TickFormat.decade(k))
                                       : Tick(value: power(k), label: "", isMajor: false))
                }
                if every == 1, decades.count <= 12 {
                    for m in 2...9 {
                        let v = k >= 0 ? Double(m) * power(k) : Double(m) / power(-k)
                        if inRange(v) { ticks.append(Tick(value: v, label: "", isMajor: false)) }
                    }
                }
            }
            return ticks.sorted { $0.value < $1.value }
        }
        // Less than two decades: label mantissas within each decade.
        for mantissas in [[1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]] {
            var values: [Double] = []
            var all: [Double] = []
            for k in kLo...kHi {
                for m in 1...9 {
                    let v = k >= 0 ? Double(m) * power(k) : Double(m) / power(-k)
                    guard inRange(v) else { continue }
                    all.append(v)
                    if mantissas.contains(m) { values.append(v) }
                }
            }
            if values.count >= 3 || (mantissas.count == 9 && values.count >= 2) {
                if values.count > maxMajor { continue }
                let majors = values.map { Tick(value: $0, label: TickFormat.compact($0, significant: 1)) }
                let minors = all.filter { !values.contains($0) }.map { Tick(value: $0, label: "", isMajor: false) }
                return (majors + minors).sorted { $0.value < $1.value }
            }
        }
        return LinearTicks.ticks(from: lo, to: hi, count: max(2, min(maxMajor, 4)))
    }
}
