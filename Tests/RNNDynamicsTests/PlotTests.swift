import FigureData
import Foundation
import Testing
@testable import Plot

#if canImport(FoundationXML)
import FoundationXML
#endif

// MARK: - Helpers

/// A sample 2 × 2 figure: a log-y line plot (with a NaN gap and a broadcast reference), a heatmap with NaN
/// cells, a complex plane with the unit circle and eigenvalue trajectories, and a linear line plot from rows.
private func sampleFigure() -> (FigureSpec, Dataset) {
    var ds = Dataset()
    let steps = (0...200).map(Double.init)
    ds.add(DataArray("step", steps, doc: "GD step"))
    let deltas = [1.0, 0.5, 0.25]
    for (g, delta) in deltas.enumerated() {
        let rate = 0.03 * (1 + Double(g))
        let theory = steps.map { 0.5 * delta * delta * exp(-rate * $0) + 1e-6 }
        var sim = theory.enumerated().map { i, v in v * (1 + 0.15 * sin(Double(i) * 0.7 + Double(g))) }
        if g == 1 { for i in 60..<75 { sim[i] = .nan } }
        ds.add(DataArray("loss_sim_\(g)", sim, doc: "loss"))
        ds.add(DataArray("loss_theory_\(g)", theory, doc: "loss"))
    }
    ds.add(DataArray("tolerance", [1e-4], doc: "reference level"))

    let lrs = (0..<12).map { pow(10, -3 + 2 * Double($0) / 11) }
    let ts = (2...10).map(Double.init)
    var z: [[Double]] = []
    for t in ts {
        z.append(lrs.map { lr in lr * t > 0.5 ? .nan : log10(1e-6 + exp(-200 * lr * t / 10)) })
    }
    ds.add(DataArray("lr", lrs, doc: "learning rate"))
    ds.add(DataArray("T", ts, doc: "sequence length"))
    ds.add(DataArray("final_loss", rows: z, doc: "log10 final loss"))

    let records = 60, modes = 4
    var re: [[Double]] = [], im: [[Double]] = []
    for r in 0..<records {
        let s = Double(r) / Double(records - 1)
        re.append((0..<modes).map { k in
            let angle = Double(k) * .pi / 2.5 + 0.3
            return (0.1 + 0.88 * s) * cos(angle * s + 0.2 * Double(k))
        })
        im.append((0..<modes).map { k in
            let angle = Double(k) * .pi / 2.5 + 0.3
            return (0.1 + 0.88 * s) * sin(angle * s + 0.2 * Double(k))
        })
    }
    ds.add(DataArray("eig_real", rows: re, doc: "Re λ"))
    ds.add(DataArray("eig_imag", rows: im, doc: "Im λ"))
    let theta = (0...100).map { Double($0) / 100 * 1.2 * .pi }
    ds.add(DataArray("theory_real", theta.map { 0.95 * cos($0) }, doc: "Re"))
    ds.add(DataArray("theory_imag", theta.map { 0.95 * sin($0) }, doc: "Im"))

    let modeSteps = (0...100).map(Double.init)
    ds.add(DataArray("mode_step", modeSteps, doc: "step"))
    ds.add(DataArray("b_sim", rows: [0.2, 0.5].map { b0 in modeSteps.map { 1 - (1 - b0) * exp(-$0 / 20) + 0.01 * sin($0) } },
                     doc: "b"))
    ds.add(DataArray("b_theory", rows: [0.2, 0.5].map { b0 in modeSteps.map { 1 - (1 - b0) * exp(-$0 / 20) } }, doc: "b"))
    ds.add(DataArray("b_star", [1], doc: "optimum"))

    var lossSeries: [Series] = []
    for (g, delta) in deltas.enumerated() {
        lossSeries.append(Series("δ=\(delta) sim", x: "step", y: "loss_sim_\(g)", style: .simulation, group: g))
        lossSeries.append(Series("δ=\(delta) theory", x: "step", y: "loss_theory_\(g)", style: .theory, group: g))
    }
    lossSeries.append(Series("tolerance", x: "step", y: "tolerance", style: .reference, group: 6))
    let figure = FigureSpec(title: "Sample figure: learning dynamics", columns: 2, panels: [
        Panel(title: "Loss (log scale)", xLabel: "GD step", yLabel: "loss", yScale: .log, content: .lines(lossSeries)),
        Panel(title: "Final loss over the grid", xLabel: "learning rate η", yLabel: "T", xScale: .log,
              content: .heatmap(x: "lr", y: "T", z: "final_loss", colorLabel: "log₁₀ final loss")),
        Panel(title: "Eigenvalues of W_h", xLabel: "Re λ", yLabel: "Im λ", content: .complexPlane([
            Series("eigenvalues", x: "eig_real", y: "eig_imag", style: .simulation, group: 0),
            Series("theory", x: "theory_real", y: "theory_imag", style: .theory, group: 1),
        ], unitCircle: true)),
        Panel(title: "Recurrent mode b", xLabel: "step", yLabel: "b", content: .lines([
            Series("b₀=0.2", x: "mode_step", y: "b_sim", yRow: 0, style: .simulation, group: 0),
            Series("b₀=0.2 theory", x: "mode_step", y: "b_theory", yRow: 0, style: .theory, group: 0),
            Series("b₀=0.5", x: "mode_step", y: "b_sim", yRow: 1, style: .simulation, group: 1),
            Series("b₀=0.5 theory", x: "mode_step", y: "b_theory", yRow: 1, style: .theory, group: 1),
            Series("b* = 1", x: "mode_step", y: "b_star", style: .reference, group: 6),
        ])),
    ])
    return (figure, ds)
}

/// A one-panel figure.
private func single(_ content: PanelContent, xScale: AxisScale = .linear, yScale: AxisScale = .linear,
                    title: String = "Fig") -> FigureSpec {
    FigureSpec(title: title, columns: 1, panels: [
        Panel(title: "panel", xLabel: "x", yLabel: "y", xScale: xScale, yScale: yScale, content: content),
    ])
}

/// Elements named `name` (any namespace) in `svg`, as (attributes) dictionaries; fails the test if `svg` is not
/// well-formed XML.
private func elements(_ name: String, in svg: String) throws -> [[String: String]] {
    #if canImport(FoundationXML)
    let doc = try XMLDocument(xmlString: svg, options: [])
    return try doc.nodes(forXPath: "//*[local-name()='\(name)']").compactMap { node in
        guard let e = node as? XMLElement else { return nil }
        var attrs: [String: String] = [:]
        for a in e.attributes ?? [] { if let n = a.name { attrs[n] = a.stringValue ?? "" } }
        attrs["#text"] = e.stringValue ?? ""
        return attrs
    }
    #else
    #expect(svg.hasPrefix("<?xml"))
    #expect(svg.components(separatedBy: "<g").count == svg.components(separatedBy: "</g>").count)
    return []
    #endif
}

// MARK: - Ticks and labels

@Test func linearTicksOnUnitInterval() {
    #expect(LinearTicks.values(from: 0, to: 1) == [0, 0.2, 0.4, 0.6, 0.8, 1])
    #expect(LinearTicks.ticks(from: 0, to: 1).map(\.label) == ["0", "0.2", "0.4", "0.6", "0.8", "1"])
}

@Test func linearTicksOnSmallRange() {
    #expect(LinearTicks.values(from: 0.01, to: 0.5) == [0.1, 0.2, 0.3, 0.4, 0.5])
    #expect(LinearTicks.ticks(from: 0.01, to: 0.5).map(\.label) == ["0.1", "0.2", "0.3", "0.4", "0.5"])
    let fine = LinearTicks.ticks(from: 0.01, to: 0.5, count: 10)
    #expect(fine.map(\.label) == ["0.05", "0.1", "0.15", "0.2", "0.25", "0.3", "0.35", "0.4", "0.45", "0.5"])
    #expect(!fine.map(\.label).contains { $0.count > 5 })
}

@Test func linearTicksOnOtherRanges() {
    #expect(LinearTicks.values(from: -3, to: 7) == [-2, 0, 2, 4, 6])
    #expect(LinearTicks.values(from: 0, to: 1000) == [0, 200, 400, 600, 800, 1000])
    #expect(LinearTicks.ticks(from: 0, to: 1e-4).map(\.label) == ["0", "2e-5", "4e-5", "6e-5", "8e-5", "1e-4"])
    #expect(LinearTicks.ticks(from: 0, to: 3e6).map(\.label) == ["0", "5e5", "1e6", "1.5e6", "2e6", "2.5e6", "3e6"])
    #expect(LinearTicks.values(from: 2, to: 2) == [2])
    #expect(LinearTicks.values(from: .nan, to: 1).isEmpty)
}

@Test func logTicksOverDecades() {
    let ticks = LogTicks.ticks(from: 1e-4, to: 1)
    #expect(ticks.filter(\.isMajor).map(\.value) == [1e-4, 1e-3, 1e-2, 1e-1, 1])
    #expect(ticks.filter(\.isMajor).map(\.label) == ["10⁻⁴", "10⁻³", "10⁻²", "10⁻¹", "10⁰"])
    #expect(ticks.filter { !$0.isMajor }.count == 4 * 8)
    #expect(ticks.filter { !$0.isMajor }.contains { $0.value == 2e-4 })
    // Many decades: every other decade labelled, the rest minor.
    let wide = LogTicks.ticks(from: 1e-10, to: 1e6, maxMajor: 5)
    #expect(wide.filter(\.isMajor).count <= 5)
    #expect(wide.filter(\.isMajor).allSatisfy { !$0.label.isEmpty })
    // Less than two decades: 1-2-5 mantissas.
    #expect(LogTicks.ticks(from: 0.3, to: 3).filter(\.isMajor).map(\.label) == ["0.5", "1", "2"])
}

@Test func tickLabelFormatting() {
    #expect(TickFormat.compact(0.1 + 0.2) == "0.3")
    #expect(TickFormat.compact(1.5e-5) == "1.5e-5")
    #expect(TickFormat.compact(2.5e6) == "2.5e6")
    #expect(TickFormat.compact(123456) == "1.23e5")
    #expect(TickFormat.compact(-0.000999) == "-9.99e-4")
    #expect(TickFormat.compact(0.123456) == "0.123")
    #expect(TickFormat.compact(.nan) == "NaN")
    #expect(TickFormat.labels([0, 0.1 + 0.2, 0.6], step: 0.3) == ["0", "0.3", "0.6"])
    #expect(TickFormat.labels([0, 1e-3, 2e-3], step: 1e-3) == ["0", "0.001", "0.002"])
    #expect(TickFormat.labels([0, 2e-4, 4e-4], step: 2e-4) == ["0", "2e-4", "4e-4"])
    #expect(TickFormat.decade(-12) == "10⁻¹²")
    #expect(SVGNumber.format(-0.001) == "0")
    #expect(SVGNumber.format(12.5) == "12.5")
    #expect(SVGNumber.format(3.14159) == "3.14")
    #expect(SVGNumber.format(-7.0) == "-7")
    #expect(SVGNumber.format(.nan) == "0")
}

@Test func axisDomainsHandleEmptyConstantAndNonFiniteData() {
    let empty = AxisDomain.of([], scale: .linear, margin: 0.05)
    #expect(empty == AxisDomain(lo: 0, hi: 1, hasData: false))
    let constant = AxisDomain.of([3, 3, .nan], scale: .linear, margin: 0.05)
    #expect(constant.lo < 3 && constant.hi > 3 && constant.hasData)
    let zero = AxisDomain.of([0, 0], scale: .linear, margin: 0.05)
    #expect(zero.lo == -1 && zero.hi == 1)
    let mixed = AxisDomain.of([.nan, .infinity, 2, 4, -.infinity], scale: .linear, margin: 0.05)
    #expect(mixed.lo == 1.9 && mixed.hi == 4.1)
    let log = AxisDomain.of([-1, 0, 10, 100], scale: .log, margin: 0)
    #expect(log.lo == 10 && log.hi == 100)
    let noPositive = AxisDomain.of([-1, 0], scale: .log, margin: 0)
    #expect(!noPositive.hasData && noPositive.lo == 1 && noPositive.hi == 10)
}

@Test func textIsEscaped() {
    #expect(SVGText.escape("a<b & \"c\" > 'd'") == "a&lt;b &amp; &quot;c&quot; &gt; &apos;d&apos;")
    #expect(SVGText.escape("x\u{1}y") == "x y")
}

// MARK: - Figures

@Test func everyPanelKindIsWellFormedXML() throws {
    let (figure, ds) = sampleFigure()
    for (i, panel) in figure.panels.enumerated() {
        let svg = try FigureRenderer.render(FigureSpec(title: "panel <\(i)> & more", columns: 1, panels: [panel]), dataset: ds)
        #expect(try !elements("svg", in: svg).isEmpty || svg.hasPrefix("<?xml"))
        #expect(svg.contains("font-family=\"sans-serif\""))
        #expect(svg.contains("panel &lt;\(i)&gt; &amp; more"))
    }
    let all = try FigureRenderer.render(figure, dataset: ds)
    let groups = try elements("g", in: all).filter { $0["class"] == "panel" }
    #if canImport(FoundationXML)
    #expect(groups.count == 4)
    #endif
}

@Test func heatmapShowsNaNCells() throws {
    var ds = Dataset()
    ds.add(DataArray("x", [1, 2, 3], doc: ""))
    ds.add(DataArray("y", [10, 20], doc: ""))
    ds.add(DataArray("z", rows: [[1, .nan, 3], [.nan, .nan, 6]], doc: ""))
    let svg = try FigureRenderer.render(single(.heatmap(x: "x", y: "y", z: "z", colorLabel: "value")), dataset: ds)
    #expect(svg.contains("id=\"nan-hatch\""))
    #expect(svg.contains("class=\"nan-swatch\""))
    #expect(svg.contains(">NaN</text>"))
    #if canImport(FoundationXML)
    // Row 0 has one NaN cell, row 1 a run of two (merged into one rect).
    #expect(try elements("rect", in: svg).filter { $0["class"] == "nan" }.count == 2)
    #expect(try elements("text", in: svg).contains { $0["#text"] == "value" })
    #endif
    // Without NaNs there is no swatch.
    var clean = Dataset()
    clean.add(DataArray("x", [1, 2, 3, 4], doc: ""))
    clean.add(DataArray("y", [10, 20, 30], doc: ""))
    clean.add(DataArray("z", rows: [[1, 2, 3], [4, 5, 6]], doc: ""))
    let edges = try FigureRenderer.render(single(.heatmap(x: "x", y: "y", z: "z", colorLabel: "")), dataset: clean)
    #expect(!edges.contains("nan-swatch"))
}

@Test func theoryIsDashedAndSimulationSolid() throws {
    let (figure, ds) = sampleFigure()
    let svg = try FigureRenderer.render(figure, dataset: ds)
    #if canImport(FoundationXML)
    let paths = try elements("path", in: svg)
    let sim = paths.filter { $0["class"] == "series simulation" }
    let theory = paths.filter { $0["class"] == "series theory" }
    let reference = paths.filter { $0["class"] == "series reference" }
    #expect(!sim.isEmpty && !theory.isEmpty && !reference.isEmpty)
    #expect(sim.allSatisfy { $0["stroke-dasharray"] == nil })
    #expect(theory.allSatisfy { $0["stroke-dasharray"] != nil })
    #expect(reference.allSatisfy { $0["stroke-dasharray"] != nil && $0["stroke-linecap"] == "round" })
    // Same group, same colour.
    let group0 = paths.filter { $0["stroke"] == Palette.color(group: 0) }
    #expect(Set(group0.compactMap { $0["class"] }).isSuperset(of: ["series simulation", "series theory"]))
    #else
    #expect(svg.contains("class=\"series theory\""))
    #endif
}

@Test func polylinesBreakAtNaN() throws {
    var ds = Dataset()
    ds.add(DataArray("x", [0, 1, 2, 3, 4, 5, 6], doc: ""))
    ds.add(DataArray("y", [1, 2, .nan, 3, .infinity, 2, 1], doc: ""))
    ds.add(DataArray("ylog", [1, 10, 0, 100, 1000, -5, 3], doc: ""))
    /// The `d` of the first `<path d="…" class="series …">`, read without an XML parser.
    func pathData(_ svg: String) throws -> Substring {
        let line = try #require(svg.split(separator: "\n").first { $0.hasPrefix("<path d=") && $0.contains("class=\"series") })
        return line.dropFirst("<path d=\"".count).prefix { $0 != "\"" }
    }
    let svg = try FigureRenderer.render(single(.lines([Series("s", x: "x", y: "y", style: .simulation, group: 0)])), dataset: ds)
    // Runs [0, 1] and [5, 6]; the isolated point 3 (between NaN and inf) is drawn as a dot.
    #expect(try pathData(svg).filter { $0 == "M" }.count == 2)
    #expect(svg.components(separatedBy: "class=\"dot\"").count - 1 == 1)
    let logSVG = try FigureRenderer.render(single(.lines([Series("s", x: "x", y: "ylog", style: .theory, group: 0)]),
                                                  yScale: .log), dataset: ds)
    #expect(try pathData(logSVG).filter { $0 == "M" }.count == 2)  // [1, 10] and [100, 1000]; 3 is isolated
    #expect(logSVG.components(separatedBy: "class=\"dot\"").count - 1 == 1)
}

@Test func emptyAndConstantDataRender() throws {
    var ds = Dataset()
    ds.add(DataArray("x", [0, 1, 2], doc: ""))
    ds.add(DataArray("c", [5, 5, 5], doc: ""))
    ds.add(DataArray("n", [.nan, .nan, .nan], doc: ""))
    let constant = try FigureRenderer.render(single(.lines([Series("c", x: "x", y: "c", style: .simulation, group: 0)])), dataset: ds)
    #expect(constant.contains(">5</text>"))
    let none = try FigureRenderer.render(single(.lines([Series("n", x: "x", y: "n", style: .simulation, group: 0)]),
                                                yScale: .log), dataset: ds)
    #expect(none.contains("no positive finite data"))
    let noSeries = try FigureRenderer.render(single(.lines([])), dataset: ds)
    #expect(noSeries.contains("no series"))
    _ = try elements("svg", in: none)
    var nanGrid = Dataset()
    nanGrid.add(DataArray("x", [1, 2], doc: ""))
    nanGrid.add(DataArray("y", [0], doc: ""))
    nanGrid.add(DataArray("z", rows: [[.nan, .nan]], doc: ""))
    let allNaN = try FigureRenderer.render(single(.heatmap(x: "x", y: "y", z: "z", colorLabel: "")), dataset: nanGrid)
    #expect(allNaN.contains("class=\"nan-swatch\""))
    _ = try elements("svg", in: allNaN)
}

@Test func complexPlaneHasMarkersAndUnitCircle() throws {
    let (figure, ds) = sampleFigure()
    let svg = try FigureRenderer.render(FigureSpec(title: "c", columns: 1, panels: [figure.panels[2]]), dataset: ds)
    #expect(svg.contains("class=\"unit-circle\""))
    // Four eigenvalue trajectories (columns) + one theory curve, each with start and end markers.
    #expect(svg.components(separatedBy: "class=\"marker start\"").count - 1 == 5 + 1)  // + legend sample
    #expect(svg.components(separatedBy: "class=\"marker end\"").count - 1 == 5 + 1)
    #if canImport(FoundationXML)
    let circle = try #require(try elements("circle", in: svg).first { $0["class"] == "unit-circle" })
    let r = try #require(Double(circle["r"] ?? ""))
    #expect(r > 30)
    #endif
}

@Test func identicalInputGivesIdenticalBytes() throws {
    let (figure, ds) = sampleFigure()
    let (figure2, ds2) = sampleFigure()
    let a = try FigureRenderer.render(figure, dataset: ds)
    let b = try FigureRenderer.render(figure2, dataset: ds2)
    #expect(a == b)
    #expect(Data(a.utf8) == Data(b.utf8))
}

@Test func missingArrayIsNamed() throws {
    var ds = Dataset()
    ds.add(DataArray("step", [0, 1, 2], doc: ""))
    let figure = FigureSpec(title: "Fig. 2", columns: 1, panels: [
        Panel(title: "a", xLabel: "step", yLabel: "ac",
              content: .lines([Series("δ=1", x: "step", y: "ac_sim", style: .simulation, group: 0)])),
    ])
    #expect {
        try FigureRenderer.render(figure, dataset: ds)
    } throws: { error in
        (error as? PlotError)?.description == "figure 'Fig. 2', panel 1, series 'δ=1': array 'ac_sim' not in dataset"
    }
}

@Test func shapeMismatchesAreNamed() throws {
    var ds = Dataset()
    ds.add(DataArray("x", [0, 1, 2], doc: ""))
    ds.add(DataArray("y4", [0, 1, 2, 3], doc: ""))
    ds.add(DataArray("y5", [0, 1, 2, 3, 4], doc: ""))
    ds.add(DataArray("m", rows: [[1, 2, 3], [4, 5, 6]], doc: ""))
    func message(_ figure: FigureSpec) -> String? {
        do { _ = try FigureRenderer.render(figure, dataset: ds); return nil } catch { return (error as? PlotError)?.description }
    }
    #expect(message(single(.lines([Series("s", x: "x", y: "y4", style: .theory, group: 0)]), title: "F"))
        == "figure 'F', panel 1, series 's': array 'y4' has 4 values but x array 'x' has 3")
    #expect(message(single(.lines([Series("s", x: "x", y: "m", style: .theory, group: 0)]), title: "F"))
        == "figure 'F', panel 1, series 's': array 'm' has shape [2, 3]; set yRow to pick a row of a 2-D array")
    #expect(message(single(.lines([Series("s", x: "x", y: "m", yRow: 2, style: .theory, group: 0)]), title: "F"))
        == "figure 'F', panel 1, series 's': array 'm' has 2 rows; yRow 2 is out of range")
    #expect(message(single(.heatmap(x: "y5", y: "x", z: "m", colorLabel: ""), title: "F"))
        == "figure 'F', panel 1: array 'y5' has shape [5] but 'm' has 3 columns (expected 3 cell centres or 4 edges)")
    #expect(message(single(.heatmap(x: "x", y: "y4", z: "m", colorLabel: ""), title: "F"))
        == "figure 'F', panel 1: array 'y4' has shape [4] but 'm' has 2 rows (expected 2 cell centres or 3 edges)")
    #expect(message(single(.heatmap(x: "x", y: "x", z: "x", colorLabel: ""), title: "F"))
        == "figure 'F', panel 1: array 'x' has shape [3]; a heatmap needs a 2-D array [rows = y, cols = x]")
    #expect(message(single(.complexPlane([Series("e", x: "x", y: "y4", style: .simulation, group: 0)], unitCircle: false), title: "F"))
        == "figure 'F', panel 1, series 'e': array 'y4' has shape [4] but real-part array 'x' has shape [3]")
    #expect(message(FigureSpec(title: "F", columns: 0, panels: [])) == "figure 'F': columns must be at least 1 (got 0)")
}

@Test func legendAvoidsData() {
    let plot = PlotRect(x: 0, y: 0, width: 300, height: 200)
    let topRight = Legend.place(width: 80, height: 40, in: plot, avoiding: [])
    #expect(topRight.box.right == 294 && topRight.box.y == 6 && topRight.covered == 0)
    let crowded = (0..<50).map { PlotPoint(x: 250 + Double($0), y: 20) }
    let moved = Legend.place(width: 80, height: 40, in: plot, avoiding: crowded)
    #expect(moved.box.x == 6 && moved.box.y == 6 && moved.covered == 0)
    // Data everywhere along the top and bottom: the middle-right slot is free.
    let bands = (0..<300).flatMap { [PlotPoint(x: Double($0), y: 20), PlotPoint(x: Double($0), y: 180)] }
    let middle = Legend.place(width: 80, height: 40, in: plot, avoiding: bands)
    #expect(middle.box.y == 80 && middle.box.right == 294 && middle.covered == 0)
}

@Test func crowdedLegendMovesOutsideThePlot() throws {
    var ds = Dataset()
    let x = (0...400).map(Double.init)
    ds.add(DataArray("x", x, doc: ""))
    ds.add(DataArray("zigzag", x.map { $0.truncatingRemainder(dividingBy: 2) }, doc: ""))
    let svg = try FigureRenderer.render(single(.lines([Series("zigzag", x: "x", y: "zigzag", style: .simulation, group: 0)])),
                                        dataset: ds)
    #if canImport(FoundationXML)
    let rects = try elements("rect", in: svg)
    let frame = try #require(rects.first { $0["class"] == "frame" })
    let legendBox = try #require(rects.first { $0["fill-opacity"] == "0.85" })
    let frameRight = try #require(Double(frame["x"]!)) + (try #require(Double(frame["width"]!)))
    #expect(try #require(Double(legendBox["x"]!)) > frameRight)
    #endif
}

@Test func heatmapAxesUseNiceTicksOnMonotonicGrids() throws {
    let lrs = (0..<12).map { pow(10, -3 + 2 * Double($0) / 11) }
    let axis = try #require(HeatmapAxis(values: lrs, cells: 12, scale: .log))
    let ticks = axis.ticks(cellPixels: 30, horizontal: true, fontSize: 10).filter { $0.1.isMajor }
    #expect(ticks.map(\.1.label) == ["10⁻³", "10⁻²", "10⁻¹"])
    #expect(abs(ticks[0].0 - 0.5) < 1e-9 && abs(ticks[2].0 - 11.5) < 1e-9)
    #expect(HeatmapAxis(values: [5, 1, 3], cells: 3, scale: .linear) == nil)
    let edges = try #require(HeatmapAxis(values: [0, 1, 2, 3], cells: 3, scale: .linear))
    #expect(edges.position(1.5) == 1.5 && edges.position(4) == nil)
}

/// Few or unevenly spaced cell centres are labelled with their own values (T ∈ {1, 2, 4, 8}); many evenly spaced
/// ones get interpolated nice ticks.
@Test func heatmapLabelsFewOrUnevenCellsWithTheirValues() {
    let theme = PlotTheme.standard
    let uneven = HeatmapPanel.pick(([1, 2, 4, 8], false), cells: 4, scale: .linear, cellPixels: 40, horizontal: false, theme: theme)
    #expect(uneven.map(\.1.label) == ["1", "2", "4", "8"] && uneven.map(\.0) == [0.5, 1.5, 2.5, 3.5])
    let few = HeatmapPanel.pick(([0.01, 0.255, 0.5], false), cells: 3, scale: .linear, cellPixels: 80, horizontal: true, theme: theme)
    #expect(few.map(\.1.label) == ["0.01", "0.26", "0.5"])  // the fewest decimals that tell the values apart
    let many = (0..<41).map { -2.5 + 0.125 * Double($0) }
    let nice = HeatmapPanel.pick((many, false), cells: 41, scale: .linear, cellPixels: 8, horizontal: true, theme: theme)
    #expect(nice.filter(\.1.isMajor).map(\.1.label).contains("0") && !nice.map(\.1.label).contains("-2.375"))
}

@Test func paletteIsStableByGroup() {
    #expect(Palette.color(group: 0) == "#0072b2")
    #expect(Set(Palette.colors).count == Palette.colors.count, "twelve distinct colours")
    #expect(Palette.color(group: Palette.colors.count) == Palette.color(group: 0))
    #expect(Palette.color(group: -1) == Palette.colors.last)
    #expect(Viridis.table.count == 256)
    #expect(Viridis.color(0) == "#440154" && Viridis.color(1) == "#fde725")
}

/// Renders the sample figure; with `RNNDYN_PLOT_SAMPLE=/path.svg` also writes it there and converts it to PNG
/// next to it when `rsvg-convert` is installed.
@Test func sampleFigureRendersAndConverts() throws {
    let (figure, ds) = sampleFigure()
    let svg = try FigureRenderer.render(figure, dataset: ds)
    _ = try elements("svg", in: svg)
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("plot-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let target = ProcessInfo.processInfo.environment["RNNDYN_PLOT_SAMPLE"] ?? dir.appendingPathComponent("sample.svg").path
    try svg.write(toFile: target, atomically: true, encoding: .utf8)
    let png = (target as NSString).deletingPathExtension + ".png"
    let converted = try FigureRenderer.renderPNG(svgPath: target, pngPath: png)
    #expect(converted == (FigureRenderer.rsvgConvertPath() != nil))
    if converted {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: png))
        #expect(bytes.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
    }
}

/// Nine conditions drawn as simulation + theory give one row per condition plus one style key named after the
/// theory curves' shared label; a second simulation curve in a group keeps its own row.
@Test func legendCompactsCompanionsIntoAStyleKey() {
    var series: [Series] = []
    for g in 0..<9 {
        series.append(Series("cond \(g)", x: "x", y: "y", style: .simulation, group: g))
        series.append(Series("Eq. 47", x: "x", y: "t", style: .theory, group: g))
    }
    let entries = LegendEntries.compact(series, ink: "#000")
    #expect(entries.count == 10)
    #expect(entries.last == LegendEntry(label: "Eq. 47", color: "#000", sample: .line(.theory)))
    #expect(entries.prefix(9).map(\.label) == (0..<9).map { "cond \($0)" })

    let mixed = [Series("b", x: "x", y: "b", style: .simulation, group: 0),
                 Series("ac", x: "x", y: "ac", style: .simulation, group: 0),
                 Series("Taylor", x: "x", y: "t1", style: .theory, group: 0),
                 Series("RK4", x: "x", y: "t2", style: .theory, group: 1),
                 Series("optimum", x: "x", y: "o", style: .reference, group: 2)]
    let labels = LegendEntries.compact(mixed, ink: "#000").map(\.label)
    #expect(labels == ["b", "ac", "RK4", "optimum", "Taylor"])

    let suffixed = (0..<3).flatMap { g in [Series("κ = \(g)", x: "x", y: "s", style: .simulation, group: g),
                                            Series("κ = \(g) mode ODE", x: "x", y: "t", style: .theory, group: g)] }
    #expect(LegendEntries.compact(suffixed, ink: "#000").map(\.label) == ["κ = 0", "κ = 1", "κ = 2", "mode ODE"])
}
