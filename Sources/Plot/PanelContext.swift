import FigureData

/// Everything a panel renderer needs: the panel, its data, its grid cell, the shared theme and where it sits
/// in the figure (for error messages and unique SVG ids).
struct PanelContext {
    /// Figure title (for errors).
    var figureTitle: String
    /// 1-based panel number.
    var number: Int
    /// The panel.
    var panel: Panel
    /// The data.
    var dataset: Dataset
    /// The panel's grid cell.
    var cell: PlotRect
    /// Shared style.
    var theme: PlotTheme

    /// "figure 'Fig. 2', panel 1".
    var location: String { "figure '\(figureTitle)', panel \(number)" }

    /// "figure 'Fig. 2', panel 1, series 'δ=1'".
    func location(series: Series) -> String { "\(location), series '\(series.label)'" }

    /// Id of this panel's clip path.
    var clipID: String { "clip-p\(number)" }

    /// The clip-path definition for `rect`.
    func clipPath(_ rect: PlotRect) -> SVGElement {
        SVGElement("clipPath", ["id": clipID], children: [.rect(x: rect.x, y: rect.y, width: rect.width, height: rect.height)])
    }

    /// A centred grey note in the plot area ("no finite data").
    func note(_ text: String, in rect: PlotRect) -> SVGElement {
        .label(text, x: rect.midX, y: rect.midY, size: theme.axisLabelSize, anchor: "middle",
               ["class": "note", "fill": "#888888"])
    }
}
