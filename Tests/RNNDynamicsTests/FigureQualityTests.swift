import DataIO
import FigureData
import Foundation
import Testing
@testable import ExperimentKit
@testable import Plot
@testable import Proca2025
@testable import Report

/// Paper-quality figures (issue 11): label markup and its SVG/HTML typesetting, nice ticks and colour ranges,
/// shared colour scales, panel letters, hover tooltips, the report's data snippets and Fig. A3's search bound.
@Suite struct FigureQualityTests {
    // MARK: markup

    @Test func markupParsesScriptsGroupsAndEscapes() {
        typealias R = LabelMarkup.Run
        #expect(LabelMarkup.runs("λ^(T−t)") == [R("λ", .normal), R("T−t", .superscript)])
        #expect(LabelMarkup.runs("N_h = 4") == [R("N", .normal), R("h", .subscript), R(" = 4", .normal)])
        #expect(LabelMarkup.runs("b_(max)") == [R("b", .normal), R("max", .subscript)])
        #expect(LabelMarkup.runs("W_yW_x") == [R("W", .normal), R("y", .subscript), R("W", .normal), R("x", .subscript)])
        #expect(LabelMarkup.runs("W_(h(0))") == [R("W", .normal), R("h(0)", .subscript)])
        // Literal ^ and _: escaped, at the end, before a space or an unclosed group; a lone backslash stays.
        #expect(LabelMarkup.runs("a\\_b \\^ c\\\\d \\x") == [R("a_b ^ c\\d \\x", .normal)])
        #expect(LabelMarkup.runs("x^ y_") == [R("x^ y_", .normal)])
        #expect(LabelMarkup.runs("f_(open") == [R("f_(open", .normal)])
        #expect(LabelMarkup.plain("δλ^(T−t), s_1") == "δλT−t, s1")
        #expect(!LabelMarkup.hasScripts("no math here") && LabelMarkup.hasScripts("σ^2"))
        // `literal` shows names as they are.
        for name in ["learning_rate", "a^b_c", "back\\slash_"] {
            #expect(LabelMarkup.runs(LabelMarkup.literal(name)) == [R(name, .normal)])
        }
    }

    @Test func labelsTypesetScriptsAsTspans() {
        var out = ""
        SVGElement.label("λ^(T−t)", x: 1, y: 2, size: 10).write(to: &out)
        #expect(out == "<text x=\"1\" y=\"2\" font-size=\"10\" xml:space=\"preserve\"><tspan>λ</tspan><tspan dy=\"-3.6\" class=\"sup\" font-size=\"7\">T−t</tspan></text>\n")
        out = ""
        SVGElement.label("N_h = 4", x: 0, y: 0, size: 10).write(to: &out)
        #expect(out.contains("<tspan dy=\"2\" class=\"sub\" font-size=\"7\">h</tspan><tspan dy=\"-2\"> = 4</tspan>"))
        // A label without scripts is written as before.
        out = ""
        SVGElement.label("a\\_b", x: 1, y: 2, size: 10).write(to: &out)
        #expect(out == "<text x=\"1\" y=\"2\" font-size=\"10\">a_b</text>\n")
        // Widths: scripts at 70 %, markup characters not counted.
        #expect(abs(TextMetrics.width("N_h", size: 10) - (TextMetrics.width("N", size: 10) + 0.7 * TextMetrics.width("h", size: 10))) < 1e-12)
        #expect(abs(TextMetrics.width("λ^(T−t)", size: 10) - (TextMetrics.width("λ", size: 10) + 0.7 * TextMetrics.width("T−t", size: 10))) < 1e-12)
        #expect(TextMetrics.width("a\\_b", size: 10) == TextMetrics.ems("a_b") * 10)
    }

    @Test func htmlTypesetsTheSameMarkup() {
        #expect(HTMLText.math("N_h = 4 & λ^(T−t)") == "N<sub>h</sub> = 4 &amp; λ<sup>T−t</sup>")
        #expect(HTMLText.math("a < b") == "a &lt; b")
    }

    // MARK: ticks and colour ranges

    @Test func ticksAreNiceWithFewestDigits() {
        let close = LinearTicks.ticks(from: 0.9662, to: 0.9741, count: 4)
        #expect(close.map(\.label) == ["0.968", "0.97", "0.972", "0.974"])
        #expect(close.map(\.value) == [0.968, 0.97, 0.972, 0.974])
        #expect(LinearTicks.ticks(from: 0, to: 1, count: 5).map(\.label) == ["0", "0.2", "0.4", "0.6", "0.8", "1"])
        // Colour ranges widen to nice values.
        #expect(ColorScale.nice(lo: 0.9662, hi: 0.9741, intervals: 5) == (0.966, 0.976))
        #expect(ColorScale.nice(lo: 0.003, hi: 0.987, intervals: 5) == (0, 1))
        #expect(ColorScale.nice(lo: -13, hi: 247, intervals: 5) == (-50, 250))
        #expect(ColorScale.domain(of: [.nan, 0.2, 0.71]) == AxisDomain(lo: 0.2, hi: 0.8, hasData: true))
        // Cell-centre labels: the fewest decimals that keep the values apart.
        let linspace = (0..<10).map { 0.01 + (0.5 - 0.01) * Double($0) / 9 }
        #expect(TickFormat.distinguishing(linspace) == ["0.01", "0.06", "0.12", "0.17", "0.23", "0.28", "0.34", "0.39", "0.45", "0.5"])
        #expect(TickFormat.distinguishing([1, 2, 4, 8]) == ["1", "2", "4", "8"])
        #expect(TickFormat.distinguishing([0, 0.004, 0.1]) == ["0", "0.004", "0.1"])
        #expect(TickFormat.distinguishing([1e-5, 1e-4]) == ["1e-5", "1e-4"])
    }

    // MARK: shared colour scales

    /// Two heatmaps over different ranges.
    static func twoHeatmaps(shared: Bool, nan: Bool = false) -> (FigureSpec, Dataset) {
        var ds = Dataset()
        ds.add(DataArray("x", [1, 2], doc: ""))
        ds.add(DataArray("y", [1, 2], doc: ""))
        ds.add(DataArray("low", rows: [[0.0, 0.1], [0.2, 0.3]], doc: ""))
        ds.add(DataArray("high", rows: [[0.3, 0.6], [nan ? .nan : 0.8, 0.97]], doc: ""))
        let id = shared ? "d" : nil
        let figure = FigureSpec(title: "t", columns: 2, panels: [
            Panel(title: "low", xLabel: "x", yLabel: "y", content: .heatmap(x: "x", y: "y", z: "low", colorLabel: "D"), colorScale: id),
            Panel(title: "high", xLabel: "x", yLabel: "y", content: .heatmap(x: "x", y: "y", z: "high", colorLabel: "D"), colorScale: id),
        ])
        return (figure, ds)
    }

    /// Fill colours of the cells of panel `k` in `svg`.
    static func cellFills(_ svg: String, panel k: Int) -> [String] {
        let start = svg.range(of: "id=\"panel-\(k)\"")!.upperBound
        let cells = svg[start...].range(of: "class=\"cells\"")!.upperBound
        let end = svg[cells...].range(of: "</g>")!.lowerBound
        return svg[cells..<end].components(separatedBy: "fill=\"").dropFirst().map { String($0.prefix(7)) }
    }

    @Test func sharedScaleGivesOneRangeAndOneBar() throws {
        let (figure, ds) = Self.twoHeatmaps(shared: true)
        let svg = try FigureRenderer.render(figure, dataset: ds)
        #expect(svg.components(separatedBy: "<g class=\"colorbar").count - 1 == 1)
        #expect(svg.contains("class=\"colorbar shared\" data-scale=\"d\""))
        // One range, 0…1 (0 to 0.97 widened): 0.3 has one colour in both panels, the ends are viridis' ends.
        let low = Self.cellFills(svg, panel: 1), high = Self.cellFills(svg, panel: 2)
        #expect(low.last == Viridis.color(0.3) && high.first == Viridis.color(0.3))
        #expect(low.first == Viridis.color(0) && high.last == Viridis.color(0.97))
        #expect(svg.contains(">0</text>") && svg.contains(">1</text>"))
        // The bar sits right of the grid: the figure is wider than its two panel cells.
        let width = try #require(Double(svg.components(separatedBy: "width=\"")[1].prefix { $0 != "\"" }))
        #expect(width > 2 * PlotTheme.standard.panelWidth)
        // Without sharing each panel has its own bar and range.
        let (own, ds2) = Self.twoHeatmaps(shared: false)
        let separate = try FigureRenderer.render(own, dataset: ds2)
        #expect(separate.components(separatedBy: "<g class=\"colorbar\"").count - 1 == 2)
        #expect(Self.cellFills(separate, panel: 2).first == Viridis.color(0))
        // A NaN cell in any panel of the group gives the shared bar its NaN swatch.
        let (withNaN, ds3) = Self.twoHeatmaps(shared: true, nan: true)
        let swatch = try FigureRenderer.render(withNaN, dataset: ds3)
        #expect(swatch.components(separatedBy: "class=\"nan-swatch\"").count - 1 == 1)
    }

    @Test func colorScaleRoundTripsAndOldFilesReadBack() throws {
        let (figure, _) = Self.twoHeatmaps(shared: true)
        let data = try JSONIO.encode(figure)
        #expect(try JSONIO.decode(FigureSpec.self, from: data) == figure)
        #expect(String(decoding: data, as: UTF8.self).contains("\"colorScale\""))
        // A panel without a shared scale writes no key, so figure.json files from before read and write unchanged.
        let (plain, _) = Self.twoHeatmaps(shared: false)
        let old = try JSONIO.encode(plain)
        #expect(!String(decoding: old, as: UTF8.self).contains("colorScale"))
        let back = try JSONIO.decode(FigureSpec.self, from: old)
        let again = try JSONIO.encode(back)
        #expect(back.panels.allSatisfy { $0.colorScale == nil } && again == old)
    }

    // MARK: letters and hover

    @Test func panelsGetLettersInReadingOrder() throws {
        #expect(FigureRenderer.letter(0) == "A" && FigureRenderer.letter(3) == "D" && FigureRenderer.letter(27) == "AB")
        let (figure, ds) = Self.twoHeatmaps(shared: true)
        let svg = try FigureRenderer.render(figure, dataset: ds)
        let letters = svg.components(separatedBy: "class=\"panel-letter\"").dropFirst().map { String($0.split(separator: ">")[1].prefix(1)) }
        #expect(letters == ["A", "B"])
        var one = figure
        one.panels.removeLast()
        #expect(!(try FigureRenderer.render(one, dataset: ds)).contains("panel-letter"))
    }

    @Test func hoverTitlesShowCellAndPointValues() throws {
        let (figure, ds) = Self.twoHeatmaps(shared: true)
        let svg = try FigureRenderer.render(figure, dataset: ds)
        #expect(svg.components(separatedBy: "<title>").count - 1 == 8)
        #expect(svg.contains("<title>x = 2, y = 2: D = 0.97</title>") && svg.contains("<title>x = 1, y = 1: D = 0</title>"))
        // A dense heatmap gets at most `maxCells` targets; a long curve at most `maxPointsPerSeries`.
        var big = Dataset()
        big.add(DataArray("x", (0..<120).map(Double.init), doc: ""))
        big.add(DataArray("z", rows: (0..<120).map { i in (0..<120).map { Double(i * $0) } }, doc: ""))
        let heat = FigureSpec(title: "", columns: 1, panels: [
            Panel(title: "", xLabel: "a", yLabel: "b", content: .heatmap(x: "x", y: "x", z: "z", colorLabel: "v")),
        ])
        let many = try FigureRenderer.render(heat, dataset: big).components(separatedBy: "<title>").count - 1
        #expect(many > 0 && many <= HoverTargets.maxCells)
        var line = Dataset()
        line.add(DataArray("t", (0...500).map(Double.init), doc: ""))
        line.add(DataArray("v", (0...500).map { Double($0) / 4 }, doc: ""))
        let curve = FigureSpec(title: "", columns: 1, panels: [
            Panel(title: "", xLabel: "step", yLabel: "b_(max)", content: .lines([Series("s_1", x: "t", y: "v", style: .simulation, group: 0)])),
        ])
        let lineSVG = try FigureRenderer.render(curve, dataset: line)
        #expect(lineSVG.components(separatedBy: "<title>").count - 1 == HoverTargets.maxPointsPerSeries)
        #expect(lineSVG.contains("<title>s_1: step = 0, b_max = 0</title>") && lineSVG.contains("<title>s_1: step = 500, b_max = 125</title>"))
        #expect(HoverTargets.text("λ^(T−t), N_h") == "λ^(T−t), N_h")
    }

    // MARK: report data links

    @Test func reportLinksDataWithALoadingSnippet() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fq-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let run = dir.appendingPathComponent("p.x")
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let (figure, ds) = Self.twoHeatmaps(shared: true)
        try NPZ.write(try ExperimentOutput.arrays(ds), to: run.appendingPathComponent(RunFiles.results))
        let record = RunRecord(experiment: "p.x", paperFigure: "P 2025, Fig. 1", summary: "width N_h = 4", preset: .quick,
                               seed: 1, parameters: [:], overrides: [:], provenance: Provenance(version: "v", gitCommit: "c"),
                               startedAt: "t", wallTimeSeconds: 1, checks: [], theoryError: nil, complete: true)
        let entry = ReportBuilder.entry(record, svg: try FigureRenderer.render(figure, dataset: ds), directory: run, link: "p.x", figure: figure)
        #expect(entry.arrays == [ReportArray("x", shape: [2]), ReportArray("y", shape: [2]), ReportArray("low", shape: [2, 2]), ReportArray("high", shape: [2, 2])])
        #expect(entry.plotted.first == "low")
        let html = ReportPage(entries: [entry], generatedAt: "now", builtBy: record.provenance).html()
        #expect(html.contains("href=\"p.x/results.npz\""))
        #expect(html.contains("python -c &quot;import numpy as np; d = np.load(&apos;p.x/results.npz&apos;); print({k: d[k].shape for k in d.files})&quot;"))
        #expect(html.contains("low = np.load(&apos;p.x/results.npz&apos;)[&apos;low&apos;]  # shape (2, 2)"))
        #expect(html.contains("<code>x</code> (2,)") && html.contains("width N<sub>h</sub> = 4"))
        #expect(html.contains("<title>x = 1, y = 1: D = 0</title>"))
        // Quoting survives awkward paths.
        #expect(DataSnippet.shellCommand("a'b/\"$c\".npz").contains("np.load('a\\\\'b/\\\"\\$c\\\".npz')"))
    }

    // MARK: Fig. A3

    @Test func figA3DrawsNoTheoryAtTheSearchBound() throws {
        let (result, _) = try ProcaFigA3().run(.quick)
        let d = result.dataset
        let theory = try #require(d["theory_b"]), bound = try #require(d["theory_at_bound"]), beta = try #require(d["beta"])
        let lengths = try #require(d["T"]).values.map { Int($0) }
        #expect(theory.shape == bound.shape)
        for (k, (b, atBound)) in zip(theory.values, bound.values).enumerated() {
            #expect(b.isNaN == (atBound == 1), "entry \(k)")
            if atBound == 0 { #expect(abs(b) < 0.999 * 3) }
        }
        // T = 4 and 6 jump to the unbounded branch above β ≈ 1; nothing is at the bound below.
        for T in [4, 6] {
            let i = try #require(lengths.firstIndex(of: T)), n = beta.values.count
            let row = Array(bound.values[(i * n)..<((i + 1) * n)])
            #expect(zip(beta.values, row).allSatisfy { $0 < 0.98 ? $1 == 0 : true })
            #expect(zip(beta.values, row).contains { $0 > 1.1 && $1 == 1 })
        }
        // The b panel draws the bound as a reference line.
        guard case .lines(let series) = result.figure.panels[0].content else { Issue.record("b panel is not a line plot"); return }
        #expect(series.contains { $0.y == "b_max_line" && $0.style == .reference && $0.label.hasPrefix("b_(max)") })
    }
}
