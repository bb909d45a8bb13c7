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
    /// Id of the colour-bar gradient.
    static let gradientID = "viridis-gradient"
    /// Colour-bar width.
    static let barWidth = 14.0
    /// Gap between plot and colour bar.
    static let barGap = 16.0

    /// The panel's elements; patterns, gradients and clip paths go into `document`'s definitions.
    static func render(x xName: String, y yName: String, z zName: String, colorLabel: String, _ ctx: PanelContext,
                       document: inout SVGDocument) throws -> [SVGElement] {
        let theme = ctx.theme, panel = ctx.panel, at = ctx.location
        let za = try SeriesData.array(zName, in: ctx.dataset, context: at)
        guard za.shape.count == 2 else {
            throw PlotError(context: at, problem: .shape(array: zName, detail: "has shape \(za.shape); a heatmap needs a 2-D array [rows = y, cols = x]"))
        }
        let (ny, nx) = (za.shape[0], za.shape[1])
        let xs = try axisValues(xName, count: nx, dim: "columns", zName: zName, ctx)
        let ys = try axisValues(yName, count: ny, dim: "rows", zName: zName, ctx)

        let finite = za.values.filter(\.isFinite)
        let hasMissing = finite.count < za.values.count
        let colorDomain = AxisDomain.fromExtent(lo: finite.min() ?? 1, hi: finite.max() ?? 0, scale: .linear, margin: 0)

        // Layout: the bar's ticks and the y labels decide the margins.
        let hasTitle = !panel.title.isEmpty
        let probe = PanelLayout.plotRect(cell: ctx.cell, theme: theme, hasTitle: hasTitle, yTickLabelWidth: 0)
        let barBottomInset = hasMissing ? 22.0 : 0
        let barMap0 = AxisMap(scale: .linear, domain: colorDomain, start: probe.bottom - barBottomInset, end: probe.y)
        let barTicks = barMap0.ticks(horizontal: false, fontSize: theme.tickLabelSize)
        let barLabelWidth = max(PanelLayout.labelWidth(barTicks, theme: theme),
                                hasMissing ? TextMetrics.width("NaN", size: theme.tickLabelSize) : 0)
        let rightExtra = barGap + barWidth + theme.tickLength + 3 + barLabelWidth
            + (colorLabel.isEmpty ? 0 : 8 + theme.axisLabelSize)
        let yPicked = pick(ys, cells: ny, scale: panel.yScale, cellPixels: probe.height / Double(ny), horizontal: false, theme: theme)
        let rect = PanelLayout.plotRect(cell: ctx.cell, theme: theme, hasTitle: hasTitle,
                                        yTickLabelWidth: PanelLayout.labelWidth(yPicked.map(\.1), theme: theme),
                                        rightExtra: rightExtra)
        let cw = rect.width / Double(nx), ch = rect.height / Double(ny)
        let xPicked = pick(xs, cells: nx, scale: panel.xScale, cellPixels: cw, horizontal: true, theme: theme)

        // Cells, merging horizontal runs of one colour.
        var cells: [SVGElement] = [], missing: [SVGElement] = []
        for i in 0..<ny {
            let top = rect.bottom - Double(i + 1) * ch
            var j = 0
            while j < nx {
                let v = za.values[i * nx + j]
                let color = v.isFinite ? Viridis.color((v - colorDomain.lo) / (colorDomain.hi - colorDomain.lo)) : nil
                var k = j + 1
                while k < nx {
                    let w = za.values[i * nx + k]
                    let c = w.isFinite ? Viridis.color((w - colorDomain.lo) / (colorDomain.hi - colorDomain.lo)) : nil
                    if c != color { break }
                    k += 1
                }
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
        let frame = AxesFrame(rect: rect, theme: theme,
                              xTicks: xPicked.map { (rect.x + $0.0 * cw, $0.1) },
                              yTicks: yPicked.map { (rect.bottom - $0.0 * ch, $0.1) })
        out += frame.decorations(title: panel.title, xLabel: panel.xLabel, yLabel: panel.yLabel)
        out.append(colorBar(rect: rect, domain: colorDomain, hasMissing: hasMissing, labelWidth: barLabelWidth,
                            label: colorLabel, theme: theme, document: &document))
        return out
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
        let labels = axis.values.map { TickFormat.compact($0, significant: 3) }
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

    /// The vertical viridis gradient (bottom = low).
    static func gradient() -> SVGElement {
        let stops = stride(from: 0, through: 256, by: 8).map { k -> SVGElement in
            let i = min(k, 255)
            return SVGElement("stop", ["offset": SVGNumber.format(Double(i) / 255, decimals: 4),
                                       "stop-color": Viridis.hex(Viridis.table[i])])
        }
        return SVGElement("linearGradient", ["id": gradientID, "x1": "0", "y1": "1", "x2": "0", "y2": "0"], children: stops)
    }

    /// The colour bar right of `rect`: gradient, ticks, optional NaN swatch and the rotated label.
    static func colorBar(rect: PlotRect, domain: AxisDomain, hasMissing: Bool, labelWidth: Double, label: String,
                         theme: PlotTheme, document: inout SVGDocument) -> SVGElement {
        document.define(gradient())
        let x0 = rect.right + barGap
        let barBottom = rect.bottom - (hasMissing ? 22 : 0)
        let map = AxisMap(scale: .linear, domain: domain, start: barBottom, end: rect.y)
        let ticks = map.ticks(horizontal: false, fontSize: theme.tickLabelSize)
        let tickX = x0 + barWidth
        var children: [SVGElement] = [
            .rect(x: x0, y: rect.y, width: barWidth, height: barBottom - rect.y, ["fill": "url(#\(gradientID))"]),
            .rect(x: x0, y: rect.y, width: barWidth, height: barBottom - rect.y,
                  ["fill": "none", "stroke": theme.ink, "stroke-width": "0.8"]),
        ]
        for t in ticks where t.isMajor {
            guard let y = map.position(t.value) else { continue }
            children.append(.line(x1: tickX, y1: y, x2: tickX + theme.tickLength, y2: y,
                                  ["stroke": theme.ink, "stroke-width": "0.9"]))
            children.append(.label(t.label, x: tickX + theme.tickLength + 3, y: y + theme.tickLabelSize * 0.35,
                                   size: theme.tickLabelSize, ["fill": theme.ink]))
        }
        if hasMissing {
            let top = rect.bottom - 12
            children.append(.rect(x: x0, y: top, width: barWidth, height: 12,
                                  ["class": "nan-swatch", "fill": "url(#\(hatchID))", "stroke": theme.ink, "stroke-width": "0.8"]))
            children.append(.label("NaN", x: tickX + theme.tickLength + 3, y: top + 6 + theme.tickLabelSize * 0.35,
                                   size: theme.tickLabelSize, ["fill": theme.ink]))
        }
        if !label.isEmpty {
            let lx = tickX + theme.tickLength + 3 + labelWidth + 6 + theme.axisLabelSize * 0.8
            children.append(.label(label, x: lx, y: rect.midY,
                                   size: AxesFrame.fitting(label, size: theme.axisLabelSize, width: rect.height + 20),
                                   anchor: "middle", rotate: -90, ["class": "axis-label", "fill": theme.ink]))
        }
        return .group(children, ["class": "colorbar"])
    }
}
