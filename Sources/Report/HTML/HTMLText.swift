import FigureData
import Foundation
import Plot

/// HTML escaping and the number formats shared by the report's pieces.
public enum HTMLText {
    /// `text` with `& < > " '` escaped (the SVG writer's escaping, which is valid HTML too), safe in element
    /// content and quoted attribute values.
    public static func escape(_ text: String) -> String {
        SVGText.escape(text)
    }

    /// The `LabelMarkup` label `text` as escaped HTML, scripts in `<sup>`/`<sub>` (as the figures typeset them).
    public static func math(_ text: String) -> String {
        LabelMarkup.runs(text).map { run in
            switch run.position {
            case .normal: escape(run.text)
            case .superscript: "<sup>" + escape(run.text) + "</sup>"
            case .subscript: "<sub>" + escape(run.text) + "</sub>"
            }
        }.joined()
    }

    /// A document-unique anchor for an experiment id (`proca2025.figA1` → `proca2025-figA1`).
    public static func anchor(_ id: String) -> String {
        String(id.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" })
    }

    /// Seconds as `0.68 s`, `12.3 s`, `2 min 05 s` or `1 h 02 min`.
    public static func duration(_ seconds: Double) -> String {
        if seconds < 10 { return String(format: "%.2f s", seconds) }
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        let s = Int(seconds.rounded())
        if s < 3600 { return String(format: "%d min %02d s", s / 60, s % 60) }
        return String(format: "%d h %02d min", s / 3600, (s % 3600) / 60)
    }

    /// A relative error with three significant digits (`3.21e-04`).
    public static func scientific(_ x: Double) -> String {
        String(format: "%.2e", x)
    }
}
