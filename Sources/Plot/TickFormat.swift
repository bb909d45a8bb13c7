import Foundation

/// Tick-label text: fixed point with just the decimals the step needs, compact exponent form ("1e-3", "2.5e6")
/// for tiny or huge values, and 10ᵏ with Unicode superscripts for log decades.
public enum TickFormat {
    /// Values whose magnitude is below this (and non-zero) are written in exponent form.
    public static let smallLimit = 1e-3
    /// Values whose magnitude is at least this are written in exponent form.
    public static let largeLimit = 1e5

    /// Labels for evenly spaced ticks `values` with spacing `step`, all in one style.
    public static func labels(_ values: [Double], step: Double) -> [String] {
        let finite = values.filter(\.isFinite)
        let maxAbs = finite.map(abs).max() ?? 0
        guard maxAbs > 0 else { return values.map { $0.isFinite ? "0" : special($0) } }
        let stepPower = step > 0 && step.isFinite ? Int(floor(log10(step) + 1e-9)) : Int(floor(log10(maxAbs)))
        let exponential = maxAbs >= largeLimit || maxAbs < smallLimit
        return values.map { v in
            guard v.isFinite else { return special(v) }
            if v == 0 || (step > 0 && abs(v) < step * 1e-9) { return "0" }
            if exponential {
                let power = Int(floor(log10(abs(v))))
                return exponent(v, significant: max(1, min(15, power - stepPower + 1)))
            }
            return fixed(v, decimals: max(0, min(15, -stepPower)))
        }
    }

    /// `v` with at most `significant` significant digits, in exponent form when tiny or huge ("0.123", "1e-4", "NaN").
    public static func compact(_ v: Double, significant: Int = 3) -> String {
        guard v.isFinite else { return special(v) }
        if v == 0 { return "0" }
        let a = abs(v)
        let sig = max(1, min(15, significant))
        if a >= largeLimit || a < smallLimit { return exponent(v, significant: sig) }
        let power = Int(floor(log10(a)))
        return fixed(v, decimals: max(0, sig - 1 - power))
    }

    /// Labels for the values of a tick array (heatmap cell centres, in order): fixed point with the fewest decimals
    /// that keep different values apart and no non-zero value at "0" (0.01, 0.06, 0.12 … for linspace(0.01, 0.5, 10));
    /// exponent form (`compact`) when a value is tiny or huge.
    public static func distinguishing(_ values: [Double]) -> [String] {
        let finite = values.filter(\.isFinite)
        if finite.contains(where: { $0 != 0 && (abs($0) < smallLimit || abs($0) >= largeLimit) }) {
            return values.map { compact($0, significant: 3) }
        }
        for decimals in 0...12 {
            let labels = values.map { $0.isFinite ? fixed($0, decimals: decimals) : special($0) }
            var valueOf: [String: Double] = [:]
            let apart = zip(labels, values).allSatisfy { label, v in
                defer { valueOf[label] = v }
                return valueOf[label].map { $0 == v || ($0.isNaN && v.isNaN) } ?? true
            }
            if apart, zip(labels, values).allSatisfy({ $0 != "0" || $1 == 0 }) { return labels }
        }
        return values.map { compact($0, significant: 15) }
    }

    /// The decade label 10ᵏ with a Unicode superscript exponent ("10⁻⁴", "10⁰", "10³").
    public static func decade(_ k: Int) -> String {
        let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        var sup = String(abs(k)).map { digits[Int(String($0))!] }
        if k < 0 { sup.insert("⁻", at: 0) }
        return "10" + String(sup)
    }

    /// `v` with `decimals` decimals, trailing zeros and a negative zero removed.
    static func fixed(_ v: Double, decimals: Int) -> String {
        var s = String(format: "%.\(decimals)f", v)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        if s == "-0" { s = "0" }
        return s
    }

    /// `v` as mantissa `e` exponent with `significant` digits, trailing zeros removed ("1e-3", "-2.5e6").
    static func exponent(_ v: Double, significant: Int) -> String {
        var power = Int(floor(log10(abs(v))))
        var mantissa = (v / pow(10, Double(power)) * pow(10, Double(significant - 1))).rounded() / pow(10, Double(significant - 1))
        if abs(mantissa) >= 10 { mantissa /= 10; power += 1 }
        if abs(mantissa) < 1 { mantissa *= 10; power -= 1 }
        return fixed(mantissa, decimals: significant - 1) + "e" + String(power)
    }

    /// "NaN", "inf" or "-inf".
    static func special(_ v: Double) -> String {
        v.isNaN ? "NaN" : (v > 0 ? "inf" : "-inf")
    }
}
