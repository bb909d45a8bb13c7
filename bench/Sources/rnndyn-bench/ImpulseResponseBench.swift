import Foundation
import RNNDynamics

/// `--impulse-response [sizes]`: milliseconds per exact impulse-response loss-and-gradient evaluation (issue 13) of a
/// continuous-time `LinearFilterRNN` (σ = 0.5, two-exponential target), next to one dgees and one dtrsyl at that size.
/// Prints one JSON object per size.
func runImpulseResponseBench(arguments: [String]) {
    let sizes = (arguments.first ?? "50,100,200,400").split(separator: ",").map { Int($0)! }
    for n in sizes {
        do {
            let net = try LinearFilterRNN.random(units: n, sigma: 0.5, streams: RandomStreams(seed: 1).child("bench"))
            let distance = try ImpulseResponseDistance(dimension: n, target: FilterTarget.twoTimescales())
            var gradient = SystemGradient(dimension: n)
            let repeats = max(10, 2_000_000 / (n * n * n / 10 + 1))
            _ = try net.lossAndGradient(distance, into: &gradient)
            var start = now()
            for _ in 0..<repeats { _ = try net.lossAndGradient(distance, into: &gradient) }
            let perGradient = (now() - start) / Double(repeats)
            let schur = try RealSchurWorkspace(dimension: n)
            let a = net.systemMatrix
            start = now()
            for _ in 0..<repeats { try schur.factor(a) }
            let perSchur = (now() - start) / Double(repeats)
            var rhs = Matrix(rows: n, cols: n, repeating: -1)
            start = now()
            for _ in 0..<repeats { rhs.storage.withUnsafeMutableBufferPointer { $0.update(repeating: -1) }; try schur.solveLyapunov(&rhs, transposed: false) }
            let perLyapunov = (now() - start) / Double(repeats)
            print(String(format: "{\"bench\": \"impulse_response_gradient\", \"n\": %d, \"repeats\": %d, \"ms_per_gradient\": %.4f, \"ms_dgees\": %.4f, \"ms_dtrsyl\": %.4f}",
                         n, repeats, 1e3 * perGradient, 1e3 * perSchur, 1e3 * perLyapunov))
        } catch {
            print("impulse-response bench failed at n = \(n): \(error)")
            exit(1)
        }
    }
}
