import Foundation
import Testing
@testable import Linalg
@testable import Networks
@testable import RNNDynamics
@testable import Tasks
@testable import Training

/// Nuclear-norm and L1 penalties (issue 14): values, gradients, block selection, and the trainer's separate
/// task-loss / penalty series.
@Suite struct RegularizerTests {
    /// `Q_1 diag(σ) Q_2ᵀ` restricted to `rows × cols` with singular values `sigma` (descending, ≤ min(rows, cols)),
    /// and the matching `Q_1[:, :r] Q_2[:, :r]ᵀ` for the first `r = sigma.count` pairs.
    static func known(rows: Int, cols: Int, sigma: [Double], rng: inout Xoshiro256) throws -> (w: Matrix, uvt: Matrix) {
        let q1 = try Matrix.haarOrthogonal(rows, using: &rng), q2 = try Matrix.haarOrthogonal(cols, using: &rng)
        let r = sigma.count
        let u = q1.columns(0..<r), v = q2.columns(0..<r)
        return ((u * Matrix.diagonal(sigma)).timesTranspose(v), u.timesTranspose(v))
    }

    /// A linear RNN (N_x = 2, N_h = 4, N_y = 3: a tall, a square and a wide block) with distinct nonzero singular
    /// values in every block.
    static func network(rng: inout Xoshiro256) throws -> (LinearRNN, [Matrix]) {
        let wx = try known(rows: 4, cols: 2, sigma: [1.7, 0.4], rng: &rng)
        let wh = try known(rows: 4, cols: 4, sigma: [3, 2, 1, 0.5], rng: &rng)
        let wy = try known(rows: 3, cols: 4, sigma: [2.5, 1.2, 0.3], rng: &rng)
        return (LinearRNN(wx: wx.w, wh: wh.w, wy: wy.w), [wx.uvt, wh.uvt, wy.uvt])
    }

    static func zeroGradients<M: DifferentiableModel>(_ m: M) -> [Matrix] {
        m.parameters.map { Matrix(rows: $0.rows, cols: $0.cols) }
    }

    @Test func nuclearNormValueAndGradientMatchFiniteDifferences() throws {
        var rng = RandomStreams(seed: 14).stream("nuclear")
        let (net, _) = try Self.network(rng: &rng)
        let penalty = NuclearNormPenalty(strength: 0.7)
        var g = Self.zeroGradients(net)
        let value = penalty.apply(to: net, gradients: &g)
        #expect(abs(value - 0.7 * (2.1 + 6.5 + 4.0)) <= 1e-13 * value)
        let fd = finiteDifferenceGradient(net) { m in
            var scratch = Self.zeroGradients(m)
            return penalty.apply(to: m, gradients: &scratch)
        }
        #expect(relativeError(g, fd) <= 1e-7, "\(relativeError(g, fd))")
    }

    @Test func nuclearNormSubgradientIsLambdaUVTransposeAddedToTheGradient() throws {
        var rng = RandomStreams(seed: 14).stream("uvt")
        let (net, uvt) = try Self.network(rng: &rng)
        // Start from a nonzero gradient: the penalty must add, not overwrite.
        var g = net.parameters.map { Matrix(rows: $0.rows, cols: $0.cols, repeating: 0.25) }
        _ = NuclearNormPenalty(strength: 0.7).apply(to: net, gradients: &g)
        for b in 0..<3 {
            let expected = Matrix(rows: uvt[b].rows, cols: uvt[b].cols, repeating: 0.25) + 0.7 * uvt[b]
            #expect(g[b].relativeDistance(to: expected) <= 1e-13, "block \(b)")
        }
        // Rank-deficient W_h (rank 2 of 4): the zero singular values get no U Vᵀ term, only the two nonzero pairs.
        let low = try Self.known(rows: 4, cols: 4, sigma: [3, 1], rng: &rng)
        var lowNet = net
        lowNet.setParameters([net.wx, low.w, net.wy])
        var gl = Self.zeroGradients(lowNet)
        let value = NuclearNormPenalty(strength: 0.7, blocks: [1]).apply(to: lowNet, gradients: &gl)
        #expect(abs(value - 0.7 * 4) <= 1e-13)
        #expect(gl[1].relativeDistance(to: 0.7 * low.uvt) <= 1e-12)
        // A full-rank U Vᵀ (orthogonal, Frobenius norm 2) would be √2 times larger than the rank-2 one (norm √2).
        #expect(abs(gl[1].dot(gl[1]) - 0.49 * 2) <= 1e-12)
    }

    @Test func l1ValueAndGradientMatchFiniteDifferencesAwayFromZeros() throws {
        var rng = RandomStreams(seed: 14).stream("l1")
        let (net, _) = try Self.network(rng: &rng)
        #expect(net.parameters.allSatisfy { $0.storage.allSatisfy { abs($0) > 1e-3 } })
        let penalty = L1Penalty(strength: 0.3)
        var g = Self.zeroGradients(net)
        let value = penalty.apply(to: net, gradients: &g)
        let direct = 0.3 * net.parameters.reduce(0) { $0 + $1.storage.reduce(0) { $0 + abs($1) } }
        #expect(abs(value - direct) <= 1e-14 * direct)
        let fd = finiteDifferenceGradient(net, h: 1e-5) { m in
            var scratch = Self.zeroGradients(m)
            return penalty.apply(to: m, gradients: &scratch)
        }
        #expect(relativeError(g, fd) <= 1e-7, "\(relativeError(g, fd))")
        // Subgradient 0 at an exact zero.
        var zeroed = net
        zeroed.updateParameters { i, w in if i == 1 { w.storage[0] = 0 } }
        var gz = Self.zeroGradients(zeroed)
        _ = penalty.apply(to: zeroed, gradients: &gz)
        #expect(gz[1].storage[0] == 0 && gz[1].storage[1] == 0.3 * (zeroed.wh.storage[1] > 0 ? 1 : -1))
    }

    @Test func zeroStrengthIsANoOp() throws {
        var rng = RandomStreams(seed: 14).stream("zero")
        let (net, _) = try Self.network(rng: &rng)
        let start = net.parameters.map { Matrix(rows: $0.rows, cols: $0.cols, repeating: -0.5) }
        for penalty in [NuclearNormPenalty(strength: 0) as any Regularizer, L1Penalty(strength: 0)] {
            var g = start
            #expect(penalty.apply(to: net, gradients: &g) == 0)
            #expect(g == start)
        }
    }

    @Test func blockSelectionTouchesOnlyTheChosenBlock() throws {
        var rng = RandomStreams(seed: 14).stream("blocks")
        let (net, uvt) = try Self.network(rng: &rng)
        let byName = NuclearNormPenalty(strength: 1, blockNames: ["Wh"], of: LinearRNN.self)
        #expect(byName.blocks == [1] && L1Penalty(strength: 1, blockNames: ["Wy", "Wx"], of: LinearRNN.self).blocks == [0, 2])
        #expect(L2Penalty(strength: 1, blockNames: ["Wh"], of: LinearRNN.self).blocks == [1])
        var g = Self.zeroGradients(net)
        let value = byName.apply(to: net, gradients: &g)
        #expect(abs(value - 6.5) <= 1e-13)
        #expect(g[0].storage.allSatisfy { $0 == 0 } && g[2].storage.allSatisfy { $0 == 0 })
        #expect(g[1].relativeDistance(to: uvt[1]) <= 1e-13)
        var gl = Self.zeroGradients(net)
        let l1 = L1Penalty(strength: 2, blocks: [2]).apply(to: net, gradients: &gl)
        #expect(abs(l1 - 2 * net.wy.storage.reduce(0) { $0 + abs($1) }) <= 1e-13)
        #expect(gl[0].storage.allSatisfy { $0 == 0 } && gl[1].storage.allSatisfy { $0 == 0 })
        #expect(gl[2].storage.allSatisfy { abs($0) == 2 })
    }

    @Test func trainerRecordsTaskLossAndPenaltySeparately() throws {
        var rng = RandomStreams(seed: 14).stream("trainer")
        let task = try SingularValueTask(singularValues: [[0.3, 0.5, 1.0], [0.7, 0.7, 0.7]], nx: 3, ny: 2, rng: &rng)
        let net = Initializer.unaligned(nx: 3, nh: 4, ny: 2, scale: 0.5, rng: &rng)
        let penalties: [any Regularizer] = [NuclearNormPenalty(strength: 0.02, blockNames: ["Wh"], of: LinearRNN.self),
                                            L1Penalty(strength: 0.01, blockNames: ["Wx"], of: LinearRNN.self)]
        var src = PopulationGradient(task: task.population, model: net)
        var rec = Recorder<LinearRNN>(schedule: .every(10))
        let run = Trainer.train(net, source: &src, options: TrainingOptions(
            steps: 60, optimizer: Optimizer(.adam, learningRate: 0.01), regularizers: penalties), recorder: &rec)
        #expect(run.stop == .completed && run.losses.count == 61 && run.penalties.count == 61)
        #expect(run.recording.steps == [0, 10, 20, 30, 40, 50, 60] && run.recording.penalties.count == 7)
        for (k, step) in run.recording.steps.enumerated() {
            var model = net
            model.setParameters(LinearRNN.parameterNames.enumerated().map { i, name in
                let w = net.parameters[i]
                return Matrix(rows: w.rows, cols: w.cols, columnMajor: run.recording.parameters[name]![k])
            })
            var fresh = PopulationGradient(task: task.population, model: model)
            var g = Self.zeroGradients(model)
            let taskLoss = fresh.lossAndGradient(model, step: step, into: &g)
            let penalty = penalties.reduce(0.0) { $0 + $1.apply(to: model, gradients: &g) }
            #expect(penalty > 0 && run.recording.penalties[k] == penalty && run.penalties[step] == penalty)
            #expect(abs(run.recording.losses[k] - (taskLoss + penalty)) <= 1e-14 * run.recording.losses[k])
            #expect(run.recording.losses[k] == run.losses[step])
            #expect(abs(run.taskLosses[step] - taskLoss) <= 1e-14 * run.recording.losses[k])
        }
        // Without regularizers the penalty series is all zeros and the task loss is the loss, bit for bit.
        var plainSource = PopulationGradient(task: task.population, model: net)
        var plainRecorder = Recorder<LinearRNN>(schedule: .every(10))
        let plain = Trainer.train(net, source: &plainSource, options: TrainingOptions(
            steps: 20, optimizer: Optimizer(.adam, learningRate: 0.01)), recorder: &plainRecorder)
        #expect(plain.penalties == [Double](repeating: 0, count: 21) && plain.recording.penalties == [0, 0, 0])
        #expect(plain.taskLosses.elementsEqual(plain.losses) { $0.bitPattern == $1.bitPattern })
    }

    /// A threshold between the lowest task loss and the lowest total: checked on the total the run never stops; checked
    /// on the task loss it stops at the first step whose task loss meets it (patience 0).
    @Test func theThresholdCanWatchTheTaskLossAlone() throws {
        var rng = RandomStreams(seed: 15).stream("threshold")
        let task = try SingularValueTask(singularValues: [[0.3, 0.5, 1.0], [0.7, 0.7, 0.7]], nx: 3, ny: 2, rng: &rng)
        let net = Initializer.unaligned(nx: 3, nh: 4, ny: 2, scale: 0.5, rng: &rng)
        let penalty: [any Regularizer] = [NuclearNormPenalty(strength: 0.5, blockNames: ["Wh"], of: LinearRNN.self)]
        func run(taskOnly: Bool, threshold: Double) -> TrainingRun<LinearRNN> {
            var rules = StoppingRules(lossThreshold: threshold)
            rules.thresholdOnTaskLoss = taskOnly
            var src = PopulationGradient(task: task.population, model: net)
            var rec = Recorder<LinearRNN>(schedule: .every(1000))
            return Trainer.train(net, source: &src, options: TrainingOptions(
                steps: 200, optimizer: Optimizer(.adam, learningRate: 0.01), regularizers: penalty, stopping: rules), recorder: &rec)
        }
        let free = run(taskOnly: false, threshold: -1)
        let threshold = (free.taskLosses.min()! + free.losses.min()!) / 2
        #expect(free.penalties.allSatisfy { $0 > 0 } && free.losses.min()! > threshold, "the total never reaches the threshold")
        #expect(run(taskOnly: false, threshold: threshold).stop == .completed)
        let first = try #require(free.taskLosses.firstIndex { $0 <= threshold })
        #expect(run(taskOnly: true, threshold: threshold).stop == .lossThreshold(step: first))
    }

    @Test func trainRunWritesThePenaltySeriesNextToTheLoss() throws {
        func outcome(l2: Double) throws -> TrainOutcome {
            try TrainJob.run(try TrainSpec.parse(Data("""
            {"seed": 1, "model": {"hidden": 4}, "init": {"type": "gaussian", "scale": 0.5},
             "data": {"type": "sv_task", "singular_values": [[1, 1, 1], [0.5, 0.5, 0.5]], "nx": 2, "ny": 2, "samples": 0},
             "training": {"steps": 20, "learning_rate": 0.05, "record_points": 5, "l2": \(l2)}}
            """.utf8)))
        }
        let penalised = try outcome(l2: 0.01), plain = try outcome(l2: 0)
        let arrays = Dictionary(uniqueKeysWithValues: penalised.arrays.map { ($0.name, $0.array) })
        let penalty = try arrays["penalty"]!.asDoubles(), recordPenalty = try arrays["record_penalty"]!.asDoubles()
        #expect(penalty.count == 21 && penalty == penalised.penalties && penalty.allSatisfy { $0 > 0 })
        #expect(recordPenalty.count == arrays["record_step"]!.shape[0] && recordPenalty.first == penalty.first)
        let weights = try ["Wx", "Wh", "Wy"].map { try arrays["\($0)_history"]!.asDoubles() }
        let first = weights.map { w in w.prefix(w.count / recordPenalty.count) }
        #expect(abs(penalty[0] - 0.005 * first.reduce(0) { $0 + $1.reduce(0) { $0 + $1 * $1 } }) <= 1e-15)
        let csv = String(decoding: try TrainOutput.contents(penalised).extraFiles[0].contents(URL(fileURLWithPath: "/tmp")), as: UTF8.self).split(separator: "\n")
        #expect(csv.first == "step,loss,penalty" && csv[1] == "0,\(penalised.losses[0]),\(penalty[0])")
        // Without a regularizer: zeros, and loss.csv keeps its two columns.
        let plainArrays = Dictionary(uniqueKeysWithValues: plain.arrays.map { ($0.name, $0.array) })
        #expect(try plainArrays["penalty"]!.asDoubles() == [Double](repeating: 0, count: 21))
        let plainCSV = String(decoding: try TrainOutput.contents(plain).extraFiles[0].contents(URL(fileURLWithPath: "/tmp")), as: UTF8.self)
        #expect(plainCSV.hasPrefix("step,loss\n0,"))
    }
}
