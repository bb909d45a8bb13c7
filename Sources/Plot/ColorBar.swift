/// A vertical viridis colour bar for a `ColorScale`: gradient, nice ticks (the scale's range ends on tick values),
/// a hatched "NaN" swatch below when cells are missing, and the rotated label. Drawn right of a panel for a
/// panel's own scale, or once right of the figure's grid for a shared one.
struct ColorBar {
    /// Id of the colour-bar gradient.
    static let gradientID = "viridis-gradient"
    /// Bar width.
    static let barWidth = 14.0
    /// Space below the gradient taken by the NaN swatch.
    static let missingInset = 22.0

    /// The scale drawn.
    var scale: ColorScale
    /// Shared style.
    var theme: PlotTheme
    /// Width of the widest tick (or "NaN") label.
    var labelWidth: Double

    /// A bar about `length` pixels tall (its ticks decide the width).
    init(scale: ColorScale, length: Double, theme: PlotTheme) {
        self.scale = scale
        self.theme = theme
        let gradient = max(20, length - (scale.hasMissing ? Self.missingInset : 0))
        let ticks = AxisMap(scale: .linear, domain: scale.domain, start: gradient, end: 0)
            .ticks(horizontal: false, fontSize: theme.tickLabelSize)
        labelWidth = max(PanelLayout.labelWidth(ticks, theme: theme),
                         scale.hasMissing ? TextMetrics.width("NaN", size: theme.tickLabelSize) : 0)
    }

    /// Horizontal space the bar needs right of its plot: gap, bar, ticks, labels and the rotated title.
    var width: Double {
        HeatmapPanel.barGap + Self.barWidth + theme.tickLength + 3 + labelWidth
            + (scale.label.isEmpty ? 0 : 8 + theme.axisLabelSize)
    }

    /// The bar with its left edge at `left`, spanning `top…bottom`.
    func draw(left x0: Double, top: Double, bottom: Double, document: inout SVGDocument) -> SVGElement {
        document.define(Self.gradient())
        let barBottom = bottom - (scale.hasMissing ? Self.missingInset : 0)
        let map = AxisMap(scale: .linear, domain: scale.domain, start: barBottom, end: top)
        let ticks = map.ticks(horizontal: false, fontSize: theme.tickLabelSize)
        let tickX = x0 + Self.barWidth
        var children: [SVGElement] = [
            .rect(x: x0, y: top, width: Self.barWidth, height: barBottom - top, ["fill": "url(#\(Self.gradientID))"]),
            .rect(x: x0, y: top, width: Self.barWidth, height: barBottom - top,
                  ["fill": "none", "stroke": theme.ink, "stroke-width": "0.8"]),
        ]
        for t in ticks where t.isMajor {
            guard let y = map.position(t.value) else { continue }
            children.append(.line(x1: tickX, y1: y, x2: tickX + theme.tickLength, y2: y,
                                  ["stroke": theme.ink, "stroke-width": "0.9"]))
            children.append(.label(t.label, x: tickX + theme.tickLength + 3, y: y + theme.tickLabelSize * 0.35,
                                   size: theme.tickLabelSize, ["fill": theme.ink]))
        }
        if scale.hasMissing {
            document.define(HeatmapPanel.hatchPattern())
            let swatch = bottom - 12
            children.append(.rect(x: x0, y: swatch, width: Self.barWidth, height: 12,
                                  ["class": "nan-swatch", "fill": "url(#\(HeatmapPanel.hatchID))", "stroke": theme.ink, "stroke-width": "0.8"]))
            children.append(.label("NaN", x: tickX + theme.tickLength + 3, y: swatch + 6 + theme.tickLabelSize * 0.35,
                                   size: theme.tickLabelSize, ["fill": theme.ink]))
        }
        if !scale.label.isEmpty {
            let lx = tickX + theme.tickLength + 3 + labelWidth + 6 + theme.axisLabelSize * 0.8
            let mid = (top + bottom) / 2
            children.append(.label(scale.label, x: lx, y: mid,
                                   size: AxesFrame.fitting(scale.label, size: theme.axisLabelSize, width: bottom - top + 20),
                                   anchor: "middle", rotate: -90, ["class": "axis-label", "fill": theme.ink]))
        }
        var bar = SVGElement.group(children, ["class": scale.id == nil ? "colorbar" : "colorbar shared"])
        if let id = scale.id { bar.set("data-scale", id) }
        return bar
    }

    /// The vertical viridis gradient (bottom = low).
    static func gradient() -> SVGElement {
        let stops = stride(from: 0, through: 256, by: 8).map { k -> SVGElement in
            let i = min(k, 255)
            return SVGElement("stop", ["offset": SVGNumber.format(Double(i) / 255, decimals: 4),
                                       "stop-color": Viridis.hex(Viridis.table[i])])
        }
        return SVGElement("linearGradient", ["id": gradientID, "x1": "0", "y1": "1", "x2": "0", "y2": "0"], children: stops)
    }
}
