import Foundation

/// Compact, locale-independent number formatting for SVG attributes, so the same input gives byte-identical SVG.
public enum SVGNumber {
    /// `value` rounded to `decimals` places, without trailing zeros or a negative zero ("12.5", "0", "-3.25").
    public static func format(_ value: Double, decimals: Int = 2) -> String {
        guard value.isFinite else { return "0" }
        let d = max(0, min(decimals, 9))
        var scale: Int64 = 1
        for _ in 0..<d { scale *= 10 }
        let scaled = (value * Double(scale)).rounded()
        guard abs(scaled) < 9e15 else { return String(format: "%.0f", value) }
        let n = Int64(scaled)
        if n == 0 { return "0" }
        let magnitude = n < 0 ? -n : n
        var fraction = magnitude % scale
        var text = (n < 0 ? "-" : "") + String(magnitude / scale)
        if fraction != 0 {
            var digits = d
            while fraction % 10 == 0 { fraction /= 10; digits -= 1 }
            let fractionText = String(fraction)
            text += "." + String(repeating: "0", count: digits - fractionText.count) + fractionText
        }
        return text
    }
}
