import FigureData

/// SVG typesetting of `LabelMarkup` runs: scripts are `<tspan>`s at `scriptScale` of the label's size, raised or
/// lowered with a relative `dy` that the next baseline run undoes (`dy` keeps the text one chunk, so anchoring and
/// rotation treat the label as a whole, in every SVG renderer).
public enum MathText {
    /// Size of a script relative to its label.
    public static let scriptScale = 0.7
    /// How far a superscript is raised, in units of the label's size.
    public static let superscriptRise = 0.36
    /// How far a subscript is lowered, in units of the label's size.
    public static let subscriptDrop = 0.2

    /// The `<tspan>` children of a label of font size `size` made of `runs`.
    public static func tspans(_ runs: [LabelMarkup.Run], size: Double) -> [SVGElement] {
        var out: [SVGElement] = []
        var offset = 0.0   // current baseline shift, down positive (SVG y)
        for run in runs {
            let target: Double
            switch run.position {
            case .normal: target = 0
            case .superscript: target = -superscriptRise * size
            case .subscript: target = subscriptDrop * size
            }
            var span = SVGElement("tspan", text: run.text)
            if target != offset { span.set("dy", SVGNumber.format(target - offset)) }
            if run.position != .normal {
                span.set("class", run.position == .superscript ? "sup" : "sub")
                span.set("font-size", SVGNumber.format(size * scriptScale))
            }
            offset = target
            out.append(span)
        }
        return out
    }
}
