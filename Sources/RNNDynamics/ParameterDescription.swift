import ExperimentKit
import Foundation

/// One row of `rnndyn describe`: a key, its default in each preset (one default when the command has no presets),
/// the values it allows, its unit and a one-line doc.
public struct DescribedParameter {
    /// Key (dotted for nested keys).
    public var key: String
    /// Default of the quick preset (nil: none, see `defaultNote`).
    public var quick: Any?
    /// Default of the full preset.
    public var full: Any?
    /// Allowed values.
    public var kind: ParameterKind
    /// What `kind` does not say (e.g. "below 1 with threshold_mode rel"), or "".
    public var allowedNote: String = ""
    /// Unit ("" for none).
    public var unit: String = ""
    /// What it sets.
    public var doc: String
    /// When the key applies ("" always), e.g. "init.type aligned".
    public var when: String = ""
    /// What happens without a default ("required", "off"), shown in place of the default.
    public var defaultNote: String = ""

    /// A row of a declared experiment parameter.
    public init(_ d: ParameterDeclaration) {
        key = d.key; quick = d.value(.quick); full = d.value(.full); kind = d.kind; unit = d.unit; doc = d.doc
    }

    /// A row with one default (nil when the key has none; `defaultNote` says what then happens).
    public init(_ key: String, _ value: Any?, _ kind: ParameterKind, _ doc: String, unit: String = "", when: String = "",
                allowedNote: String = "", defaultNote: String = "") {
        self.key = key; quick = value; full = value; self.kind = kind; self.doc = doc; self.unit = unit; self.when = when
        self.allowedNote = allowedNote; self.defaultNote = defaultNote
    }
}

/// What `rnndyn describe` prints: a title, notes (summary, seed, presets) and the parameter table, as aligned text
/// or as JSON with exact numbers.
public struct ParameterDescription {
    /// First line.
    public var title: String
    /// Paragraphs under the title.
    public var notes: [String]
    /// True when defaults differ by preset (columns quick and full), false for one default column.
    public var presets: Bool
    /// The rows, in declaration order.
    public var parameters: [DescribedParameter]
    /// Extra fields of the JSON form (id, paper figure, …).
    public var fields: [String: Any] = [:]

    /// The description of `experiment`: its declared parameters, or its default parameters when it declares none.
    public static func experiment(_ e: any Experiment) -> ParameterDescription {
        let rows: [DescribedParameter]
        if let declared = (type(of: e) as? any DeclaredParameters.Type)?.declared {
            rows = declared.declarations.map(DescribedParameter.init)
        } else {
            let quick = e.parameters(.quick), full = e.parameters(.full)
            rows = Set(quick.keys).union(full.keys).sorted().map { k in
                var row = DescribedParameter(k, quick[k], .string([]), "(not declared)")
                row.full = full[k]
                row.kind = Self.inferredKind(quick[k] ?? full[k] as Any)
                return row
            }
        }
        let seed = "Seed: --seed N (default 0) is the root of the seed tree; every random number of this experiment comes "
            + "from streams under the node \(e.id.replacingOccurrences(of: ".", with: "/")). The same seed gives identical "
            + "bytes on any thread count; another seed gives independent draws."
        let presets = "Presets: --quick (the default) or --full (the paper's settings) choose the defaults below; --config "
            + "FILE and --set key=value override them; rnndyn run \(e.id) --print-config shows the result."
        return ParameterDescription(title: "\(e.id) — \(e.paperFigure)", notes: [e.summary, seed, presets], presets: true,
                                    parameters: rows,
                                    fields: ["id": e.id, "paper_figure": e.paperFigure, "summary": e.summary])
    }

    static func inferredKind(_ v: Any) -> ParameterKind {
        if ConfigReader.isBool(v) { return .bool }
        if v is String { return .string([]) }
        if v is [Any] { return .doubles }
        if let n = v as? NSNumber, Double(n.intValue) == n.doubleValue, !(v is Double) { return .int(Int.min...Int.max) }
        return .double(-Double.greatestFiniteMagnitude ... Double.greatestFiniteMagnitude)
    }

    /// The aligned text form: title, notes, then one row per parameter (key, defaults, allowed, unit, doc).
    public var text: String {
        let header = ["KEY"] + (presets ? ["QUICK", "FULL"] : ["DEFAULT"]) + ["ALLOWED", "UNIT", "DOC"]
        var rows = [header]
        for p in parameters {
            var defaults = [Self.cell(p.quick, note: p.defaultNote)]
            if presets { defaults.append(Self.cell(p.full, note: p.defaultNote)) }
            let allowed = Self.allowed(p.kind) + (p.allowedNote.isEmpty ? "" : " (\(p.allowedNote))")
            let doc = p.when.isEmpty ? p.doc : "[\(p.when)] \(p.doc)"
            rows.append([p.key] + defaults + [allowed, p.unit.isEmpty ? "-" : p.unit, doc])
        }
        let widths = (0..<rows[0].count).map { c in rows.map { $0[c].count }.max() ?? 0 }
        let table = rows.map { row in
            row.enumerated().map { c, cell in c == row.count - 1 ? cell : cell.padding(toLength: widths[c], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }
        return ([title] + notes.map { "\n" + $0 } + [""] + table).joined(separator: "\n") + "\n"
    }

    /// The JSON form: `fields`, `title`, `notes` and one object per parameter (key, quick/full or default, type,
    /// min/max or values, allowed, unit, doc, when), numbers exact.
    public var json: [String: Any] {
        var out = fields
        out["title"] = title
        out["notes"] = notes
        out["parameters"] = parameters.map { p -> [String: Any] in
            var o: [String: Any] = ["key": p.key, "unit": p.unit, "doc": p.doc, "allowed": Self.allowed(p.kind)]
            if presets {
                o["quick"] = p.quick ?? NSNull(); o["full"] = p.full ?? NSNull()
            } else {
                o["default"] = p.quick ?? NSNull()
            }
            if !p.defaultNote.isEmpty { o["default_note"] = p.defaultNote }
            if !p.allowedNote.isEmpty { o["allowed_note"] = p.allowedNote }
            if !p.when.isEmpty { o["when"] = p.when }
            switch p.kind {
            case .int(let r): o["type"] = "integer"; o["min"] = r.lowerBound; o["max"] = r.upperBound
            case .double(let r): o["type"] = "number"; o["min"] = r.lowerBound; o["max"] = r.upperBound
            case .string(let values): o["type"] = "string"; if !values.isEmpty { o["values"] = values }
            case .bool: o["type"] = "boolean"
            case .doubles: o["type"] = "numbers"
            case .objects: o["type"] = "objects"
            }
            return o
        }
        return out
    }

    /// `kind` in a few words ("integer 2…1000", "number 1e-06…1", "any number", "one of a, b").
    static func allowed(_ kind: ParameterKind) -> String {
        switch kind {
        case .int(let r): return r == Int.min...Int.max ? "any integer" : "integer \(r.lowerBound)…\(r.upperBound)"
        case .double(let r):
            if r == -Double.greatestFiniteMagnitude ... Double.greatestFiniteMagnitude { return "any number" }
            return "number \(number(r.lowerBound))…\(number(r.upperBound))"
        case .string(let s): return s.isEmpty ? "text" : "one of " + s.joined(separator: ", ")
        case .bool: return "true, false"
        case .doubles: return "list of numbers"
        case .objects: return "list of objects"
        }
    }

    /// A default as a table cell: numbers in their shortest exact form, lists in brackets (long lists by their size
    /// and ends), `note` when there is no default.
    static func cell(_ value: Any?, note: String) -> String {
        guard let value, !(value is NSNull) else { return note.isEmpty ? "-" : note }
        if ConfigReader.isBool(value) { return (value as? Bool ?? false) ? "true" : "false" }
        if let s = value as? String { return s }
        if let list = value as? [Any] {
            let items = list.map { cell($0, note: "") }
            let text = "[" + items.joined(separator: ", ") + "]"
            return text.count <= 32 || items.count < 3 ? text : "[\(items[0]) … \(items[items.count - 1])] (\(items.count))"
        }
        if let i = value as? Int { return "\(i)" }
        if let d = value as? Double { return number(d) }
        return "\(value)"
    }

    /// `d` in Swift's shortest round-trip form, integral values without ".0" (and with six or more trailing zeros
    /// as a power of ten: 1e12).
    static func number(_ d: Double) -> String {
        guard d == d.rounded(), abs(d) < 1e15 else { return "\(d)" }
        let digits = "\(Int(d))"
        let zeros = digits.reversed().prefix { $0 == "0" }.count
        return zeros >= 6 && zeros < digits.count ? "\(digits.dropLast(zeros))e\(zeros)" : digits
    }
}
