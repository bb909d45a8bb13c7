import FigureData

/// Complex-plane panels: trajectories with real part on x and imaginary part on y (`Series.x` names the real-part
/// array, `Series.y` the imaginary-part array), an open marker at each start and a filled one at each end, an
/// optional dotted unit circle, and equal aspect ratio. Axes are always linear.
enum ComplexPlanePanel {
    /// Colour of the start/end legend markers.
    static let markerLegendColor = "#555555"

    /// The panel's elements; clip paths go into `document`'s definitions.
    static func render(_ series: [Series], unitCircle: Bool, _ ctx: PanelContext,
                       document: inout SVGDocument) throws -> [SVGElement] {
        let theme = ctx.theme
        let data = try series.map { try SeriesData.complex($0, in: ctx.dataset, context: ctx.location(series: $0)) }
        var xLo = Double.infinity, xHi = -Double.infinity, yLo = Double.infinity, yHi = -Double.infinity
        for p in data.joined().joined() where p.x.isFinite && p.y.isFinite {
            xLo = min(xLo, p.x); xHi = max(xHi, p.x); yLo = min(yLo, p.y); yHi = max(yHi, p.y)
        }
        let hasData = xLo <= xHi
        if unitCircle || !hasData {
            xLo = min(xLo, -1); xHi = max(xHi, 1); yLo = min(yLo, -1); yHi = max(yHi, 1)
        }
        let baseX = AxisDomain.fromExtent(lo: xLo, hi: xHi, scale: .linear, margin: 0.06)
        let baseY = AxisDomain.fromExtent(lo: yLo, hi: yHi, scale: .linear, margin: 0.06)
        var entries = LinesPanel.legendEntries(series)
        if data.joined().contains(where: { $0.contains { $0.x.isFinite && $0.y.isFinite } }) {
            entries.append(LegendEntry(label: "start", color: markerLegendColor, sample: .marker(filled: false)))
            entries.append(LegendEntry(label: "end", color: markerLegendColor, sample: .marker(filled: true)))
        }
        let drawing = PanelDrawing.withLegend(entries, cell: ctx.cell, theme: theme) { rightExtra in
            layout(series, data, baseX: baseX, baseY: baseY, unitCircle: unitCircle, hasData: hasData, ctx,
                   rightExtra: rightExtra)
        }
        document.define(drawing.clip)
        return drawing.elements
    }

    /// The panel drawn with `rightExtra` pixels kept free on the right, with equal aspect ratio.
    static func layout(_ series: [Series], _ data: [[[PlotPoint]]], baseX: AxisDomain, baseY: AxisDomain,
                       unitCircle: Bool, hasData: Bool, _ ctx: PanelContext, rightExtra: Double) -> PanelDrawing {
        let panel = ctx.panel, theme = ctx.theme

        // Equal aspect: grow the axis with fewer units per pixel. The y labels' width feeds back into the plot
        // width, so iterate twice.
        let hasTitle = !panel.title.isEmpty
        var labelWidth = 0.0
        var rect = PlotRect(x: 0, y: 0, width: 1, height: 1)
        var xMap = AxisMap(scale: .linear, domain: baseX, start: 0, end: 1)
        var yMap = xMap
        var yTicks: [Tick] = []
        for _ in 0..<3 {
            rect = PanelLayout.plotRect(cell: ctx.cell, theme: theme, hasTitle: hasTitle, yTickLabelWidth: labelWidth,
                                        rightExtra: rightExtra)
            let unitsPerPixel = max((baseX.hi - baseX.lo) / rect.width, (baseY.hi - baseY.lo) / rect.height)
            let cx = (baseX.lo + baseX.hi) / 2, cy = (baseY.lo + baseY.hi) / 2
            let xDomain = AxisDomain(lo: cx - unitsPerPixel * rect.width / 2, hi: cx + unitsPerPixel * rect.width / 2, hasData: true)
            let yDomain = AxisDomain(lo: cy - unitsPerPixel * rect.height / 2, hi: cy + unitsPerPixel * rect.height / 2, hasData: true)
            xMap = AxisMap(scale: .linear, domain: xDomain, start: rect.x, end: rect.right)
            yMap = AxisMap(scale: .linear, domain: yDomain, start: rect.bottom, end: rect.y)
            yTicks = yMap.ticks(horizontal: false, fontSize: theme.tickLabelSize)
            let needed = PanelLayout.labelWidth(yTicks, theme: theme)
            if needed <= labelWidth { break }
            labelWidth = needed
        }
        let xTicks = xMap.ticks(horizontal: true, fontSize: theme.tickLabelSize)
        let frame = AxesFrame(rect: rect, theme: theme,
                              xTicks: xTicks.compactMap { t in xMap.position(t.value).map { ($0, t) } },
                              yTicks: yTicks.compactMap { t in yMap.position(t.value).map { ($0, t) } })

        var back: [SVGElement] = []
        let (ox, oy) = (xMap.position(0)!, yMap.position(0)!)
        if xMap.domain.lo < 0, xMap.domain.hi > 0 {
            back.append(.line(x1: ox, y1: rect.y, x2: ox, y2: rect.bottom, ["class": "zero-axis", "stroke": "#b3b3b3", "stroke-width": "0.8"]))
        }
        if yMap.domain.lo < 0, yMap.domain.hi > 0 {
            back.append(.line(x1: rect.x, y1: oy, x2: rect.right, y2: oy, ["class": "zero-axis", "stroke": "#b3b3b3", "stroke-width": "0.8"]))
        }
        if unitCircle {
            back.append(.circle(cx: ox, cy: oy, r: xMap.position(1)! - ox,
                                ["class": "unit-circle", "fill": "none", "stroke": "#8c8c8c", "stroke-width": "1.3",
                                 "stroke-dasharray": "0.5 3", "stroke-linecap": "round"]))
        }
        var lines: [SVGElement] = [], markers: [SVGElement] = [], hover: [SVGElement] = []
        var samples: [PlotPoint] = []
        let order = series.indices.sorted {
            (StrokeStyle.layer(series[$0].style), $0) < (StrokeStyle.layer(series[$1].style), $1)
        }
        for i in order {
            let s = series[i], color = Palette.color(group: s.group)
            for trajectory in data[i] {
                let pixels = trajectory.map { p -> PlotPoint? in
                    guard p.x.isFinite, p.y.isFinite, let x = xMap.position(p.x), let y = yMap.position(p.y) else { return nil }
                    return PlotPoint(x: x, y: y)
                }
                if s.style == .points {
                    hover += HoverTargets.curve(label: s.label, points: trajectory, pixels: pixels, rect: rect,
                                                names: ("Re", "Im"))
                    let points = pixels.compactMap { $0 }
                    markers += points.map { Markers.point(at: $0, color: color) }
                    samples += points
                    continue
                }
                hover += HoverTargets.curve(label: s.label, points: trajectory, pixels: pixels, rect: rect,
                                            names: ("Re", "Im"))
                let runs = LinePath.runs(pixels)
                let d = LinePath.data(runs)
                if !d.isEmpty { lines.append(StrokeStyle.of(s.style).path(d, color: color, style: s.style)) }
                samples += LinePath.samples(runs)
                let drawn = pixels.compactMap { $0 }
                guard let first = drawn.first, let last = drawn.last else { continue }
                markers.append(Markers.circle(at: first, color: color, filled: false))
                if drawn.count > 1 { markers.append(Markers.circle(at: last, color: color, filled: true)) }
            }
        }
        var out: [SVGElement] = [frame.grid(),
                                 .group(back + lines + markers, ["class": "data", "clip-path": "url(#\(ctx.clipID))"])]
        if !hasData { out.append(ctx.note(series.isEmpty ? "no series" : "no finite data", in: rect)) }
        out += frame.decorations(title: panel.title, xLabel: panel.xLabel.isEmpty ? "Re" : panel.xLabel,
                                 yLabel: panel.yLabel.isEmpty ? "Im" : panel.yLabel)
        if !hover.isEmpty { out.append(HoverTargets.group(hover)) }
        return PanelDrawing(elements: out, rect: rect, clip: ctx.clipPath(rect), samples: samples)
    }
}
