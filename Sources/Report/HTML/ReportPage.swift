import ExperimentKit

/// A self-contained HTML report (inline CSS and SVG, no external resources): a header with provenance, a
/// summary table when there are several figures, then one section per figure.
public struct ReportPage {
    /// How every report rnndyn writes starts its footer (`SummaryFiles` recognises rnndyn's reports by it).
    static let footerMark = "<footer class=\"muted\">Written by rnndyn "

    /// The runs, in display order.
    public var entries: [ReportEntry]
    /// When the page was built (ISO 8601).
    public var generatedAt: String
    /// The build that wrote the page.
    public var builtBy: Provenance
    /// Registered experiments of the same paper that the directory lacks.
    public var missing: [String]
    /// Extra files of the report's directory to link (e.g. the summary `metrics.csv`).
    public var extraLinks: [String]

    /// A page.
    public init(entries: [ReportEntry], generatedAt: String, builtBy: Provenance, missing: [String] = [],
                extraLinks: [String] = []) {
        self.entries = entries; self.generatedAt = generatedAt; self.builtBy = builtBy
        self.missing = missing; self.extraLinks = extraLinks
    }

    /// The page title: the common source of the figures, else a generic one.
    public var title: String {
        let sources = Set(entries.map(\.source))
        return sources.count == 1 ? "\(sources.first!) — reproduced with rnndyn" : "rnndyn report"
    }

    /// The complete HTML document.
    public func html() -> String {
        var body = "<header>\n<h1>\(HTMLText.escape(title))</h1>\n" + metaList() + "</header>\n"
        if entries.count > 1 { body += summaryTable() }
        for entry in entries { body += ReportSection.html(entry) }
        return Self.document(title: title, body: body, builtBy: builtBy, rebuild: "rnndyn report DIR")
    }

    /// A complete self-contained HTML document in the report's style: `body` (HTML) inside `<main>`, then the
    /// footer naming the build and the command `rebuild` that writes the page again.
    public static func document(title: String, body: String, builtBy: Provenance, rebuild: String) -> String {
        let e = HTMLText.escape
        var out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<title>\(e(title))</title>\n<style>\n\(ReportStyle.css)</style>\n</head>\n<body>\n<main>\n" + body
        out += footerMark + "\(e(builtBy.version)) (commit \(e(builtBy.gitCommit))). "
        out += "Rebuild with <code>\(e(rebuild))</code>.</footer>\n</main>\n</body>\n</html>\n"
        return out
    }

    /// The provenance and totals under the title.
    func metaList() -> String {
        let e = HTMLText.escape, records = entries.map(\.record)
        var out = Self.provenanceList(records, generatedAt: generatedAt, counts: [("figures", String(records.count))])
        if !missing.isEmpty {
            out += "<p class=\"notice\">Not in this directory: \(missing.map { "<code>\(e($0))</code>" }.joined(separator: ", "))</p>\n"
        }
        if !extraLinks.isEmpty {
            out += "<p class=\"links\">Summary data: \(extraLinks.map { "<a href=\"\(e($0))\">\(e($0))</a>" }.joined(separator: " · "))</p>\n"
        }
        return out
    }

    /// One row per figure: label (linking to its section), experiment, checks, theory error, time.
    func summaryTable() -> String {
        let e = HTMLText.escape
        var out = "<table class=\"summary\">\n<thead><tr><th>Figure</th><th>Claim</th><th>Experiment</th><th>Checks</th>"
        out += "<th>Theory error</th><th>Time</th></tr></thead>\n<tbody>\n"
        for entry in entries {
            let r = entry.record
            let t = r.tally
            out += "<tr><td><a href=\"#\(entry.anchor)\">\(e(entry.figureLabel))</a></td><td>\(HTMLText.math(r.summary))</td>"
            out += "<td><code>\(e(r.experiment))</code></td>"
            out += "<td><span class=\"badge \(t.badgeClass)\">\(r.checksHolding)/\(r.checks.count)</span>"
            out += (t.paperNotReproduced > 0 ? " <span class=\"muted\">\(t.paperNotReproduced) not reproduced</span>" : "")
            out += (t.selfTotal > 0 ? " <span class=\"muted\">(\(t.selfTotal) self-consistency)</span>" : "") + "</td>"
            out += "<td class=\"number\">\(r.theoryError.map { e(HTMLText.scientific($0)) } ?? "—")</td>"
            out += "<td class=\"number\">\(e(HTMLText.duration(r.wallTimeSeconds)))</td></tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }

    /// The provenance line of a page over `records`: rnndyn version, commit, preset, seed (each value once),
    /// `generatedAt`, total compute time, then `counts` and the claim-check tally.
    static func provenanceList(_ records: [RunRecord], generatedAt: String, counts: [(String, String)]) -> String {
        let e = HTMLText.escape
        func values(_ f: (RunRecord) -> String) -> String {
            var seen: [String] = []
            for r in records where !seen.contains(f(r)) { seen.append(f(r)) }
            return seen.isEmpty ? "—" : seen.joined(separator: ", ")
        }
        let time = records.map(\.wallTimeSeconds).reduce(0, +)
        let items: [(String, String)] = [
            ("rnndyn", values(\.provenance.version)), ("commit", values(\.provenance.gitCommit)),
            ("preset", values(\.preset.rawValue)), ("seed", values { String($0.seed) }),
            ("generated", generatedAt), ("compute time", HTMLText.duration(time)),
        ] + counts + [("claim checks", ClaimTally(records.flatMap(\.checks)).summary)]
        var out = "<dl class=\"provenance\">\n"
        for (k, v) in items { out += "<div><dt>\(e(k))</dt><dd>\(e(v))</dd></div>\n" }
        return out + "</dl>\n"
    }
}

extension ClaimTally {
    /// The CSS class of the badge summing these checks up: `fails`, else `not-reproduced`, else `holds`.
    var badgeClass: String { failing > 0 ? "fails" : (paperNotReproduced > 0 ? "not-reproduced" : "holds") }
}
