import Foundation
@testable import Linalg
@testable import Networks
@testable import SequenceData

/// Independent per-sample reference loops for the issue-14 networks (plain `Matrix` algebra, no BLAS buffers).
enum NaiveRecurrentNets {
    /// Writes `scale · out + bias` as the output of step `t` of `sample` when the readout mode has one there.
    static func store(_ out: [Double], scale: Double, bias: Matrix?, mode: OutputMode, t: Int, sample: Int,
                      batch: SequenceBatch, into y: inout Matrix) {
        guard mode == .autoregressive || t == batch.timeSteps - 1 else { return }
        let target = mode == .final ? sample : t * batch.samples + sample
        for i in 0..<out.count { y[i, target] = scale * out[i] + (bias?[i, 0] ?? 0) }
    }

    /// `ŷ` of a `TanhRNN`, one sample and one step at a time; `process` and `inputs` are the noise buffers (or nil).
    static func outputs(_ net: TanhRNN, _ batch: SequenceBatch, process: Matrix? = nil, inputs: Matrix? = nil) -> Matrix {
        let n = net.hiddenDimension, p = batch.samples, T = batch.timeSteps
        let x = inputs ?? batch.inputs
        var y = Matrix(rows: net.outputDimension, cols: batch.targets.cols)
        for s in 0..<p {
            var h = net.learnsInitialState ? net.h0.column(0) : [Double](repeating: 0, count: n)
            for t in 0..<T {
                let col = t * p + s
                var z = net.wx * x.column(col)
                let rec = net.wh * h
                for i in 0..<n {
                    z[i] += rec[i] + net.b[i, 0] + (net.hasSecondBias ? net.bhh[i, 0] : 0) + (process?[i, col] ?? 0)
                }
                h = z.map { Foundation.tanh($0) }
                store(net.wy * h, scale: 1, bias: net.by, mode: net.outputMode, t: t, sample: s, batch: batch, into: &y)
            }
        }
        return y
    }

    /// `ŷ` of a `LeakyRateRNN`, one sample and one step at a time, written as in spec §2.2.
    static func outputs(_ net: LeakyRateRNN, _ batch: SequenceBatch, process: Matrix? = nil, inputs: Matrix? = nil) -> Matrix {
        let n = net.hiddenDimension, p = batch.samples, T = batch.timeSteps, a = net.alpha, sc = net.scales
        let x = inputs ?? batch.inputs
        var y = Matrix(rows: net.outputDimension, cols: batch.targets.cols)
        for s in 0..<p {
            var h = net.learnsInitialState ? net.h0.column(0) : [Double](repeating: 0, count: n)
            for t in 0..<T {
                let col = t * p + s
                let rec = net.j * h.map { Foundation.tanh($0) }, drive = net.u * x.column(col)
                for i in 0..<n {
                    h[i] += a * (-h[i] + sc.recurrentMultiplier * rec[i] + sc.inputMultiplier * drive[i] + (process?[i, col] ?? 0))
                }
                store(net.w * h.map { Foundation.tanh($0) }, scale: sc.outputMultiplier, bias: nil, mode: net.outputMode,
                      t: t, sample: s, batch: batch, into: &y)
            }
        }
        return y
    }

    /// Per-block relative errors `‖g_b − f_b‖ / ‖f_b‖` (0 for empty blocks).
    static func blockErrors(_ g: [Matrix], _ f: [Matrix]) -> [Double] {
        zip(g, f).map { a, b in
            guard b.count > 0 else { return 0 }
            let d = a - b
            return (d.dot(d) / max(b.dot(b), .leastNormalMagnitude)).squareRoot()
        }
    }

    /// A random batch with N(0, 1) inputs and targets of size 0.5·N(0, 1).
    static func batch(nx: Int, ny: Int, T: Int, P: Int, mode: OutputMode, streams: RandomStreams) -> SequenceBatch {
        var rng = streams.stream("batch")
        return SequenceBatch(inputs: rng.gaussianMatrix(rows: nx, cols: T * P),
                             targets: rng.gaussianMatrix(rows: ny, cols: mode == .final ? P : T * P, std: 0.5),
                             timeSteps: T, samples: P)
    }
}
