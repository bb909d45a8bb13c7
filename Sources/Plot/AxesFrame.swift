/// A panel's grid, frame, ticks, tick labels, axis labels and title around its plot rectangle.
struct AxesFrame {
    /// The plot rectangle.
    var rect: PlotRect
    /// Shared style.
    var theme: PlotTheme
    /// x ticks with their pixel positions.
    var xTicks: [(position: Double, tick: Tick)]
    /// y ticks with their pixel positions.
    var yTicks: [(position: Double, tick: Tick)]

    /// Light grid lines at the major ticks (drawn behind the data).
    func grid() -> SVGElement {
        var lines: [SVGElement] = []
        for (p, t) in xTicks where t.isMajor && p > rect.x + 0.5 && p < rect.right - 0.5 {
            lines.append(.line(x1: p, y1: rect.y, x2: p, y2: rect.bottom))
        }
        for (p, t) in yTicks where t.isMajor && p > rect.y + 0.5 && p < rect.bottom - 0.5 {
            lines.append(.line(x1: rect.x, y1: p, x2: rect.right, y2: p))
        }
        return .group(lines, ["class": "grid", "stroke": theme.gridColor, "stroke-width": "0.8"])
    }

    /// Frame, outward ticks and all labels (drawn on top of the data).
    func decorations(title: String, xLabel: String, yLabel: String) -> [SVGElement] {
        let len = theme.tickLength
        var marks: [SVGElement] = []
        var labels: [SVGElement] = []
        for (p, t) in xTicks {
            let l = t.isMajor ? len : len * 0.6
            marks.append(.line(x1: p, y1: rect.bottom, x2: p, y2: rect.bottom + l))
            if t.isMajor, !t.label.isEmpty {
                labels.append(.label(t.label, x: p, y: rect.bottom + len + 2 + theme.tickLabelSize * 0.9,
                                     size: theme.tickLabelSize, anchor: "middle"))
            }
        }
        var widest = 0.0
        for (p, t) in yTicks {
            let l = t.isMajor ? len : len * 0.6
            marks.append(.line(x1: rect.x - l, y1: p, x2: rect.x, y2: p))
            if t.isMajor, !t.label.isEmpty {
                labels.append(.label(t.label, x: rect.x - len - 3, y: p + theme.tickLabelSize * 0.35,
                                     size: theme.tickLabelSize, anchor: "end"))
                widest = max(widest, TextMetrics.width(t.label, size: theme.tickLabelSize))
            }
        }
        var out: [SVGElement] = [
            .rect(x: rect.x, y: rect.y, width: rect.width, height: rect.height,
                  ["class": "frame", "fill": "none", "stroke": theme.ink, "stroke-width": "0.9"]),
            .group(marks, ["class": "ticks", "stroke": theme.ink, "stroke-width": "0.9"]),
            .group(labels, ["class": "tick-labels", "fill": theme.ink]),
        ]
        if !xLabel.isEmpty {
            out.append(.label(xLabel, x: rect.midX,
                              y: rect.bottom + len + theme.tickLabelSize + 8 + theme.axisLabelSize * 0.85,
                              size: Self.fitting(xLabel, size: theme.axisLabelSize, width: rect.width + 30), anchor: "middle", ["class": "axis-label", "fill": theme.ink]))
        }
        if !yLabel.isEmpty {
            let x = rect.x - len - 3 - widest - 7
            out.append(.label(yLabel, x: x, y: rect.midY, size: Self.fitting(yLabel, size: theme.axisLabelSize, width: rect.height + 20), anchor: "middle", rotate: -90,
                              ["class": "axis-label", "fill": theme.ink]))
        }
        if !title.isEmpty {
            out.append(.label(title, x: rect.midX, y: rect.y - 9,
                              size: Self.fitting(title, size: theme.panelTitleSize, width: rect.width + 40), anchor: "middle",
                              ["class": "panel-title", "fill": theme.ink]))
        }
        return out
    }

    /// `size`, reduced (down to 70 %) so that `text` fits in `width` pixels.
    static func fitting(_ text: String, size: Double, width: Double) -> Double {
        let w = TextMetrics.width(text, size: size)
        return w <= width ? size : max(size * 0.7, size * width / w)
    }
}
