/// How a data series is drawn: simulation solid, theory dashed, reference lines dotted.
public enum SeriesStyle: String, Sendable, Codable {
    /// Measured from trained networks.
    case simulation
    /// Predicted by the theory.
    case theory
    /// A reference (optimum, threshold, unit circle, …).
    case reference
    /// Isolated points drawn as filled markers without a connecting line (optima, measured points).
    case points
}

/// Axis scaling.
public enum AxisScale: String, Sendable, Codable {
    /// Linear axis.
    case linear
    /// Base-10 logarithmic axis.
    case log
}

/// One curve: y against x, both naming 1-D arrays of the dataset (or a row of a 2-D array).
public struct Series: Sendable, Codable, Equatable {
    /// Legend label.
    public var label: String
    /// x array name.
    public var x: String
    /// y array name.
    public var y: String
    /// Row of a 2-D y array to use (nil for 1-D arrays).
    public var yRow: Int?
    /// Drawing style.
    public var style: SeriesStyle
    /// Colour group: series sharing a group share a colour (simulation and its theory).
    public var group: Int
    /// Array of half-widths (same layout as `y`) drawn as a shaded band y ± band, e.g. the s.e.m. over seeds.
    public var band: String?

    /// A series of `y` against `x`, optionally with a shaded band `y ± band`.
    public init(_ label: String, x: String, y: String, yRow: Int? = nil, style: SeriesStyle, group: Int, band: String? = nil) {
        self.label = label; self.x = x; self.y = y; self.yRow = yRow; self.style = style; self.group = group; self.band = band
    }
}

/// What a panel shows.
public enum PanelContent: Sendable, Equatable {
    /// Line plot of the series.
    case lines([Series])
    /// Heatmap of a 2-D array `z` [rows = y, cols = x] with tick arrays `x`, `y`; NaN cells shown as missing.
    case heatmap(x: String, y: String, z: String, colorLabel: String)
    /// Complex-plane trajectories (x = real, y = imaginary), optionally with the unit circle.
    case complexPlane([Series], unitCircle: Bool)
}

/// One panel of a figure. Its title and axis labels, like series labels and the figure title, are `LabelMarkup`.
public struct Panel: Sendable, Equatable, Codable {
    /// Panel title.
    public var title: String
    /// x-axis label.
    public var xLabel: String
    /// y-axis label.
    public var yLabel: String
    /// x scaling.
    public var xScale: AxisScale
    /// y scaling.
    public var yScale: AxisScale
    /// The content.
    public var content: PanelContent
    /// Heatmaps naming the same colour scale share one colour range (the union of their finite values, widened to
    /// nice values) and one colour bar right of the figure's grid; nil gives the panel its own range and bar.
    /// Omitted from `figure.json` when nil, so files written before it existed read back unchanged.
    public var colorScale: String?
    /// Curves drawn over a heatmap in its data coordinates (e.g. a threshold line through the grid); ignored by other
    /// panels. Omitted from `figure.json` when nil.
    public var overlay: [Series]?

    /// A panel; a heatmap may share its colour scale with the other heatmaps naming `colorScale` and carry `overlay`.
    public init(title: String, xLabel: String, yLabel: String, xScale: AxisScale = .linear, yScale: AxisScale = .linear,
                content: PanelContent, colorScale: String? = nil, overlay: [Series]? = nil) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel
        self.xScale = xScale; self.yScale = yScale; self.content = content; self.colorScale = colorScale
        self.overlay = overlay
    }
}

/// A figure mirroring a paper figure's panel layout (rows × columns of panels, filled row by row).
public struct FigureSpec: Sendable, Equatable, Codable {
    /// Figure title.
    public var title: String
    /// Grid columns.
    public var columns: Int
    /// Panels, row by row.
    public var panels: [Panel]

    /// A figure with `panels` in a grid of `columns` columns.
    public init(title: String, columns: Int, panels: [Panel]) {
        self.title = title; self.columns = columns; self.panels = panels
    }
}

extension FigureSpec {
    /// The arrays the figure draws (heatmap z, x, y; series y, x, band), each once, in panel order.
    public var arrayNames: [String] {
        var names: [String] = []
        func add(_ name: String?) { if let name, !names.contains(name) { names.append(name) } }
        for panel in panels {
            switch panel.content {
            case let .heatmap(x, y, z, _):
                add(z); add(x); add(y)
                for s in panel.overlay ?? [] { add(s.y); add(s.x) }
            case .lines(let series), .complexPlane(let series, _):
                for s in series { add(s.y); add(s.x); add(s.band) }
            }
        }
        return names
    }
}
