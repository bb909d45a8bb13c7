import ExperimentKit

/// The self-contained index page of a several-paper reproduction (`rnndyn reproduce all`): provenance and totals,
/// then one row per paper with its title and citation, experiments, checks, compute time and links to its report.
public struct IndexPage {
    /// One paper's row.
    public struct Row {
        /// The paper.
        public var paper: PaperDescription
        /// Its directory relative to the index (`proca2025`).
        public var link: String
        /// Its complete runs, in registry order (empty when the directory holds none).
        public var records: [RunRecord]
        /// How many experiments the registry has for it.
        public var registered: Int
        /// Summary files of its directory that exist (`report.html`, `metrics.csv`), relative to it.
        public var files: [String]

        /// A row.
        public init(paper: PaperDescription, link: String, records: [RunRecord], registered: Int, files: [String]) {
            self.paper = paper; self.link = link; self.records = records; self.registered = registered; self.files = files
        }

        /// The href of `file` (relative to the paper's directory) as seen from the index.
        func href(_ file: String) -> String { link + "/" + file }
    }

    /// The papers, in registry order.
    public var rows: [Row]
    /// When the page was built (ISO 8601).
    public var generatedAt: String
    /// The build that wrote the page.
    public var builtBy: Provenance

    /// A page.
    public init(rows: [Row], generatedAt: String, builtBy: Provenance) {
        self.rows = rows; self.generatedAt = generatedAt; self.builtBy = builtBy
    }

    /// The page title.
    public static let title = "Papers reproduced with rnndyn"

    /// The complete HTML document.
    public func html() -> String {
        let records = rows.flatMap(\.records)
        let present = rows.filter { !$0.records.isEmpty }.count
        var body = "<header>\n<h1>\(HTMLText.escape(Self.title))</h1>\n"
        body += ReportPage.provenanceList(records, generatedAt: generatedAt,
                                          counts: [("papers", "\(present) of \(rows.count)"), ("figures", String(records.count))])
        body += "</header>\n" + table()
        return ReportPage.document(title: Self.title, body: body, builtBy: builtBy, rebuild: "rnndyn report DIR")
    }

    /// One row per paper: paper (title linking to its report, citation), experiments, checks, time, files.
    func table() -> String {
        let e = HTMLText.escape
        var out = "<table class=\"summary papers\">\n<thead><tr><th>Paper</th><th>Experiments</th><th>Checks holding</th>"
        out += "<th>Failing</th><th>Declared non-reproductions</th><th>Compute time</th><th>Files</th></tr></thead>\n<tbody>\n"
        for row in rows {
            let title = row.files.contains(RunFiles.report)
                ? "<a href=\"\(e(row.href(RunFiles.report)))\">\(e(row.paper.title))</a>" : e(row.paper.title)
            out += "<tr id=\"\(HTMLText.anchor(row.paper.id))\"><td><strong>\(title)</strong>"
            if !row.paper.citation.isEmpty { out += "<br><span class=\"muted\">\(e(row.paper.citation))</span>" }
            out += "<br><code>\(e(row.paper.id))</code></td>"
            guard !row.records.isEmpty else {
                out += "<td class=\"number\">0/\(row.registered)</td><td colspan=\"5\" class=\"muted\">not reproduced in this directory</td></tr>\n"
                continue
            }
            let t = ClaimTally(row.records.flatMap(\.checks))
            out += "<td class=\"number\">\(row.records.count)/\(row.registered)</td>"
            out += "<td class=\"number\"><span class=\"badge \(t.badgeClass)\">\(t.paperHolding + t.selfHolding)/\(t.total)</span></td>"
            out += "<td class=\"number\">\(t.failing)</td><td class=\"number\">\(t.paperNotReproduced)</td>"
            out += "<td class=\"number\">\(e(HTMLText.duration(row.records.map(\.wallTimeSeconds).reduce(0, +))))</td>"
            out += "<td class=\"links\">\(row.files.map { "<a href=\"\(e(row.href($0)))\">\(e($0))</a>" }.joined(separator: " · "))</td></tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }
}
