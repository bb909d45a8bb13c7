import FigureData

/// One legend row: a label with a line sample in a series style, or a start/end marker.
struct LegendEntry: Equatable {
    /// What the row shows next to its label.
    enum Sample: Equatable {
        /// A short line stroked like the series.
        case line(SeriesStyle)
        /// A circle marker, open (start) or filled (end).
        case marker(filled: Bool)
    }

    /// Label text.
    var label: String
    /// Stroke colour.
    var color: String
    /// Sample kind.
    var sample: Sample
}

/// Legends inside the plot area on a translucent white box, at the top-right unless another corner covers
/// fewer data points.
enum Legend {
    /// Width of the line sample.
    static let sampleWidth = 26.0
    /// Inner padding.
    static let padding = 6.0

    /// Box size for `entries`.
    static func size(_ entries: [LegendEntry], theme: PlotTheme) -> (width: Double, height: Double) {
        let labelWidth = entries.map { TextMetrics.width($0.label, size: theme.legendSize) }.max() ?? 0
        return (2 * padding + sampleWidth + 6 + labelWidth, 2 * padding + Double(entries.count) * rowHeight(theme) - 2)
    }

    /// Height of one row.
    static func rowHeight(_ theme: PlotTheme) -> Double { theme.legendSize + 5 }

    /// The box in `plot` covering the fewest `data` points, and how many it covers; candidates in order of
    /// preference are top-right, top-left, bottom-right, bottom-left, middle-right, middle-left, top-centre and
    /// bottom-centre.
    static func place(width: Double, height: Double, in plot: PlotRect,
                      avoiding data: [PlotPoint]) -> (box: PlotRect, covered: Int) {
        let inset = 6.0
        let (left, right, centre) = (plot.x + inset, plot.right - inset - width, plot.midX - width / 2)
        let (top, bottom, middle) = (plot.y + inset, plot.bottom - inset - height, plot.midY - height / 2)
        let corners = [(right, top), (left, top), (right, bottom), (left, bottom), (right, middle), (left, middle),
                       (centre, top), (centre, bottom)]
        var best = PlotRect(x: right, y: top, width: width, height: height), bestCount = Int.max
        for (x, y) in corners {
            let box = PlotRect(x: x, y: y, width: width, height: height)
            let count = data.reduce(0) { $0 + (box.contains($1, margin: 2) ? 1 : 0) }
            if count < bestCount { best = box; bestCount = count }
            if count == 0 { break }
        }
        return (best, bestCount)
    }

    /// The legend drawn in `box`.
    static func draw(_ entries: [LegendEntry], in box: PlotRect, theme: PlotTheme) -> SVGElement {
        var children: [SVGElement] = [
            .rect(x: box.x, y: box.y, width: box.width, height: box.height,
                  ["fill": "#ffffff", "fill-opacity": "0.85", "stroke": "#cccccc", "stroke-width": "0.8", "rx": "2"]),
        ]
        let row = rowHeight(theme)
        for (i, e) in entries.enumerated() {
            let cy = box.y + padding + row * (Double(i) + 0.5) - 1
            let sx = box.x + padding
            switch e.sample {
            case .line(let style):
                let d = "M" + SVGNumber.format(sx) + "," + SVGNumber.format(cy) + "L"
                    + SVGNumber.format(sx + sampleWidth) + "," + SVGNumber.format(cy)
                children.append(StrokeStyle.of(style).path(d, color: e.color, style: style))
            case .marker(let filled):
                children.append(Markers.circle(at: PlotPoint(x: sx + sampleWidth / 2, y: cy), color: e.color, filled: filled))
            }
            children.append(.label(e.label, x: sx + sampleWidth + 6, y: cy + theme.legendSize * 0.35,
                                   size: theme.legendSize, ["fill": theme.ink]))
        }
        return .group(children, ["class": "legend"])
    }
}
