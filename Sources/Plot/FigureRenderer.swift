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
        let gridWidth = Double(columns) * theme.panelWidth
        let cell = { (i: Int) in
            PlotRect(x: Double(i % columns) * theme.panelWidth, y: titleHeight + Double(i / columns) * theme.panelHeight,
                     width: theme.panelWidth, height: theme.panelHeight)
        }
        // Shared colour scales: one bar each, in columns right of the grid spanning their panels' plot heights.
        let scales = try ColorScale.shared(figure, dataset: dataset)
        let bars = scales.map { scale -> (bar: ColorBar, top: Double, bottom: Double) in
            let plots = scale.panels.map {
                PanelLayout.plotRect(cell: cell($0), theme: theme, hasTitle: !figure.panels[$0].title.isEmpty, yTickLabelWidth: 0)
            }
            let top = plots.map(\.y).min()!, bottom = plots.map(\.bottom).max()!
            return (ColorBar(scale: scale, length: bottom - top, theme: theme), top, bottom)
        }
        let width = gridWidth + bars.map { columnWidth($0.bar) }.reduce(0, +)
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
            let ctx = PanelContext(figureTitle: figure.title, number: i + 1, panel: panel, dataset: dataset,
                                   cell: cell(i), theme: theme)
            var elements: [SVGElement]
            switch panel.content {
            case .lines(let series):
                elements = try LinesPanel.render(series, ctx, document: &doc)
            case .heatmap(let x, let y, let z, let colorLabel):
                let shared = scales.first { $0.panels.contains(i) }
                elements = try HeatmapPanel.render(x: x, y: y, z: z, colorLabel: colorLabel, shared: shared, ctx, document: &doc)
            case .complexPlane(let series, let unitCircle):
                elements = try ComplexPlanePanel.render(series, unitCircle: unitCircle, ctx, document: &doc)
            }
            if figure.panels.count > 1 { elements.append(panelLetter(i, cell: cell(i), theme: theme)) }
            doc.add(.group(elements, ["id": "panel-\(i + 1)", "class": "panel"]))
        }
        var left = gridWidth
        for (bar, top, bottom) in bars {
            doc.add(bar.draw(left: left + sharedBarMargin, top: top, bottom: bottom, document: &doc))
            left += columnWidth(bar)
        }
        return doc
    }

    /// Space between the grid (whose panels keep a 20-pixel right margin) or the previous shared bar and a shared
    /// colour bar.
    static let sharedBarMargin = 4.0

    /// Width of the figure column holding a shared colour bar: margin, the bar and its labels, right padding.
    static func columnWidth(_ bar: ColorBar) -> Double {
        sharedBarMargin + bar.width - HeatmapPanel.barGap + 12
    }

    /// The bold letter A, B, C … of panel `index` (reading order) at the top left of its cell.
    static func panelLetter(_ index: Int, cell: PlotRect, theme: PlotTheme) -> SVGElement {
        .label(letter(index), x: cell.x + PanelLayout.outerPadding - 2, y: cell.y + theme.panelLetterSize + 2,
               size: theme.panelLetterSize, ["class": "panel-letter", "font-weight": "bold", "fill": theme.ink])
    }

    /// A, B, …, Z, then AA, AB, ….
    static func letter(_ index: Int) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        return index < 26 ? String(alphabet[index]) : letter(index / 26 - 1) + String(alphabet[index % 26])
    }
}
