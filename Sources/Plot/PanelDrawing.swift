/// A laid-out panel before its legend is added: elements, plot rectangle, clip path and the data's pixel samples
/// (which the legend avoids).
struct PanelDrawing {
    /// Grid, data and decorations.
    var elements: [SVGElement]
    /// The plot rectangle.
    var rect: PlotRect
    /// The clip path to define for the data.
    var clip: SVGElement
    /// Points along the drawn data, in pixels.
    var samples: [PlotPoint]

    /// Lays the panel out and adds its legend: inside the plot where it covers no data; otherwise to the right of
    /// the plot (re-laying the panel out narrower) when the plot keeps at least half the cell's width; otherwise
    /// inside where it covers the fewest points. `layout` draws the panel leaving `rightExtra` pixels on the right.
    static func withLegend(_ entries: [LegendEntry], cell: PlotRect, theme: PlotTheme,
                           layout: (_ rightExtra: Double) throws -> PanelDrawing) rethrows -> PanelDrawing {
        var drawing = try layout(0)
        guard !entries.isEmpty else { return drawing }
        let size = Legend.size(entries, theme: theme)
        var (box, covered) = Legend.place(width: size.width, height: size.height, in: drawing.rect, avoiding: drawing.samples)
        if covered > 0 {
            let gap = 10.0
            let narrow = try layout(size.width + gap - 6)
            if narrow.rect.width >= cell.width / 2 {
                drawing = narrow
                box = PlotRect(x: narrow.rect.right + gap, y: narrow.rect.y, width: size.width, height: size.height)
            }
        }
        drawing.elements.append(Legend.draw(entries, in: box, theme: theme))
        return drawing
    }
}
