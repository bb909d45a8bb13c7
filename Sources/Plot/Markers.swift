/// Start and end markers of trajectories: an open circle at the start, a filled circle at the end.
enum Markers {
    /// Marker radius in pixels.
    static let radius = 3.6

    /// A circle marker at `p` in `color`, filled or open (white inside).
    static func circle(at p: PlotPoint, color: String, filled: Bool) -> SVGElement {
        .circle(cx: p.x, cy: p.y, r: radius, ["class": filled ? "marker end" : "marker start",
                                              "fill": filled ? color : "#ffffff", "stroke": color, "stroke-width": "1.5"])
    }

    /// A filled marker of a `points` series.
    static func point(at p: PlotPoint, color: String) -> SVGElement {
        .circle(cx: p.x, cy: p.y, r: radius, ["class": "marker point", "fill": color, "stroke": "#ffffff", "stroke-width": "0.8"])
    }

    /// A small dot for an isolated point that has no neighbours to draw a line to.
    static func dot(at p: PlotPoint, color: String) -> SVGElement {
        .circle(cx: p.x, cy: p.y, r: 1.6, ["class": "dot", "fill": color])
    }
}
