import FigureData

/// Builders for the SVG shapes the plots use, with numbers formatted by `SVGNumber`.
extension SVGElement {
    /// A `<g>` grouping `children`.
    public static func group(_ children: [SVGElement], _ attributes: KeyValuePairs<String, String> = [:]) -> SVGElement {
        SVGElement("g", attributes, children: children)
    }

    /// A rectangle.
    public static func rect(x: Double, y: Double, width: Double, height: Double,
                            _ attributes: KeyValuePairs<String, String> = [:]) -> SVGElement {
        var e = SVGElement("rect", ["x": SVGNumber.format(x), "y": SVGNumber.format(y),
                                    "width": SVGNumber.format(max(0, width)), "height": SVGNumber.format(max(0, height))])
        e.attributes += attributes.map { SVGAttribute($0.key, $0.value) }
        return e
    }

    /// A straight line from (x1, y1) to (x2, y2).
    public static func line(x1: Double, y1: Double, x2: Double, y2: Double,
                            _ attributes: KeyValuePairs<String, String> = [:]) -> SVGElement {
        var e = SVGElement("line", ["x1": SVGNumber.format(x1), "y1": SVGNumber.format(y1),
                                    "x2": SVGNumber.format(x2), "y2": SVGNumber.format(y2)])
        e.attributes += attributes.map { SVGAttribute($0.key, $0.value) }
        return e
    }

    /// A circle of radius `r` centred at (cx, cy).
    public static func circle(cx: Double, cy: Double, r: Double,
                              _ attributes: KeyValuePairs<String, String> = [:]) -> SVGElement {
        var e = SVGElement("circle", ["cx": SVGNumber.format(cx), "cy": SVGNumber.format(cy), "r": SVGNumber.format(r)])
        e.attributes += attributes.map { SVGAttribute($0.key, $0.value) }
        return e
    }

    /// A path with data `d`.
    public static func path(_ d: String, _ attributes: KeyValuePairs<String, String> = [:]) -> SVGElement {
        var e = SVGElement("path", ["d": d])
        e.attributes += attributes.map { SVGAttribute($0.key, $0.value) }
        return e
    }

    /// A text label at (x, y) (baseline), anchored `start`, `middle` or `end`, optionally rotated about (x, y).
    /// `text` is `LabelMarkup`: super- and subscripts become `<tspan>` runs (see `MathText`).
    public static func label(_ text: String, x: Double, y: Double, size: Double, anchor: String = "start",
                             rotate: Double = 0, _ attributes: KeyValuePairs<String, String> = [:]) -> SVGElement {
        var e = SVGElement("text", ["x": SVGNumber.format(x), "y": SVGNumber.format(y),
                                    "font-size": SVGNumber.format(size)])
        let runs = LabelMarkup.runs(text)
        if runs.allSatisfy({ $0.position == .normal }) {
            e.text = runs.map(\.text).joined()
        } else {
            // Spaces at the ends of runs are part of the label; renderers trim them without `preserve`.
            e.set("xml:space", "preserve")
            e.children = MathText.tspans(runs, size: size)
        }
        if anchor != "start" { e.set("text-anchor", anchor) }
        if rotate != 0 {
            e.set("transform", "rotate(\(SVGNumber.format(rotate)) \(SVGNumber.format(x)) \(SVGNumber.format(y)))")
        }
        e.attributes += attributes.map { SVGAttribute($0.key, $0.value) }
        return e
    }
}
