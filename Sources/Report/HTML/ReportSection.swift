import FigureData
import ExperimentKit

/// The report section of one figure: claim, inline figure, checks, theory error, parameters and data links.
public enum ReportSection {
    /// The section's HTML.
    public static func html(_ entry: ReportEntry) -> String {
        let r = entry.record, e = HTMLText.escape
        var out = "<section class=\"figure-section\" id=\"\(entry.anchor)\">\n"
        out += "<h2><span class=\"figure-label\">\(e(entry.figureLabel))</span> \(HTMLText.math(r.summary))</h2>\n"
        out += "<p class=\"meta\">\(e(r.paperFigure)) · <code>\(e(r.experiment))</code> · preset \(e(r.preset.rawValue)) · "
        out += "seed \(r.seed) · computed in \(e(HTMLText.duration(r.wallTimeSeconds)))</p>\n"
        out += "<figure class=\"plot\">\n"
        out += InlineSVG.embed(entry.svg, idPrefix: entry.anchor, label: "\(r.paperFigure): \(LabelMarkup.plain(r.summary))")
        out += "<figcaption class=\"muted\">Hover over a heatmap cell or a curve to see its values.</figcaption>\n"
        out += "</figure>\n"
        out += checkLists(r.checks)
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

    /// The checks in two groups: claims of the paper (holds, fails or does not reproduce), then rnndyn's
    /// self-consistency checks (theory vs simulation, finished training), each with its count badge.
    static func checkLists(_ checks: [ClaimCheck]) -> String {
        let e = HTMLText.escape, tally = ClaimTally(checks)
        var out = ""
        let groups: [(ClaimKind, String, String)] = [
            (.paper, "Claim checks", "\(tally.paperHolding)/\(tally.paperTotal) hold"
                + (tally.paperNotReproduced > 0 ? ", \(tally.paperNotReproduced) not reproduced" : "")),
            (.selfConsistency, "Self-consistency checks", "\(tally.selfHolding)/\(tally.selfTotal) hold"),
        ]
        for (kind, title, count) in groups {
            let group = checks.filter { $0.kind == kind }
            guard !group.isEmpty else { continue }
            let failing = group.contains(where: \.fails), open = group.contains { $0.outcome == .doesNotReproduce }
            let badge = failing ? "fails" : (open ? "not-reproduced" : "holds")
            out += "<h3>\(e(title)) <span class=\"badge \(badge)\">\(e(count))</span></h3>\n"
            if kind == .selfConsistency {
                out += "<p class=\"muted\">Internal checks of rnndyn (its theory against its simulation, and that every run finished), not claims of the paper.</p>\n"
            }
            out += "<ul class=\"checks\">\n"
            for c in group { out += item(c) }
            out += "</ul>\n"
        }
        return out
    }

    /// One check: its verdict badge, claim and evidence (and, for a declared non-reproduction, the reason).
    static func item(_ c: ClaimCheck) -> String {
        let e = HTMLText.escape
        let cls: String, label: String
        let scaled = c.belowPaperScale == true
        switch c.outcome {
        case .holds: (cls, label) = ("holds", c.knownNonReproduction == nil ? "holds" : scaled ? "holds at this scale" : "holds — now reproduces")
        case .fails: (cls, label) = ("fails", "fails")
        case .doesNotReproduce: (cls, label) = ("not-reproduced", scaled ? "not reproduced at this scale" : "does not reproduce")
        }
        var out = "<li><span class=\"badge \(cls)\">\(e(label))</span> <span class=\"claim\">\(e(c.claim))</span>"
        out += "<div class=\"evidence\">\(e(c.evidence))</div>"
        if let why = c.knownNonReproduction, scaled {
            out += "<div class=\"evidence\">\(e("Measured " + why + "."))</div>"
        } else if let why = c.knownNonReproduction {
            let note = c.holds ? "Declared not to reproduce, but the data now support the claim; the declaration is out of date: "
                               : "The paper's claim is not reproduced by rnndyn's data: "
            out += "<div class=\"evidence\">\(e(note + why))</div>"
        }
        return out + "</li>\n"
    }
}
