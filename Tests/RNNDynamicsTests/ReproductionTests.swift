import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import RNNDynamics

/// Every registered experiment runs once in its quick preset through `Reproduction` — the code path of
/// `rnndyn reproduce` — into a temporary directory; the tests read back what it wrote.
@Suite(.serialized) struct ReproductionTests {
    /// The output root (one subdirectory per paper), computed once for the suite.
    static let output: Result<URL, any Error> = Result {
        let root = CLIHarness.tempDir()
        for paper in Paper.all {
            let plan = try Reproduction.plan(paper: paper, preset: .quick, seed: 3, out: root.appendingPathComponent(paper))
            _ = try Reproduction.execute(plan)
        }
        return root
    }

    static func runDirectory(_ id: String) throws -> URL {
        try output.get().appendingPathComponent(Paper.of(id)).appendingPathComponent(id)
    }

    @Test(arguments: ExperimentRegistry.all.map(\.id))
    func quickRunWritesCompleteParseableOutputs(id: String) throws {
        let e = try #require(ExperimentRegistry.experiment(id))
        let dir = try Self.runDirectory(id)
        // config.json: complete, provenance, every parameter read and recorded, claim checks that hold.
        let config = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("config.json"))) as? [String: Any])
        let record = try RunRecord(json: config, source: id)
        #expect(record.complete && record.experiment == id && record.preset == .quick && record.seed == 3)
        #expect(record.provenance.version == RNNDynamicsVersion.string && !record.provenance.gitCommit.isEmpty)
        #expect(Set(record.parameters.keys) == Set(e.parameters(.quick).keys), "every parameter is read and recorded")
        #expect(!record.checks.isEmpty)
        // No check fails; a declared non-reproduction of a paper claim may not hold.
        for c in record.checks { #expect(c.holds || c.outcome == .doesNotReproduce, "\(id): \(c.claim) — \(c.evidence)") }
        // results.npz holds exactly the arrays DATA.md documents, each with a description.
        let arrays = try NPZ.readDictionary(from: dir.appendingPathComponent("results.npz"))
        let documented = try Self.documentedArrays(dir.appendingPathComponent("DATA.md"))
        #expect(!arrays.isEmpty)
        #expect(Set(documented.keys) == Set(arrays.keys), "\(id): DATA.md lists \(documented.keys.sorted()), results.npz holds \(arrays.keys.sorted())")
        for (key, doc) in documented { #expect(!doc.isEmpty, "\(id): \(key) has no description") }
        // figure.json names only arrays of results.npz, with matching lengths; the SVG is well-formed XML.
        let figure = try JSONIO.read(FigureSpec.self, from: dir.appendingPathComponent("figure.json"))
        try Self.checkFigureArrays(figure, arrays, id)
        let svg = try Data(contentsOf: dir.appendingPathComponent(RunFiles.svg(id)))
        let parser = XMLParser(data: svg)
        #expect(parser.parse(), "\(id): SVG does not parse: \(String(describing: parser.parserError))")
        // metrics.csv: one row per check, plus the counts, theory error and time.
        let csv = try String(contentsOf: dir.appendingPathComponent("metrics.csv"), encoding: .utf8)
        let rows = csv.split(separator: "\n")
        #expect(rows.first == "metric,value,description")
        #expect(rows.count == 1 + 4 + record.checks.count + (record.theoryError == nil ? 0 : 1) + record.scalars.count)
        #expect(rows.filter { $0.hasPrefix("check_") }.map { $0.split(separator: ",")[1] } == record.checks.map { $0.holds ? "1" : "0" })
        // The run's own report shows its figure and checks.
        let page = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(page.contains("id=\"\(HTMLText.anchor(id))\"") && page.contains("<svg "))
    }

    /// Planning the same reproduction again keeps every run: the recorded parameters read back exactly, so nothing
    /// looks changed (before exact JSON numbers, figA4, A9 and A11 were recomputed on every rerun).
    @Test func aSecondReproductionRecomputesNothing() throws {
        for paper in Paper.all {
            let plan = try Reproduction.plan(paper: paper, preset: .quick, seed: 3, out: try Self.output.get().appendingPathComponent(paper))
            for step in plan.steps {
                guard case .skip = step.action else { Issue.record("\(step.experiment.id) would be recomputed: \(step.action)"); continue }
            }
        }
    }

    @Test func reportHasOneSectionPerExperimentAndIsSelfContained() throws {
        for paper in Paper.all {
            let dir = try Self.output.get().appendingPathComponent(paper)
            let page = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
            let ids = ExperimentRegistry.experiments(prefix: paper + ".").map(\.id)
            #expect(page.components(separatedBy: "<section class=\"figure-section\"").count - 1 == ids.count)
            var last = page.startIndex
            for id in ids {
                let anchor = try #require(page.range(of: "<section class=\"figure-section\" id=\"\(HTMLText.anchor(id))\">"), "no section for \(id)")
                #expect(anchor.lowerBound >= last, "\(id) is out of registry order")
                last = anchor.lowerBound
                #expect(page.contains("href=\"\(id)/results.npz\"") && page.contains("href=\"\(id)/DATA.md\""))
            }
            #expect(page.components(separatedBy: "<svg ").count - 1 == ids.count)
            for external in ["<script", "<link", "src=\"", "href=\"http", "url(http", "@import"] {
                #expect(!page.contains(external), "report loads external resources: \(external)")
            }
            // Element ids stay unique with every figure inlined (clip paths and gradients are per figure).
            let idValues = page.components(separatedBy: " id=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
            #expect(Set(idValues).count == idValues.count, "duplicate element ids in the report")
            #expect(!page.contains(">FAILS<") && !page.contains("badge fails"))
            let summary = try String(contentsOf: dir.appendingPathComponent("metrics.csv"), encoding: .utf8)
            #expect(summary.split(separator: "\n").count == 1 + ids.count)
        }
    }

    /// The index over the per-paper reproductions (the layout of `rnndyn reproduce all`) lists every paper with
    /// all its experiments, its checks (none failing) and links to its report.
    @Test func indexListsEveryPaperWithAllItsExperiments() throws {
        let root = try Self.output.get()
        try Reproduction.writeIndex(root)
        let rows = try PapersIndexTests.checkIndex(root)
        for paper in Paper.all {
            let row = try #require(rows[HTMLText.anchor(paper)])
            let n = ExperimentRegistry.experiments(prefix: paper + ".").count
            #expect(row.contains(">\(n)/\(n)<") && row.contains("href=\"\(paper)/report.html\""), "\(paper): \(row)")
            #expect(!row.contains("badge fails"))
        }
    }

    @Test func reportRebuildRedrawsIdenticalFiguresFromSavedData() throws {
        for paper in Paper.all {
            let dir = try Self.output.get().appendingPathComponent(paper)
            let ids = ExperimentRegistry.experiments(prefix: paper + ".").map(\.id)
            let before = try ids.map { try Data(contentsOf: dir.appendingPathComponent($0).appendingPathComponent(RunFiles.svg($0))) }
            for id in ids { try FileManager.default.removeItem(at: dir.appendingPathComponent(id).appendingPathComponent(RunFiles.svg(id))) }
            try FileManager.default.removeItem(at: dir.appendingPathComponent("report.html"))
            let outcome = try ReportBuilder.rebuild(dir, builtBy: ExperimentJob.provenance)
            #expect(outcome.runs.map(\.record.experiment) == ids)
            let after = try ids.map { try Data(contentsOf: dir.appendingPathComponent($0).appendingPathComponent(RunFiles.svg($0))) }
            #expect(after == before, "redrawn figures differ from the originals")
            #expect(FileManager.default.fileExists(atPath: outcome.report.path))
        }
    }

    /// The `results.npz` keys and descriptions listed in DATA.md.
    static func documentedArrays(_ url: URL) throws -> [String: String] {
        let text = try String(contentsOf: url, encoding: .utf8)
        let section = text.components(separatedBy: "## Other files")[0]
        var out: [String: String] = [:]
        for line in section.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            out[cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`"))] = cells.count > 3 ? cells[3] : ""
        }
        return out
    }

    /// Every series and heatmap of `figure` names arrays present in `arrays` with consistent sizes.
    static func checkFigureArrays(_ figure: FigureSpec, _ arrays: [String: NumpyArray], _ id: String) throws {
        func check(_ s: Series) {
            guard let x = arrays[s.x], let y = arrays[s.y] else {
                Issue.record("\(id): series '\(s.label)' names a missing array (\(s.x), \(s.y))"); return
            }
            let yLen = s.yRow == nil ? y.elementCount : (y.shape.last ?? 0)
            // With yRow, x may be 1-D or 2-D of y's shape (the same row is used).
            let xLen = s.yRow != nil && x.shape.count == 2 && x.shape == y.shape ? (x.shape.last ?? 0) : x.elementCount
            #expect(xLen == yLen, "\(id): series '\(s.label)' has \(x.elementCount) x and \(yLen) y values")
        }
        for panel in figure.panels {
            switch panel.content {
            case .lines(let series), .complexPlane(let series, _): series.forEach(check)
            case let .heatmap(x, y, z, _):
                let (xa, ya, za) = (arrays[x], arrays[y], arrays[z])
                #expect(xa != nil && ya != nil && za != nil, "\(id): heatmap names a missing array")
                if let xa, let ya, let za { #expect(za.shape == [ya.elementCount, xa.elementCount]) }
            }
        }
    }
}
