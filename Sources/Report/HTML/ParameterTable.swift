import ExperimentKit
import Foundation

/// The parameters of a run as a compact HTML table of dotted keys and JSON-like values.
public enum ParameterTable {
    /// Lists longer than this show their first entries and a count.
    static let listLimit = 12

    /// The table's HTML (key-sorted, nested objects flattened to dotted keys).
    public static func html(_ parameters: [String: Any]) -> String {
        let rows = flatten(parameters, prefix: "")
        guard !rows.isEmpty else { return "<p class=\"muted\">No parameters.</p>\n" }
        var out = "<table class=\"params\">\n<tbody>\n"
        for (key, value) in rows {
            out += "<tr><th scope=\"row\"><code>\(HTMLText.escape(key))</code></th><td>\(HTMLText.escape(value))</td></tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }

    /// (dotted key, value text) pairs, sorted by key.
    static func flatten(_ object: [String: Any], prefix: String) -> [(String, String)] {
        object.keys.sorted().flatMap { key -> [(String, String)] in
            let path = prefix.isEmpty ? key : "\(prefix).\(key)"
            if let nested = object[key] as? [String: Any], !nested.isEmpty { return flatten(nested, prefix: path) }
            return [(path, text(object[key]!))]
        }
    }

    /// A JSON-compatible value as short text: numbers in shortest form, lists in brackets (long ones cut).
    static func text(_ value: Any) -> String {
        switch value {
        case let s as String: return s
        case let list as [Any]:
            let shown = list.prefix(listLimit).map(text).joined(separator: ", ")
            return "[" + shown + (list.count > listLimit ? ", … (\(list.count) values)" : "") + "]"
        case let object as [String: Any]:
            return "{" + flatten(object, prefix: "").map { "\($0): \($1)" }.joined(separator: ", ") + "}"
        case is NSNull: return "null"
        case let b as Bool where ConfigReader.isBool(value): return b ? "true" : "false"
        case let n as NSNumber:
            let d = n.doubleValue
            if d == d.rounded(), Swift.abs(d) < 1e15 { return String(Int64(d)) }
            return d.description
        default: return "\(value)"
        }
    }
}
