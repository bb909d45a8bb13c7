import Foundation
import Testing
@testable import FigureData
@testable import Plot

/// Curves drawn over a heatmap in its data coordinates (issue 13: the wedge |1 − c*| = σ over R5's grid).
@Suite struct HeatmapOverlayTests {
    private func figure(overlay: [Series]?) -> FigureSpec {
        FigureSpec(title: "overlay", columns: 1, panels: [
            Panel(title: "grid", xLabel: "c", yLabel: "s", content: .heatmap(x: "c", y: "s", z: "z", colorLabel: "z"),
                  overlay: overlay),
        ])
    }

    private func dataset(c: [Double] = [0, 1, 2, 3]) -> Dataset {
        var ds = Dataset()
        ds.add(DataArray("c", c, doc: ""))
        ds.add(DataArray("s", [0, 1], doc: ""))
        ds.add(DataArray("z", rows: [[1, 2, 3, 4], [5, 6, 7, 8]], doc: ""))
        ds.add(DataArray("line_c", [0, 3], doc: ""))
        ds.add(DataArray("line_s", [0, 1], doc: ""))
        return ds
    }

    @Test func overlayIsDrawnInDataCoordinatesAndRoundTrips() throws {
        let line = [Series("edge", x: "line_c", y: "line_s", style: .reference, group: 0)]
        let svg = try FigureRenderer.render(figure(overlay: line), dataset: dataset())
        let plain = try FigureRenderer.render(figure(overlay: nil), dataset: dataset())
        #expect(svg.contains("stroke=\"#ffffff\"") && !plain.contains("stroke=\"#ffffff\""))
        // The line joins the centres of the bottom-left and top-right cells: it rises to the right.
        let element = try #require(svg.range(of: "<path[^>]*#ffffff[^>]*>", options: .regularExpression).map { String(svg[$0]) })
        let d = try #require(element.range(of: "d=\"[^\"]*\"", options: .regularExpression).map { String(element[$0]) })
        let path = String(d.dropFirst(3).dropLast())
        let numbers = path.split(whereSeparator: { "ML, ".contains($0) }).compactMap { Double($0) }
        #expect(numbers.count == 4 && numbers[2] > numbers[0] && numbers[3] < numbers[1], "path \(path)")
        #expect(figure(overlay: line).arrayNames.contains("line_c"))
        let decoded = try JSONDecoder().decode(FigureSpec.self, from: JSONEncoder().encode(figure(overlay: line)))
        #expect(decoded == figure(overlay: line))
        let bare = String(decoding: try JSONEncoder().encode(figure(overlay: nil)), as: UTF8.self)
        #expect(!bare.contains("\"overlay\":"))
    }

    @Test func overlayNeedsMonotonicAxesAndKnownArrays() {
        let line = [Series("edge", x: "line_c", y: "line_s", style: .reference, group: 0)]
        #expect(throws: PlotError.self) { try FigureRenderer.render(figure(overlay: line), dataset: dataset(c: [0, 2, 1, 3])) }
        let missing = [Series("edge", x: "nowhere", y: "line_s", style: .reference, group: 0)]
        #expect(throws: PlotError.self) { try FigureRenderer.render(figure(overlay: missing), dataset: dataset()) }
    }
}
