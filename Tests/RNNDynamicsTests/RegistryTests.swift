import Foundation
import Testing
@testable import Experiments

/// Every registered experiment runs in its quick preset, names only arrays it produced, documents every
/// array, and its claim checks hold.
@Suite(.serialized) struct RegistryTests {
    @Test func idsAreUniqueAndDescribed() {
        let ids = ExperimentRegistry.all.map(\.id)
        #expect(Set(ids).count == ids.count)
        for e in ExperimentRegistry.all {
            #expect(!e.summary.isEmpty && !e.paperFigure.isEmpty)
            #expect(ExperimentRegistry.experiment(e.id)?.id == e.id)
        }
    }

    @Test(arguments: ExperimentRegistry.all.map(\.id))
    func quickRunIsComplete(id: String) throws {
        let e = try #require(ExperimentRegistry.experiment(id))
        let (result, resolved) = try e.run(.quick, seed: 3)
        #expect(Set(resolved.keys) == Set(e.parameters(.quick).keys), "every parameter is read and recorded")
        let data = result.dataset
        #expect(!data.arrays.isEmpty)
        for a in data.arrays { #expect(!a.doc.isEmpty, "\(a.name) has no description") }
        func check(_ s: Series) {
            guard let x = data[s.x], let y = data[s.y] else {
                Issue.record("\(id): series '\(s.label)' names a missing array (\(s.x), \(s.y))"); return
            }
            let yLen = s.yRow == nil ? y.values.count : (y.shape.last ?? 0)
            #expect(x.values.count == yLen, "\(id): series '\(s.label)' has \(x.values.count) x and \(yLen) y values")
        }
        for panel in result.figure.panels {
            switch panel.content {
            case .lines(let series), .complexPlane(let series, _): series.forEach(check)
            case let .heatmap(x, y, z, _):
                let (xa, ya, za) = (data[x], data[y], data[z])
                #expect(xa != nil && ya != nil && za != nil, "\(id): heatmap names a missing array")
                if let xa, let ya, let za { #expect(za.shape == [ya.values.count, xa.values.count]) }
            }
        }
        #expect(!result.checks.isEmpty)
        for c in result.checks { #expect(c.holds, "\(id): \(c.claim) — \(c.evidence)") }
    }
}
