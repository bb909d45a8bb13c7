import Foundation
@testable import Linalg
@testable import Networks

/// Central finite-difference gradient with one Richardson extrapolation step (error O(h⁴)).
func finiteDifferenceGradient<M: DifferentiableModel>(_ model: M, h: Double = 1e-4, loss: (M) -> Double) -> [Matrix] {
    var grads = model.parameters.map { Matrix(rows: $0.rows, cols: $0.cols) }
    for b in grads.indices {
        for k in 0..<grads[b].count {
            func central(_ step: Double) -> Double {
                var plus = model, minus = model
                plus.updateParameters { i, w in if i == b { w.storage[k] += step } }
                minus.updateParameters { i, w in if i == b { w.storage[k] -= step } }
                return (loss(plus) - loss(minus)) / (2 * step)
            }
            grads[b].storage[k] = (4 * central(h / 2) - central(h)) / 3
        }
    }
    return grads
}

/// ‖a − b‖ / ‖b‖ over all blocks together.
func relativeError(_ a: [Matrix], _ b: [Matrix]) -> Double {
    var num = 0.0, den = 0.0
    for (x, y) in zip(a, b) { let d = x - y; num += d.dot(d); den += y.dot(y) }
    return (num / max(den, .leastNormalMagnitude)).squareRoot()
}

/// A random batch with Gaussian inputs and targets.
func randomBatch(nx: Int, ny: Int, T: Int, P: Int, perStepTargets: Bool, rng: inout Xoshiro256) -> SequenceBatch {
    SequenceBatch(inputs: rng.gaussianMatrix(rows: nx, cols: T * P),
                  targets: rng.gaussianMatrix(rows: ny, cols: perStepTargets ? T * P : P), timeSteps: T, samples: P)
}
