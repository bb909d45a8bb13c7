import Foundation

/// One canonical JSON text per value: object keys sorted by their UTF-8 bytes, no white space, integers as
/// integers, and reals in Swift's shortest round-trip form (`0.1`, `1e-06`), so equal parameter trees hash equally
/// and every float64 survives the text exactly.
public enum CanonicalJSON {
    /// The canonical text of a JSON-compatible value (dictionaries, arrays, strings, numbers, booleans, null).
    public static func text(_ value: Any) -> String {
        var out = ""
        write(value, into: &out)
        return out
    }

    static func write(_ value: Any, into out: inout String) {
        switch value {
        case let d as [String: Any]:
            out += "{"
            for (i, key) in d.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }).enumerated() {
                if i > 0 { out += "," }
                out += quoted(key) + ":"
                write(d[key]!, into: &out)
            }
            out += "}"
        case let a as [Any]:
            out += "["
            for (i, v) in a.enumerated() {
                if i > 0 { out += "," }
                write(v, into: &out)
            }
            out += "]"
        case let s as String: out += quoted(s)
        case is NSNull: out += "null"
        default:
            if ConfigReader.isBool(value) { out += ((value as? Bool) ?? false) ? "true" : "false"; return }
            out += number(value)
        }
    }

    /// A number: exact integers without a fraction, other reals in shortest round-trip form.
    public static func number(_ value: Any) -> String {
        if let i = value as? Int { return String(i) }
        if let u = value as? UInt64 { return String(u) }
        let d = (value as? Double) ?? (value as? NSNumber)?.doubleValue ?? .nan
        if d == d.rounded(), abs(d) < 9.007_199_254_740_992e15 { return String(Int64(d)) }
        return d.isFinite ? "\(d)" : "\"\(d)\""
    }

    static func quoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 { out += "\\u" + String(u.value, radix: 16).leftPadded(to: 4) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}
