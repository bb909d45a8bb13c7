import Foundation
import Testing
@testable import RNNDynamics

/// `rnndyn reproduce all` (issue 16): one directory per paper and `index.html` linking their reports, on a
/// two-experiment subset (the full quick reproduction of every paper is `ReproductionTests`).
@Suite(.serialized) struct PapersIndexTests {
    /// The index page's row of each paper (from its `<tr id=…>` to the row's end), keyed by paper id.
    static func rows(_ page: String) -> [String: String] {
        var out: [String: String] = [:]
        for chunk in page.components(separatedBy: "<tr id=\"").dropFirst() {
            let id = String(chunk.prefix { $0 != "\"" })
            out[id] = String(chunk[..<(chunk.range(of: "</tr>")?.lowerBound ?? chunk.endIndex)])
        }
        return out
    }

    /// Checks that the index at `root` has one row per registered paper, in registry order, with its escaped title,
    /// and that every link on the page names a file that exists (relative to `root`); returns the rows.
    @discardableResult
    static func checkIndex(_ root: URL) throws -> [String: String] {
        let page = try String(contentsOf: root.appendingPathComponent("index.html"), encoding: .utf8)
        let rows = rows(page)
        #expect(Set(rows.keys) == Set(Paper.all.map(HTMLText.anchor)), "rows \(rows.keys.sorted()) for papers \(Paper.all)")
        let order = Paper.all.compactMap { page.range(of: "<tr id=\"\(HTMLText.anchor($0))\"")?.lowerBound }
        #expect(order == order.sorted() && order.count == Paper.all.count, "papers in registry order")
        for paper in Paper.all {
            let title = HTMLText.escape(Paper.description(paper).title)
            #expect(!title.isEmpty && rows[HTMLText.anchor(paper)]?.contains(title) == true, "\(paper): no title")
        }
        let links = page.components(separatedBy: "href=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        #expect(!links.isEmpty)
        for link in links {
            #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent(link).path), "index links missing \(link)")
        }
        for external in ["<script", "<link", "src=\"", "href=\"http", "url(http", "@import"] {
            #expect(!page.contains(external), "index loads external resources: \(external)")
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
        return rows
    }

    /// The index names each paper by its registered title and citation: a paper added to the registry needs its
    /// `PaperDescription` in `ExperimentRegistry.descriptions` (else the index shows only its figures' source).
    @Test func everyRegisteredPaperHasATitleAndCitation() {
        let described = ExperimentRegistry.descriptions.map(\.id)
        #expect(described == Paper.all, "descriptions \(described) for papers \(Paper.all), in registry order")
        for d in ExperimentRegistry.descriptions { #expect(!d.title.isEmpty && !d.citation.isEmpty, "\(d.id)") }
    }

    @Test func reproduceAllWritesOneDirectoryPerPaperAndAnIndexAndResumes() throws {
        let out = CLIHarness.tempDir().appendingPathComponent("out")
        let args = ["reproduce", "all", "--only", "figA1,r2", "--out", out.path]
        let (first, firstOut, firstErr) = try CLIHarness.run(args)
        #expect(first == 0, "stderr: \(firstErr)")
        #expect(firstOut.hasSuffix(out.appendingPathComponent("index.html").path + "\n"), "prints the index path last")
        let runs = ["proca2025.figA1", "bordelon2025.r2"]
        for id in runs {
            let paperDir = out.appendingPathComponent(Paper.of(id))
            #expect(try RunRecord.read(from: paperDir.appendingPathComponent(id).appendingPathComponent("config.json")).complete)
            #expect(FileManager.default.fileExists(atPath: paperDir.appendingPathComponent("report.html").path))
            #expect(firstOut.contains(paperDir.appendingPathComponent("report.html").path + "\n"), "prints each report")
        }
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("report.html").path), "no top-level report")
        let rows = try Self.checkIndex(out)
        for paper in Paper.all {
            let row = try #require(rows[HTMLText.anchor(paper)])
            let registered = ExperimentRegistry.experiments(prefix: paper + ".").count
            let ran = runs.filter { Paper.of($0) == paper }.count
            #expect(row.contains(">\(ran)/\(registered)<"), "\(paper): experiments \(ran)/\(registered) in \(row)")
            #expect(row.contains("href=\"\(paper)/report.html\"") == (ran > 0))
        }
        // A rerun recomputes nothing and leaves the runs' files untouched; the index is written again.
        func dates() throws -> [String: Date] {
            var dates: [String: Date] = [:]
            for file in try FileManager.default.subpathsOfDirectory(atPath: out.path) where runs.contains(where: { file.contains($0 + "/") }) {
                dates[file] = try FileManager.default.attributesOfItem(atPath: out.appendingPathComponent(file).path)[.modificationDate] as? Date
            }
            return dates
        }
        let before = try dates()
        #expect(before.count >= 2 * 6)
        let (second, secondOut, secondErr) = try CLIHarness.run(args)
        #expect(second == 0, "stderr: \(secondErr)")
        let runLines = secondOut.split(separator: "\n").filter { line in runs.contains { line.hasPrefix($0) } }
        #expect(runLines.count == runs.count && runLines.allSatisfy { $0.contains("(kept)") }, "\(secondOut)")
        #expect(try dates() == before, "complete runs were left untouched")
        try Self.checkIndex(out)
        // `report` rebuilds each paper's report and the index from saved data, the index printed last.
        try FileManager.default.removeItem(at: out.appendingPathComponent("index.html"))
        let (report, reportOut, reportErr) = try CLIHarness.run(["report", out.path])
        #expect(report == 0 && reportOut.contains("redrew 2 figures"), "stderr: \(reportErr)")
        #expect(reportOut.hasSuffix(out.appendingPathComponent("index.html").path + "\n"), "\(reportOut)")
        try Self.checkIndex(out)
    }

    @Test func anIndexHTMLRnndynDidNotWriteIsRefusedAndKept() throws {
        let out = CLIHarness.tempDir()
        let mine = out.appendingPathComponent("index.html")
        try Data("my own page\n".utf8).write(to: mine)
        let (status, _, err) = try CLIHarness.run(["reproduce", "all", "--only", "figA1", "--out", out.path])
        #expect(status == 2 && err.split(separator: "\n").count == 1 && err.contains("--out:"), "stderr: \(err)")
        #expect(try String(contentsOf: mine, encoding: .utf8) == "my own page\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path) == ["index.html"], "nothing is written")
    }

    @Test(arguments: [["nopaper"], ["all", "nopaper"], ["proca2025", "nopaper"]])
    func aBadPaperNameGivesOneLineNamingTheAllowedValues(papers: [String]) throws {
        let out = CLIHarness.tempDir().appendingPathComponent("x")
        let (status, _, err) = try CLIHarness.run(["reproduce"] + papers + ["--out", out.path])
        #expect(status == 2, "stderr: \(err)")
        let allowed = "(allowed: \((Paper.all + ["all"]).joined(separator: ", ")))"
        #expect(err.split(separator: "\n").count == 1 && err.contains("paper: 'nopaper'") && err.contains(allowed), "stderr: \(err)")
        #expect(!FileManager.default.fileExists(atPath: out.path), "nothing is written")
    }

    @Test func anUnknownExperimentOfSeveralPapersListsFullIds() throws {
        let out = CLIHarness.tempDir().appendingPathComponent("x")
        let (status, _, err) = try CLIHarness.run(["reproduce", "all", "--only", "figZ", "--out", out.path])
        #expect(status == 2 && err.split(separator: "\n").count == 1, "stderr: \(err)")
        #expect(err.contains("--only: 'figZ'") && err.contains(ExperimentRegistry.all.map(\.id).joined(separator: ", ")), "stderr: \(err)")
        #expect(!FileManager.default.fileExists(atPath: out.path), "nothing is written")
    }
}
