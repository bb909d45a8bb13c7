import FigureData

/// How a series style is stroked: simulation solid (wide, slightly translucent so theory shows on top),
/// theory dashed, reference dotted; points are markers (see `Markers.point`) and have no stroke.
struct StrokeStyle: Equatable {
    /// Stroke width in pixels.
    var width: Double
    /// SVG dash array, nil for solid.
    var dash: String?
    /// Stroke opacity.
    var opacity: Double
    /// Line cap (`round` makes dotted lines dots).
    var linecap: String

    /// The stroke of `style`.
    static func of(_ style: SeriesStyle) -> StrokeStyle {
        switch style {
        case .simulation: StrokeStyle(width: 2.4, dash: nil, opacity: 0.75, linecap: "butt")
        case .theory: StrokeStyle(width: 1.7, dash: "6 3.5", opacity: 1, linecap: "butt")
        case .reference: StrokeStyle(width: 1.6, dash: "0.5 3.5", opacity: 1, linecap: "round")
        case .points: StrokeStyle(width: 0, dash: nil, opacity: 1, linecap: "butt")
        }
    }

    /// Painting order: reference lines first, then simulation, then theory on top.
    static func layer(_ style: SeriesStyle) -> Int {
        switch style {
        case .reference: 0
        case .simulation: 1
        case .theory: 2
        case .points: 3
        }
    }

    /// A path element drawing `d` in `color` with this stroke, tagged `class="series <style>"`.
    func path(_ d: String, color: String, style: SeriesStyle) -> SVGElement {
        var e = SVGElement.path(d, ["class": "series \(style.rawValue)", "fill": "none", "stroke": color,
                                    "stroke-width": SVGNumber.format(width)])
        if let dash { e.set("stroke-dasharray", dash) }
        if opacity < 1 { e.set("stroke-opacity", SVGNumber.format(opacity)) }
        if linecap != "butt" { e.set("stroke-linecap", linecap) }
        e.set("stroke-linejoin", "round")
        return e
    }
}
