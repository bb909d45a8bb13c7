import FigureData

/// Invisible hover targets carrying SVG `<title>` tooltips, so a browser shows a heatmap cell's or a curve point's
/// values under the pointer (in the HTML report and in the SVG file alike). Dense data is thinned: heatmaps with more
/// than `maxCells` cells get one target per block of cells (titled with the block's middle cell), curves at most
/// `maxPointsPerSeries` evenly spaced points. Labels show their markup as `N_h`, `λ^(T−t)`.
enum HoverTargets {
    /// Largest number of heatmap cells with a target each.
    static let maxCells = 256
    /// Largest number of targets per curve.
    static let maxPointsPerSeries = 40
    /// Radius of a curve point's target, in pixels.
    static let radius = 4.5

    /// A value as shown in a tooltip (4 significant digits).
    static func value(_ v: Double) -> String { TickFormat.compact(v, significant: 4) }

    /// The group of targets, transparent but hit by the pointer.
    static func group(_ targets: [SVGElement]) -> SVGElement {
        .group(targets, ["class": "hover", "fill": "#ffffff", "fill-opacity": "0", "stroke": "none"])
    }

    /// `element` with the tooltip `text`.
    static func titled(_ element: SVGElement, _ text: String) -> SVGElement {
        var e = element
        e.children.append(SVGElement("title", text: text))
        return e
    }

    /// A label as tooltip text (plain text has no scripts): `N_h`, `b_max`, `λ^(T−t)`.
    static func text(_ label: String) -> String {
        LabelMarkup.runs(label).map { run in
            let grouped = run.text.count == 1 || run.text.allSatisfy { $0.isLetter || $0.isNumber } ? run.text : "(\(run.text))"
            switch run.position {
            case .normal: return run.text
            case .superscript: return "^" + grouped
            case .subscript: return "_" + grouped
            }
        }.joined()
    }

    /// An axis name for tooltips (`text`), or `fallback` when empty.
    static func name(_ label: String, _ fallback: String) -> String {
        let shown = text(label)
        return shown.isEmpty ? fallback : shown
    }

    /// Targets over the heatmap `z` [rows = y, cols = x] drawn in `rect` (row 0 at the bottom); `xs`, `ys` hold cell
    /// centres or, when `edges`, cell edges.
    static func cells(_ z: DataArray, xs: [Double], ys: [Double], edges: (x: Bool, y: Bool), rect: PlotRect,
                      names: (x: String, y: String, z: String)) -> SVGElement {
        let (ny, nx) = (z.shape[0], z.shape[1])
        var block = 1
        while (nx + block - 1) / block * ((ny + block - 1) / block) > maxCells { block += 1 }
        let cw = rect.width / Double(nx), ch = rect.height / Double(ny)
        let (xName, yName, zName) = (name(names.x, "x"), name(names.y, "y"), name(names.z, "value"))
        func coordinate(_ values: [Double], _ k: Int, edges: Bool) -> String {
            edges ? "\(value(values[k]))…\(value(values[k + 1]))" : value(values[k])
        }
        var targets: [SVGElement] = []
        for i0 in stride(from: 0, to: ny, by: block) {
            let rows = min(block, ny - i0), i = i0 + rows / 2
            for j0 in stride(from: 0, to: nx, by: block) {
                let columns = min(block, nx - j0), j = j0 + columns / 2
                let v = z.values[i * nx + j]
                let text = "\(xName) = \(coordinate(xs, j, edges: edges.x)), \(yName) = \(coordinate(ys, i, edges: edges.y)): "
                    + "\(zName) = \(v.isFinite ? value(v) : "NaN (missing)")"
                let cell = SVGElement.rect(x: rect.x + Double(j0) * cw, y: rect.bottom - Double(i0 + rows) * ch,
                                           width: Double(columns) * cw, height: Double(rows) * ch)
                targets.append(titled(cell, text))
            }
        }
        return group(targets)
    }

    /// Targets on one curve: `points` in data units and `pixels` where they are drawn (nil when not shown); only
    /// points inside `rect`, at most `maxPointsPerSeries` of them, evenly spaced along the curve.
    static func curve(label: String, points: [PlotPoint], pixels: [PlotPoint?], rect: PlotRect,
                      names: (x: String, y: String)) -> [SVGElement] {
        let shown = pixels.indices.filter { k in pixels[k].map { rect.contains($0, margin: 0.5) } ?? false }
        guard !shown.isEmpty else { return [] }
        let picked = shown.count <= maxPointsPerSeries ? shown
            : (0..<maxPointsPerSeries).map { shown[($0 * (shown.count - 1)) / (maxPointsPerSeries - 1)] }
        let prefix = text(label).isEmpty ? "" : text(label) + ": "
        let (xName, yName) = (name(names.x, "x"), name(names.y, "y"))
        return picked.map { k in
            let p = pixels[k]!
            return titled(.circle(cx: p.x, cy: p.y, r: radius),
                          "\(prefix)\(xName) = \(value(points[k].x)), \(yName) = \(value(points[k].y))")
        }
    }
}
