import FigureData
import Foundation

/// Heatmaps: a 2-D array z [rows = y, cols = x] drawn as equal cells (like matplotlib `imshow`, row 0 at the
/// bottom) in viridis, with a colour bar; NaN and ±inf cells are hatched grey and get a "NaN" swatch on the bar.
/// The x and y arrays hold cell centres (one per column/row) or cell edges (one more). Cells are equal-sized
/// whatever the values; when an array is monotonic, nice ticks (decades on a log axis) are placed by interpolating
/// it in the panel's scale, otherwise every n-th value of the array is labelled.
enum HeatmapPanel {
    /// Id of the hatch pattern for missing cells.
    static let hatchID = "nan-hatch"
    /// Gap between plot and colour bar.
    static let barGap = 16.0

    /// The panel's elements; patterns, gradients and clip paths go into `document`'s definitions. With a `shared`
    /// scale the cells take its colours and the panel draws no colour bar (the figure draws the scale's one bar).
    static func render(x xName: String, y yName: String, z zName: String, colorLabel: String, shared: ColorScale? = nil,
                       _ ctx: PanelContext, document: inout SVGDocument) throws -> [SVGElement] {
        let theme = ctx.theme, panel = ctx.panel, at = ctx.location
        let za = try SeriesData.array(zName, in: ctx.dataset, context: at)
        guard za.shape.count == 2 else {
            throw PlotError(context: at, problem: .shape(array: zName, detail: "has shape \(za.shape); a heatmap needs a 2-D array [rows = y, cols = x]"))
        }
        let (ny, nx) = (za.shape[0], za.shape[1])
        let xs = try axisValues(xName, count: nx, dim: "columns", zName: zName, ctx)
        let ys = try axisValues(yName, count: ny, dim: "rows", zName: zName, ctx)

        let hasMissing = za.values.contains { !$0.isFinite }
        let scale = shared ?? ColorScale(id: nil, domain: ColorScale.domain(of: za.values), hasMissing: hasMissing,
                                         panels: [ctx.number - 1], label: colorLabel)

        // Layout: the bar's ticks and the y labels decide the margins.
        let hasTitle = !panel.title.isEmpty
        let probe = PanelLayout.plotRect(cell: ctx.cell, theme: theme, hasTitle: hasTitle, yTickLabelWidth: 0)
        let bar = shared == nil ? ColorBar(scale: scale, length: probe.height, theme: theme) : nil
        let yPicked = pick(ys, cells: ny, scale: panel.yScale, cellPixels: probe.height / Double(ny), horizontal: false, theme: theme)
        let rect = PanelLayout.plotRect(cell: ctx.cell, theme: theme, hasTitle: hasTitle,
                                        yTickLabelWidth: PanelLayout.labelWidth(yPicked.map(\.1), theme: theme),
                                        rightExtra: bar?.width ?? 0)
        let cw = rect.width / Double(nx), ch = rect.height / Double(ny)
        let xPicked = pick(xs, cells: nx, scale: panel.xScale, cellPixels: cw, horizontal: true, theme: theme)

        // Cells, merging horizontal runs of one colour.
        var cells: [SVGElement] = [], missing: [SVGElement] = []
        for i in 0..<ny {
            let top = rect.bottom - Double(i + 1) * ch
            var j = 0
            while j < nx {
                let color = scale.color(za.values[i * nx + j])
                var k = j + 1
                while k < nx, scale.color(za.values[i * nx + k]) == color { k += 1 }
                let cell = SVGElement.rect(x: rect.x + Double(j) * cw, y: top, width: Double(k - j) * cw, height: ch)
                if let color { cells.append(cell.with("fill", color)) } else { missing.append(cell.with("class", "nan")) }
                j = k
            }
        }
        var out: [SVGElement] = [.group(cells, ["class": "cells", "shape-rendering": "crispEdges"])]
        if !missing.isEmpty {
            document.define(hatchPattern())
            out.append(.group(missing, ["class": "nan-cells", "fill": "url(#\(hatchID))", "shape-rendering": "crispEdges"]))
        }
        out += try overlay(panel.overlay ?? [], xs: xs, ys: ys, cells: (nx, ny), rect: rect, ctx)
        let frame = AxesFrame(rect: rect, theme: theme,
                              xTicks: xPicked.map { (rect.x + $0.0 * cw, $0.1) },
                              yTicks: yPicked.map { (rect.bottom - $0.0 * ch, $0.1) })
        out += frame.decorations(title: panel.title, xLabel: panel.xLabel, yLabel: panel.yLabel)
        if let bar {
            out.append(bar.draw(left: rect.right + barGap, top: rect.y, bottom: rect.bottom, document: &document))
        }
        out.append(HoverTargets.cells(za, xs: xs.values, ys: ys.values, edges: (xs.edges, ys.edges), rect: rect,
                                      names: (panel.xLabel, panel.yLabel, colorLabel)))
        return out
    }

    /// The overlay curves, white and dashed, placed by interpolating the monotonic
    /// x and y tick arrays; points beyond the grid break the curve.
    static func overlay(_ series: [Series], xs: (values: [Double], edges: Bool), ys: (values: [Double], edges: Bool),
                        cells: (x: Int, y: Int), rect: PlotRect, _ ctx: PanelContext) throws -> [SVGElement] {
        guard !series.isEmpty else { return [] }
        guard let xAxis = HeatmapAxis(values: xs.values, cells: cells.x, scale: ctx.panel.xScale),
              let yAxis = HeatmapAxis(values: ys.values, cells: cells.y, scale: ctx.panel.yScale) else {
            throw PlotError(context: ctx.location, problem: .invalidFigure("a heatmap overlay needs strictly monotonic x and y tick arrays"))
        }
        let cw = rect.width / Double(cells.x), ch = rect.height / Double(cells.y)
        return try series.map { s in
            let x = try SeriesData.array(s.x, in: ctx.dataset, context: ctx.location).values
            let y = try SeriesData.array(s.y, in: ctx.dataset, context: ctx.location).values
            guard x.count == y.count else {
                throw PlotError(context: ctx.location, problem: .shape(array: s.y, detail: "has \(y.count) values but '\(s.x)' has \(x.count)"))
            }
            let points = zip(x, y).map { px, py -> PlotPoint? in
                guard let i = xAxis.position(px), let j = yAxis.position(py) else { return nil }
                return PlotPoint(x: rect.x + i * cw, y: rect.bottom - j * ch)
            }
            return StrokeStyle.of(.theory).path(LinePath.data(LinePath.runs(points)), color: "#ffffff", style: s.style).with("stroke-width", "2.2")
        }
    }

    /// Tick values along one heatmap axis, checked against z's size: `count` centres or `count + 1` edges.
    static func axisValues(_ name: String, count: Int, dim: String, zName: String, _ ctx: PanelContext) throws -> (values: [Double], edges: Bool) {
        let a = try SeriesData.array(name, in: ctx.dataset, context: ctx.location)
        guard a.shape.count <= 1, a.values.count == count || a.values.count == count + 1 else {
            throw PlotError(context: ctx.location, problem: .shape(array: name, detail: "has shape \(a.shape) but '\(zName)' has \(count) \(dim) (expected \(count) cell centres or \(count + 1) edges)"))
        }
        return (a.values, a.values.count == count + 1)
    }

    /// Ticks with positions in cell units. Cell centres that are few (≤ `categoricalCells`) or unevenly spaced
    /// (T ∈ {1, 2, 4, 8}) are labelled with their own values, as the paper labels its heatmaps; otherwise nice
    /// values are interpolated along a monotonic tick array. Own values go at every n-th centre (or edge), n chosen
    /// so labels do not overlap.
    static func pick(_ axis: (values: [Double], edges: Bool), cells: Int, scale: AxisScale, cellPixels: Double,
                     horizontal: Bool, theme: PlotTheme) -> [(Double, Tick)] {
        let categorical = !axis.edges && (cells <= categoricalCells || !evenlySpaced(axis.values, scale: scale))
        if !categorical, let interpolated = HeatmapAxis(values: axis.values, cells: cells, scale: scale) {
            let ticks = interpolated.ticks(cellPixels: cellPixels, horizontal: horizontal, fontSize: theme.tickLabelSize)
            if ticks.filter({ $0.1.isMajor }).count >= 2 { return ticks }
        }
        let labels = TickFormat.distinguishing(axis.values)
        let needed = horizontal
            ? (labels.map { TextMetrics.width($0, size: theme.tickLabelSize) }.max() ?? 0) + 8
            : theme.tickLabelSize * 1.5
        let every = max(1, Int((needed / max(cellPixels, 1e-9)).rounded(.up)))
        return stride(from: 0, to: axis.values.count, by: every).map { k in
            (Double(k) + (axis.edges ? 0 : 0.5), Tick(value: axis.values[k], label: labels[k]))
        }
    }

    /// Largest number of cell centres labelled with their own values even when evenly spaced.
    static let categoricalCells = 10

    /// Whether `values` are evenly spaced in `scale` (log: in log10), to 1e-6 of the mean step.
    static func evenlySpaced(_ values: [Double], scale: AxisScale) -> Bool {
        guard values.count >= 3 else { return true }
        let t = values.map { scale == .log && $0 > 0 ? log10($0) : $0 }
        let steps = zip(t, t.dropFirst()).map { $1 - $0 }
        let mean = steps.reduce(0, +) / Double(steps.count)
        return steps.allSatisfy { abs($0 - mean) <= 1e-6 * abs(mean) }
    }

    /// The grey background with diagonal hatching used for missing cells.
    static func hatchPattern() -> SVGElement {
        SVGElement("pattern", ["id": hatchID, "patternUnits": "userSpaceOnUse", "width": "6", "height": "6",
                               "patternTransform": "rotate(45)"],
                   children: [.rect(x: 0, y: 0, width: 6, height: 6, ["fill": "#ededed"]),
                              .line(x1: 1.5, y1: 0, x2: 1.5, y2: 6, ["stroke": "#a3a3a3", "stroke-width": "1.4"])])
    }
}
