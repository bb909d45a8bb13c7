import FigureData

/// Line plots: every series against its x array on linear or log axes, coloured by group and stroked by style
/// (simulation solid, theory dashed, reference dotted), polylines broken at missing points.
enum LinesPanel {
    /// The panel's elements; clip paths go into `document`'s definitions.
    static func render(_ series: [Series], _ ctx: PanelContext, document: inout SVGDocument) throws -> [SVGElement] {
        let panel = ctx.panel
        let data = try series.map { try SeriesData.line($0, in: ctx.dataset, context: ctx.location(series: $0)) }
        let bands = try series.indices.map { try band(series[$0], data[$0], ctx) }
        let usable = (data.flatMap { $0 } + bands.flatMap { $0.flatMap { [$0.lower, $0.upper] } }).filter {
            AxisDomain.usable($0.x, panel.xScale) && AxisDomain.usable($0.y, panel.yScale)
        }
        let xDomain = AxisDomain.of(usable.map(\.x), scale: panel.xScale, margin: 0.02)
        let yDomain = AxisDomain.of(usable.map(\.y), scale: panel.yScale, margin: 0.05)
        // Series with nothing to draw on these axes get no legend row.
        let drawable = series.indices.filter { i in
            data[i].contains { AxisDomain.usable($0.x, panel.xScale) && AxisDomain.usable($0.y, panel.yScale) }
        }.map { series[$0] }
        let drawing = PanelDrawing.withLegend(legendEntries(drawable), cell: ctx.cell, theme: ctx.theme) { rightExtra in
            layout(series, data, bands: bands, xDomain: xDomain, yDomain: yDomain, ctx, rightExtra: rightExtra)
        }
        document.define(drawing.clip)
        return drawing.elements
    }

    /// The panel drawn with `rightExtra` pixels kept free on the right.
    /// The band edges of `s` (y ∓ half-width at each point), empty when it has none.
    static func band(_ s: Series, _ points: [PlotPoint], _ ctx: PanelContext) throws -> [(lower: PlotPoint, upper: PlotPoint)] {
        guard let name = s.band else { return [] }
        let half = try SeriesData.line(Series(s.label, x: s.x, y: name, yRow: s.yRow, style: s.style, group: s.group),
                                       in: ctx.dataset, context: ctx.location(series: s))
        return zip(points, half).map { p, e in
            (PlotPoint(x: p.x, y: p.y - abs(e.y)), PlotPoint(x: p.x, y: p.y + abs(e.y)))
        }
    }

    static func layout(_ series: [Series], _ data: [[PlotPoint]], bands: [[(lower: PlotPoint, upper: PlotPoint)]],
                       xDomain: AxisDomain, yDomain: AxisDomain,
                       _ ctx: PanelContext, rightExtra: Double) -> PanelDrawing {
        let panel = ctx.panel, theme = ctx.theme
        // Height is fixed by the cell; y ticks decide the left margin, which decides the width and the x ticks.
        let hasTitle = !panel.title.isEmpty
        var rect = PanelLayout.plotRect(cell: ctx.cell, theme: theme, hasTitle: hasTitle, yTickLabelWidth: 0,
                                        rightExtra: rightExtra)
        var yMap = AxisMap(scale: panel.yScale, domain: yDomain, start: rect.bottom, end: rect.y)
        let yTicks = yMap.ticks(horizontal: false, fontSize: theme.tickLabelSize)
        rect = PanelLayout.plotRect(cell: ctx.cell, theme: theme, hasTitle: hasTitle,
                                    yTickLabelWidth: PanelLayout.labelWidth(yTicks, theme: theme), rightExtra: rightExtra)
        yMap = AxisMap(scale: panel.yScale, domain: yDomain, start: rect.bottom, end: rect.y)
        let xMap = AxisMap(scale: panel.xScale, domain: xDomain, start: rect.x, end: rect.right)
        let xTicks = xMap.ticks(horizontal: true, fontSize: theme.tickLabelSize)
        let frame = AxesFrame(rect: rect, theme: theme,
                              xTicks: xTicks.compactMap { t in xMap.position(t.value).map { ($0, t) } },
                              yTicks: yTicks.compactMap { t in yMap.position(t.value).map { ($0, t) } })

        var drawn: [SVGElement] = []
        var samples: [PlotPoint] = []
        let order = series.indices.sorted {
            (StrokeStyle.layer(series[$0].style), $0) < (StrokeStyle.layer(series[$1].style), $1)
        }
        for i in order where !bands[i].isEmpty {
            // Shaded band: the upper edge left to right, then the lower edge back, per unbroken run.
            let color = Palette.color(group: series[i].group)
            let mapped = bands[i].map { b -> (PlotPoint, PlotPoint)? in
                guard let x = xMap.position(b.lower.x), let lo = yMap.position(b.lower.y), let hi = yMap.position(b.upper.y) else { return nil }
                return (PlotPoint(x: x, y: lo), PlotPoint(x: x, y: hi))
            }
            var run: [(PlotPoint, PlotPoint)] = []
            for b in mapped + [nil] {
                if let b { run.append(b); continue }
                if run.count >= 2 {
                    let d = LinePath.data([run.map(\.1) + run.reversed().map(\.0)], tolerance: 0) + "Z"
                    drawn.append(.path(d, ["class": "band", "fill": color, "fill-opacity": "0.2", "stroke": "none"]))
                }
                run = []
            }
        }
        var hover: [SVGElement] = []
        for i in order {
            let s = series[i]
            let color = Palette.color(group: s.group)
            let pixels = data[i].map { p -> PlotPoint? in
                guard let x = xMap.position(p.x), let y = yMap.position(p.y) else { return nil }
                return PlotPoint(x: x, y: y)
            }
            hover += HoverTargets.curve(label: s.label, points: data[i], pixels: pixels, rect: rect,
                                        names: (panel.xLabel, panel.yLabel))
            let runs = LinePath.runs(pixels)
            if s.style == .points {
                drawn += runs.flatMap { $0 }.map { Markers.point(at: $0, color: color) }
                samples += runs.flatMap { $0 }
                continue
            }
            let d = LinePath.data(runs)
            if !d.isEmpty { drawn.append(StrokeStyle.of(s.style).path(d, color: color, style: s.style)) }
            for run in runs where run.count == 1 { drawn.append(Markers.dot(at: run[0], color: color)) }
            samples += LinePath.samples(runs)
        }

        var out: [SVGElement] = [frame.grid(),
                                 .group(drawn, ["class": "data", "clip-path": "url(#\(ctx.clipID))"])]
        if !xDomain.hasData || !yDomain.hasData {
            let positive = panel.xScale == .log || panel.yScale == .log ? "no positive finite data" : "no finite data"
            out.append(ctx.note(series.isEmpty ? "no series" : positive, in: rect))
        }
        out += frame.decorations(title: panel.title, xLabel: panel.xLabel, yLabel: panel.yLabel)
        if !hover.isEmpty { out.append(HoverTargets.group(hover)) }
        return PanelDrawing(elements: out, rect: rect, clip: ctx.clipPath(rect), samples: samples)
    }

    /// The legend rows for `series`: see `LegendEntries.compact`.
    static func legendEntries(_ series: [Series]) -> [LegendEntry] { LegendEntries.compact(series) }
}
