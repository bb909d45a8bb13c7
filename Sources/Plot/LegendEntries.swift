import FigureData
import Foundation

/// Builds compact legends: one row per colour group plus one style key per line style, so a panel with a
/// simulation and a theory curve for each of nine conditions needs eleven rows, not eighteen.
enum LegendEntries {
    /// Legend rows for `series`, in order of first appearance.
    ///
    /// - Each colour group is named by its first labelled simulation series (or its first labelled series).
    /// - A further series of the group in the same style as that representative is a different curve and keeps
    ///   its own row.
    /// - A series in another style (the theory or reference companion of a simulation) is summarised by a style
    ///   key drawn in ink: labelled with the label those companions share (e.g. "Eq. 47", or "mode ODE" for
    ///   "κ = 0.4 mode ODE", "κ = 0.8 mode ODE", … once each representative's label is taken off the front), or
    ///   with the style's name when they differ.
    static func compact(_ series: [Series], ink: String = PlotTheme.standard.ink) -> [LegendEntry] {
        let labelled = series.filter { !$0.label.isEmpty }
        var representative: [Int: Series] = [:]
        for s in labelled where representative[s.group] == nil {
            representative[s.group] = labelled.first { $0.group == s.group && $0.style == .simulation } ?? s
        }
        var entries: [LegendEntry] = []
        var companions: [SeriesStyle: [String]] = [:]
        var styleOrder: [SeriesStyle] = []
        for s in labelled {
            let rep = representative[s.group]!
            if s == rep || s.style == rep.style {
                append(LegendEntry(label: s.label, color: Palette.color(group: s.group), sample: sample(s.style)), to: &entries)
            } else {
                if companions[s.style] == nil { styleOrder.append(s.style) }
                let name = companionName(s.label, representative: rep.label)
                if !(companions[s.style, default: []].contains(name)) { companions[s.style, default: []].append(name) }
            }
        }
        for style in styleOrder {
            let labels = companions[style]!
            let label = labels.count == 1 ? labels[0] : name(of: style)
            append(LegendEntry(label: label, color: ink, sample: sample(style)), to: &entries)
        }
        return entries
    }

    /// A companion's label without its representative's label in front ("κ = 0.4 mode ODE" → "mode ODE").
    static func companionName(_ label: String, representative: String) -> String {
        guard label.hasPrefix(representative), label.count > representative.count else { return label }
        let rest = label.dropFirst(representative.count).trimmingCharacters(in: .whitespaces)
        return rest.isEmpty ? label : rest
    }

    /// The legend sample of a style: a stroked line, or a filled marker for points.
    static func sample(_ style: SeriesStyle) -> LegendEntry.Sample {
        style == .points ? .marker(filled: true) : .line(style)
    }

    /// The generic name of a line style.
    static func name(of style: SeriesStyle) -> String {
        switch style {
        case .simulation: "simulation"
        case .theory: "theory"
        case .reference: "reference"
        case .points: "points"
        }
    }

    private static func append(_ e: LegendEntry, to entries: inout [LegendEntry]) {
        if !entries.contains(e) { entries.append(e) }
    }
}
