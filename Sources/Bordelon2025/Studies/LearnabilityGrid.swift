import Foundation
import ExperimentKit
import Linalg
import Networks
import Tasks
import Training

/// Lazy (linearised) and optionally full training over a (σ, c*) grid of random networks and leaky-integrator targets
/// g* = e^{−c* t}, read as the relative final loss L(T)/L(0) per seed (reconstructed model, issue 13).
///
/// Seed k draws one Gaussian matrix G and u0, v0 from the node "seed k"; the network at σ is W0 = σ G/√N, so the
/// σ-rows of one seed share their random numbers. A network whose A0 = W0 − I is not stable has no loss: its cells
/// are NaN.
struct LearnabilityGrid {
    /// Bulk radii σ of W0 (grid rows).
    let sigmas: [Double]
    /// Target decay rates c* (grid columns).
    let targetRates: [Double]
    /// Lazy relative final loss [seed][σ][c*].
    var lazy: [[[Double]]] = []
    /// Full-network relative final loss [seed][σ][c*] (empty when the full network was not trained; NaN in rows it
    /// skipped).
    var full: [[[Double]]] = []
    /// Largest relative gap |L_lin(0) − L_full(θ0)| / L_full(θ0) over the grid (0 in exact arithmetic).
    var initialGap = 0.0
    /// Taylor remainders |L_full(θ0 + ε d) − L_lin(ε d)| at ε and ε/2, d the final lazy displacement of the
    /// probe cell (first seed, middle σ, middle c*); their ratio is 4 for an O(ε²) remainder.
    var taylorRemainders = (coarse: Double.nan, fine: Double.nan)
    /// Gradient evaluations of all lazy runs (2N-dimensional) and all full runs (N-dimensional).
    var lazyEvaluations = 0, fullEvaluations = 0

    /// Whether (σ, c*) lies inside the wedge |1 − c*| < σ (the target pole 1 − c* inside the initial bulk).
    static func insideWedge(sigma: Double, targetRate: Double) -> Bool { abs(1 - targetRate) < sigma }

    /// Trains every cell for time `trainingTime` (the full network only in the first `fullRows` σ-rows); `progress`
    /// receives the finished fraction.
    static func compute(units n: Int, sigmas: [Double], targetRates: [Double], seeds: Int, trainingTime: Double,
                        fullRows: Int, tolerance: Double, taylorStep: Double, streams: RandomStreams,
                        progress: (Double) -> Void) throws -> LearnabilityGrid {
        var grid = LearnabilityGrid(sigmas: sigmas, targetRates: targetRates)
        let cells = Double(seeds * sigmas.count * targetRates.count)
        var done = 0.0
        for k in 0..<seeds {
            let node = streams.child("seed \(k)")
            var lazyRows: [[Double]] = [], fullLossRows: [[Double]] = []
            for (i, sigma) in sigmas.enumerated() {
                let net = try LinearFilterRNN.random(units: n, sigma: sigma, streams: node)
                var lazyRow: [Double] = [], fullRow: [Double] = []
                for (j, c) in targetRates.enumerated() {
                    let target = try FilterTarget.leakyIntegrator(rate: c)
                    let distance = try ImpulseResponseDistance(dimension: n, target: target)
                    guard let l0 = try? net.loss(distance) else {
                        lazyRow.append(.nan); fullRow.append(.nan); done += 1; continue
                    }
                    let cell = "σ = \(sigma), c* = \(c), seed \(k)"
                    let lazy = try FilterFlowRun.runLinearized(around: net, target: target, times: [0, trainingTime],
                                                               tolerance: tolerance, stage: "lazy training (\(cell))")
                    grid.lazyEvaluations += lazy.gradientEvaluations
                    grid.initialGap = max(grid.initialGap, abs(lazy.losses[0] - l0) / l0)
                    lazyRow.append(lazy.losses[1] / l0)
                    if k == 0, i == sigmas.count / 2, j == targetRates.count / 2 {
                        grid.taylorRemainders = try remainders(lazy.finalModel, target: target, step: taylorStep)
                    }
                    if i < fullRows {
                        let run = try FilterFlowRun.run(net, target: target, times: [trainingTime], tolerance: tolerance,
                                                        stage: "full training (\(cell))")
                        grid.fullEvaluations += run.record.gradientEvaluations
                        fullRow.append(run.record.losses[0] / l0)
                    }
                    if i >= fullRows { fullRow.append(.nan) }
                    done += 1
                    progress(done / cells)
                }
                lazyRows.append(lazyRow); fullLossRows.append(fullRow)
            }
            grid.lazy.append(lazyRows)
            if fullRows > 0 { grid.full.append(fullLossRows) }
        }
        return grid
    }

    /// |L_full(θ0 + ε d) − L_lin(ε d)| at ε = `step` and `step`/2, d the displacement of `model`.
    static func remainders(_ model: LinearizedFilterRNN, target: ModalResponse, step: Double) throws -> (coarse: Double, fine: Double) {
        let n = model.units
        let full = try ImpulseResponseDistance(dimension: n, target: target)
        let lin = try ImpulseResponseDistance(dimension: 2 * n, target: target)
        var flat = [Double](repeating: 0, count: model.base.parameterCount)
        flat.withUnsafeMutableBufferPointer { model.write(into: $0) }
        func remainder(_ eps: Double) throws -> Double {
            var scaled = model
            flat.map { eps * $0 }.withUnsafeBufferPointer { scaled.read(from: $0) }
            return abs(try scaled.displaced.loss(full) - scaled.loss(lin))
        }
        return (try remainder(step), try remainder(step / 2))
    }

    /// The geometric mean over seeds of [seed][σ][c*], as a flat row-major [σ][c*] array (NaN if any seed is NaN).
    static func geometricMean(_ values: [[[Double]]]) -> [Double] {
        guard let first = values.first else { return [] }
        let rows = first.count, cols = first.first?.count ?? 0
        return (0..<(rows * cols)).map { index in
            let logs = values.map { log($0[index / cols][index % cols]) }
            return exp(logs.reduce(0, +) / Double(logs.count))
        }
    }
}
