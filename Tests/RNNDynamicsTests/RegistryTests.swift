import Foundation
import Testing
@testable import Papers

/// Registry invariants; every experiment's quick run is checked, through the CLI's code path, in
/// `ReproductionTests`.
@Suite struct RegistryTests {
    @Test func idsAreUniqueAndDescribed() {
        let ids = ExperimentRegistry.all.map(\.id)
        #expect(Set(ids).count == ids.count)
        for e in ExperimentRegistry.all {
            #expect(!e.summary.isEmpty && !e.paperFigure.isEmpty)
            #expect(ExperimentRegistry.experiment(e.id)?.id == e.id)
            #expect(e.id.contains("."), "\(e.id) has no paper prefix (paper.figure)")
        }
    }
}
