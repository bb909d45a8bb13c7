import Dispatch
import ExperimentKit
import Foundation
import Linalg
import Networks
import Tasks
import Training

// MARK: - Timing hooks (rnndyn-bench --fig4)

/// Wall-clock timing of one whole Fig. 4 run, split into its parts.
public struct Fig4Timing: Sendable {
    /// Mode-ODE grid points over every panel, GD steps per point, and the step size.
    public var gridPoints: Int, steps: Int, learningRate: Double
    /// Full-matrix networks trained and the modes they carry.
    public var networks: Int, simulatedModes: Int
    /// Worker threads used for the grid and the networks.
    public var threads: Int
    /// Seconds for the mode-ODE grid, the full-matrix sub-grid, and the whole run (both plus theory and assembly).
    public var gridSeconds: Double, simulationSeconds: Double, totalSeconds: Double
    /// Whether every claim check held.
    public var checksHold: Bool
}

extension ProcaFig4 {
    /// The mode-ODE grid of every panel for `preset` (plus `overrides`), in the experiment's point order.
    public func modeGrid(_ preset: Preset, overrides: [String: Any] = [:]) throws -> ModeDescentGrid {
        try layout(preset, overrides: overrides).grid
    }

    /// Runs the whole experiment once on `threads` workers and times its parts (the same work as `run`).
    public func timed(_ preset: Preset, threads: Int, seed: UInt64 = 0) throws -> Fig4Timing {
        let clock = ContinuousClock()
        let start = clock.now
        let layout = try layout(preset, overrides: [:])
        let outcomes = layout.grid.run(threads: threads)
        let gridDone = clock.now
        let sims = try layout.simulate(streams: RandomStreams(seed: seed).node(id), threads: threads, outcomes: outcomes)
        let simDone = clock.now
        let result = layout.assemble(outcomes: outcomes, simulations: sims)
        let end = clock.now
        func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }
        return Fig4Timing(gridPoints: layout.grid.points.count, steps: layout.steps, learningRate: layout.eta,
                          networks: layout.networks.count, simulatedModes: sims.count, threads: threads,
                          gridSeconds: seconds(gridDone - start), simulationSeconds: seconds(simDone - gridDone),
                          totalSeconds: seconds(end - start), checksHold: result.checks.allSatisfy(\.holds))
    }

    func layout(_ preset: Preset, overrides: [String: Any]) throws -> Fig4Layout {
        var merged = parameters(preset)
        for (k, v) in overrides { merged[k] = v }
        return try Fig4Layout(parameters: ConfigReader(object: merged, path: id))
    }
}
