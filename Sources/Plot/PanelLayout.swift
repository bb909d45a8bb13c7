/// Splits a panel's grid cell into the plot rectangle and the margins its title, ticks and labels need.
enum PanelLayout {
    /// Space between the cell's left edge and the y-axis label.
    static let outerPadding = 10.0

    /// The plot rectangle in `cell`, leaving room for y tick labels `yTickLabelWidth` wide and `rightExtra`
    /// pixels on the right (a colour bar).
    static func plotRect(cell: PlotRect, theme: PlotTheme, hasTitle: Bool, yTickLabelWidth: Double,
                         rightExtra: Double = 0) -> PlotRect {
        let top = cell.y + (hasTitle ? theme.panelTitleSize + 16 : 14)
        let bottom = cell.bottom - (theme.tickLength + theme.tickLabelSize + 8 + theme.axisLabelSize + 10)
        let left = cell.x + outerPadding + theme.axisLabelSize + 8 + yTickLabelWidth + 3 + theme.tickLength
        let right = cell.right - 20 - rightExtra
        return PlotRect(x: left, y: top, width: max(20, right - left), height: max(20, bottom - top))
    }

    /// Width of the widest major tick label in `ticks`.
    static func labelWidth(_ ticks: [Tick], theme: PlotTheme) -> Double {
        ticks.filter(\.isMajor).map { TextMetrics.width($0.label, size: theme.tickLabelSize) }.max() ?? 0
    }
}
