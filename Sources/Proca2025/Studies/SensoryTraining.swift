import Foundation
import Linalg
import Networks
import Tasks
import Training

/// An unaligned linear RNN trained by exact full-batch gradient descent on sampled multisensory stimuli (Proca et
/// al. §3.6, App. L) — the simulation behind Figs. 6 and A8.
///
/// The training set is `trainingTrials` fresh trials of `task` (not whitened); the gradient is the exact
/// sufficient-statistics `PopulationGradient` of that set, identical to full-batch BPTT on the samples at a per-step
/// cost independent of P. The network starts from i.i.d. Gaussian weights of std `initScale/√fan-in`. Networks are
/// snapshotted on a grid of steps (every `recordEvery`) and, when `pairedSteps` is set, also one step later, so that
/// per-step velocities can be read off exactly.
public struct SensoryTraining: Sendable {
    /// The task at the training length.
    public var task: SensoryIntegrationTask
    /// Number of training trials P.
    public var trainingTrials: Int
    /// Hidden width N_h.
    public var hidden: Int
    /// Unaligned init scale σ (std σ/√fan-in).
    public var initScale: Double
    /// GD step η (flow time η · step).
    public var learningRate: Double
    /// Number of GD steps.
    public var steps: Int
    /// Grid spacing of the snapshots.
    public var recordEvery: Int

    /// A training run description.
    public init(task: SensoryIntegrationTask, trainingTrials: Int, hidden: Int, initScale: Double, learningRate: Double,
                steps: Int, recordEvery: Int) {
        self.task = task; self.trainingTrials = trainingTrials; self.hidden = hidden; self.initScale = initScale
        self.learningRate = learningRate; self.steps = steps; self.recordEvery = recordEvery
    }

    /// The recorded run.
    public struct Trajectory: Sendable {
        /// Grid steps (0, recordEvery, …, steps).
        public var steps: [Int]
        /// Training loss at each grid step.
        public var loss: [Double]
        /// Network at each grid step.
        public var networks: [LinearRNN]
        /// Network one GD step after each grid step (empty unless paired steps were requested; nil at the last step).
        public var nextNetworks: [LinearRNN?]
        /// Training loss at every step (steps + 1 values on completion).
        public var allLosses: [Double]
        /// Why training ended.
        public var stop: StopReason
        /// The divergence and last good state, when training diverged.
        public var divergence: TrainingDivergence?
    }

    /// Trains from the `seed`'s `init` stream on trials from its `data` stream.
    public func run(streams: RandomStreams, pairedSteps: Bool = false) throws -> Trajectory {
        let streams = streams
        var dataRNG = streams.stream("data"), initRNG = streams.stream("init")
        let batch = task.sample(count: trainingTrials, rng: &dataRNG)
        let net = Initializer.unaligned(nx: task.inputDimension, nh: hidden, ny: task.inputDimension, scale: initScale,
                                        rng: &initRNG)
        var source = PopulationGradient(task: PopulationCorrelations(sufficientStatisticsOf: batch, outputMode: .final),
                                        model: net)
        let grid = RecordSchedule.every(recordEvery).resolve(totalSteps: steps)
        let planned = pairedSteps ? Array(Set(grid + grid.map { $0 + 1 }.filter { $0 <= steps })).sorted() : grid
        var recorder = Recorder<LinearRNN>(schedule: .steps(planned), recordsParameters: true)
        let run = Trainer.train(net, source: &source,
                                options: TrainingOptions(steps: steps, optimizer: Optimizer(.gd, learningRate: learningRate)),
                                recorder: &recorder)
        let r = run.recording
        func network(_ i: Int) -> LinearRNN {
            func block(_ name: String) -> Matrix {
                let (rows, cols) = r.parameterShapes[name]!
                return Matrix(rows: rows, cols: cols, columnMajor: r.parameters[name]![i])
            }
            return LinearRNN(wx: block("Wx"), wh: block("Wh"), wy: block("Wy"))
        }
        let index = Dictionary(uniqueKeysWithValues: r.steps.enumerated().map { ($1, $0) })
        var gridSteps = [Int](), loss = [Double](), nets = [LinearRNN](), next = [LinearRNN?]()
        for s in grid {
            guard let i = index[s] else { break }  // a diverged run stops early
            gridSteps.append(s); loss.append(r.losses[i]); nets.append(network(i))
            if pairedSteps { next.append(index[s + 1].map(network)) }
        }
        return Trajectory(steps: gridSteps, loss: loss, networks: nets, nextNetworks: next, allLosses: run.losses,
                          stop: run.stop, divergence: TrainingDivergence(run))
    }

    /// Singular values of `m`, descending (NaN when LAPACK fails on non-finite entries).
    public static func singularValues(_ m: Matrix) -> [Double] {
        (try? m.singularValues()) ?? [Double](repeating: .nan, count: min(m.rows, m.cols))
    }

    /// Per-record values as a `[count, records]` table (row k = the k-th value over records).
    public static func rows(_ perRecord: [[Double]]) -> [[Double]] {
        guard let n = perRecord.first?.count else { return [] }
        return (0..<n).map { k in perRecord.map { $0[k] } }
    }
}

/// Exact second moments of `MultisensoryStimulus` inputs and the expected loss of isotropic networks on them.
///
/// Within a trial the stimulus is `x_t = m + ξ_t` with a trial-constant mean `m` and fresh noise of std σ, so
/// `E[x_t · x_t′] = E‖m‖² + δ_{tt′} N_x σ²`. A network whose lag maps are isotropic, `W_y W_h^k W_x = g_k I`, on
/// the target `y = Σ_t w_t x_t` has expected loss `½ Σ_{t,t′} r_t r_t′ E[x_t · x_t′]` with `r_t = w_t − g_{T−t}`.
public enum SensoryMoments {
    /// `E‖m‖²` over the trial conditions (direction, coherence, modality split), in closed form.
    public static func meanSquaredNorm(_ s: MultisensoryStimulus) -> Double {
        let coh = s.coherences.reduce(0, +) / Double(s.coherences.count)
        let coh2 = s.coherences.reduce(0) { $0 + $1 * $1 } / Double(s.coherences.count)
        // Modality proportions: modality 1 gets coh·p, modality 2 coh·(1 − p).
        let moments: [(Double, Double)]  // (E[share], E[share²]) per modality
        switch s.split {
        case .uniformPerTrial: moments = [(0.5, 1.0 / 3), (0.5, 1.0 / 3)]
        case let .fixed(p): moments = [(p, p * p), (1 - p, (1 - p) * (1 - p))]
        }
        var total = 0.0
        for gt in 0..<s.ringSize {
            for (share, share2) in moments {
                for j in 0..<s.ringSize {
                    let c = cos(s.angle(j) - s.angle(gt))
                    total += 0.25 + c * coh * share / 200 + c * c * coh2 * share2 / 40000
                }
            }
        }
        return total / Double(s.ringSize)
    }

    /// Expected loss `½ E‖y − ŷ‖²` of a network with lag gains `gains[k]` (k = 0…T−1) on targets `Σ_t w_t x_t`
    /// with `weights[t−1] = w_t` at length T = `weights.count`.
    public static func expectedLoss(_ s: MultisensoryStimulus, gains: [Double], weights: [Double]) -> Double {
        let T = weights.count
        precondition(gains.count == T, "need one gain per lag")
        let r = (1...T).map { weights[$0 - 1] - gains[T - $0] }
        let sum = r.reduce(0, +), squares = r.reduce(0) { $0 + $1 * $1 }
        return 0.5 * (meanSquaredNorm(s) * sum * sum + Double(s.inputDimension) * s.noiseStd * s.noiseStd * squares)
    }
}
