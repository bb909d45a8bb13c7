import Foundation
import Testing
@testable import Linalg
@testable import Proca2025
@testable import Tasks

@Suite(.serialized) struct ModeSimulationTests {
    @Test func unalignedSmallInitReachesTheAlignedOptimum() throws {
        // Constant dynamics (T = 5, δ = 1 and 0.5): the optimum is b* = 1, (ac)* = δ (Proca et al. §4.1); a small
        // unaligned Gaussian init must find it and end aligned (silent alignment).
        var rng = RandomStreams(seed: 40).stream("data")
        let task = try SingularValueTask(singularValues: [[1, 1, 1, 1, 1], [0.5, 0.5, 0.5, 0.5, 0.5]], nx: 2, ny: 2, rng: &rng)
        let sim = ModeSimulation(task: task, hidden: 6, initialModes: nil, unalignedScale: 0.1, learningRate: 0.05,
                                 steps: 8000, recordEvery: 1000)
        let run = try sim.run(streams: RandomStreams(seed: 1))
        #expect(run.stop == .completed)
        let last = run.modes.last!
        #expect(abs(last.ac[0] - 1) < 1e-3 && abs(last.ac[1] - 0.5) < 1e-3)
        #expect(abs(last.b[0] - 1) < 1e-3 && abs(last.b[1] - 1) < 1e-3)
        #expect(last.offDiagonal < 1e-3)
        #expect(run.modes.first!.offDiagonal > 0.05)   // it started unaligned
    }

    @Test func alignedSimulationRecordsModesInBothReadings() throws {
        var rng = RandomStreams(seed: 41).stream("data")
        let task = try SingularValueTask(singularValues: [[0.49, 0.7, 1.0]], nx: 2, ny: 2, rng: &rng)
        let sim = ModeSimulation(task: task, hidden: 3, initialModes: (a: [0.1], b: [0.1], c: [0.1]), learningRate: 0.05,
                                 steps: 4000, recordEvery: 500)
        let run = try sim.run(streams: RandomStreams(seed: 2))
        for (eff, al) in zip(run.modes, run.alignedModes) {
            #expect(abs(eff.ac[0] - al.a[0] * al.c[0]) < 1e-12)
            #expect(abs(eff.b[0] - al.b[0]) < 1e-10)
            #expect(abs(al.a[0] * al.a[0] - al.c[0] * al.c[0]) < 1e-12)   // balanced init stays balanced
        }
        // Inverse-exponential dynamics δλ^{T−t} with δ = 1, λ = 0.7: optimum b* = λ, (ac)* = δ.
        #expect(abs(run.modes.last!.b[0] - 0.7) < 1e-3 && abs(run.modes.last!.ac[0] - 1) < 1e-3)
        #expect(run.time.last! == 0.05 * 4000)
    }
}
