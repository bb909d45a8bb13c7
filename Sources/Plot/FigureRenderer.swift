import FigureData

/// Draws a `FigureSpec` from a `Dataset` as SVG: panels in a grid of `columns` columns, row by row, in one style.
public enum FigureRenderer {
    /// The figure as SVG text; throws a `PlotError` naming the figure, panel, series and array when an array is
    /// missing or mis-shaped. The same input always gives byte-identical output.
    public static func render(_ figure: FigureSpec, dataset: Dataset, theme: PlotTheme = .standard) throws -> String {
        try document(figure, dataset: dataset, theme: theme).render()
    }

    /// The figure as an `SVGDocument`, for adding elements before rendering.
    public static func document(_ figure: FigureSpec, dataset: Dataset, theme: PlotTheme = .standard) throws -> SVGDocument {
        guard figure.columns >= 1 else {
            throw PlotError(context: "figure '\(figure.title)'", problem: .invalidFigure("columns must be at least 1 (got \(figure.columns))"))
        }
        let columns = figure.panels.isEmpty ? 1 : min(figure.columns, figure.panels.count)
        let rows = (figure.panels.count + columns - 1) / columns
        let titleHeight = figure.title.isEmpty ? 0 : theme.figureTitleSize + 16
        let width = Double(columns) * theme.panelWidth
        let height = max(titleHeight + Double(rows) * theme.panelHeight, 40)
        var doc = SVGDocument(width: width, height: height,
                              attributes: ["font-family": theme.fontFamily,
                                           "font-size": SVGNumber.format(theme.tickLabelSize)])
        doc.add(.rect(x: 0, y: 0, width: width, height: height, ["fill": "#ffffff"]))
        if !figure.title.isEmpty {
            let size = AxesFrame.fitting(figure.title, size: theme.figureTitleSize, width: width - 20)
            doc.add(.label(figure.title, x: width / 2, y: theme.figureTitleSize + 8, size: size, anchor: "middle",
                           ["class": "figure-title", "font-weight": "bold", "fill": theme.ink]))
        }
        for (i, panel) in figure.panels.enumerated() {
            let cell = PlotRect(x: Double(i % columns) * theme.panelWidth,
                                y: titleHeight + Double(i / columns) * theme.panelHeight,
                                width: theme.panelWidth, height: theme.panelHeight)
            let ctx = PanelContext(figureTitle: figure.title, number: i + 1, panel: panel, dataset: dataset,
                                   cell: cell, theme: theme)
            let elements: [SVGElement]
            switch panel.content {
            case .lines(let series):
                elements = try LinesPanel.render(series, ctx, document: &doc)
            case .heatmap(let x, let y, let z, let colorLabel):
                elements = try HeatmapPanel.render(x: x, y: y, z: z, colorLabel: colorLabel, ctx, document: &doc)
            case .complexPlane(let series, let unitCircle):
                elements = try ComplexPlanePanel.render(series, unitCircle: unitCircle, ctx, document: &doc)
            }
            doc.add(.group(elements, ["id": "panel-\(i + 1)", "class": "panel"]))
        }
        return doc
    }
}
