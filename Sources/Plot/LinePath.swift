/// SVG path data for polylines broken at missing (NaN, infinite, or non-positive on log axes) points.
enum LinePath {
    /// Runs of consecutive drawable points; a nil point ends the current run.
    static func runs(_ points: [PlotPoint?]) -> [[PlotPoint]] {
        var runs: [[PlotPoint]] = []
        var current: [PlotPoint] = []
        for p in points {
            if let p {
                current.append(p)
            } else if !current.isEmpty {
                runs.append(current)
                current = []
            }
        }
        if !current.isEmpty { runs.append(current) }
        return runs
    }

    /// Path data "M x,y L x,y …" for the runs with two or more points; points within `tolerance` pixels of the
    /// previously kept point are dropped (the last point of a run is always kept).
    static func data(_ runs: [[PlotPoint]], tolerance: Double = 0.25) -> String {
        var d = ""
        for run in runs where run.count >= 2 {
            var last = run[0]
            d += "M" + SVGNumber.format(last.x) + "," + SVGNumber.format(last.y)
            for (i, p) in run.enumerated().dropFirst() {
                let isLast = i == run.count - 1
                if !isLast, abs(p.x - last.x) < tolerance, abs(p.y - last.y) < tolerance { continue }
                d += "L" + SVGNumber.format(p.x) + "," + SVGNumber.format(p.y)
                last = p
            }
        }
        return d
    }

    /// Points along the runs every `spacing` pixels (for legend placement).
    static func samples(_ runs: [[PlotPoint]], spacing: Double = 3) -> [PlotPoint] {
        var out: [PlotPoint] = []
        for run in runs {
            out.append(run[0])
            for (a, b) in zip(run, run.dropFirst()) {
                let dx = b.x - a.x, dy = b.y - a.y
                let n = min(2000, Int((dx * dx + dy * dy).squareRoot() / spacing))
                if n > 0 {
                    for k in 1...n {
                        let t = Double(k) / Double(n + 1)
                        out.append(PlotPoint(x: a.x + t * dx, y: a.y + t * dy))
                    }
                }
                out.append(b)
            }
        }
        return out
    }
}
