import FigureData

/// The report section of one figure: claim, inline figure, checks, theory error, parameters and data links.
public enum ReportSection {
    /// The section's HTML.
    public static func html(_ entry: ReportEntry) -> String {
        let r = entry.record, e = HTMLText.escape
        let verdict = r.checksHolding == r.checks.count ? "holds" : "fails"
        var out = "<section class=\"figure-section\" id=\"\(entry.anchor)\">\n"
        out += "<h2><span class=\"figure-label\">\(e(entry.figureLabel))</span> \(HTMLText.math(r.summary))</h2>\n"
        out += "<p class=\"meta\">\(e(r.paperFigure)) · <code>\(e(r.experiment))</code> · preset \(e(r.preset.rawValue)) · "
        out += "seed \(r.seed) · computed in \(e(HTMLText.duration(r.wallTimeSeconds)))</p>\n"
        out += "<figure class=\"plot\">\n"
        out += InlineSVG.embed(entry.svg, idPrefix: entry.anchor, label: "\(r.paperFigure): \(LabelMarkup.plain(r.summary))")
        out += "<figcaption class=\"muted\">Hover over a heatmap cell or a curve to see its values.</figcaption>\n"
        out += "</figure>\n"
        out += "<h3>Claim checks <span class=\"badge \(verdict)\">\(r.checksHolding)/\(r.checks.count) hold</span></h3>\n"
        out += "<ul class=\"checks\">\n"
        for c in r.checks {
            let cls = c.holds ? "holds" : "fails"
            out += "<li><span class=\"badge \(cls)\">\(cls)</span> <span class=\"claim\">\(e(c.claim))</span>"
            out += "<div class=\"evidence\">\(e(c.evidence))</div></li>\n"
        }
        out += "</ul>\n"
        if let err = r.theoryError {
            out += "<p class=\"theory\"><strong>Theory vs simulation:</strong> largest relative gap "
            out += "<span class=\"number\">\(e(HTMLText.scientific(err)))</span> along the compared curves.</p>\n"
        } else {
            out += "<p class=\"theory muted\">No theory-vs-simulation curve in this figure.</p>\n"
        }
        out += "<h3>Parameters</h3>\n" + ParameterTable.html(r.parameters)
        if !r.overrides.isEmpty {
            out += "<p class=\"muted\">Overridden: \(e(ParameterTable.flatten(r.overrides, prefix: "").map(\.0).joined(separator: ", ")))</p>\n"
        }
        out += "<h3>Data</h3>\n<p class=\"links\">"
        out += entry.files.map { "<a href=\"\(e(entry.href($0)))\">\(e($0))</a>" }.joined(separator: " · ")
        out += "</p>\n" + DataSnippet.html(entry) + "</section>\n"
        return out
    }
}
