import Foundation
import Testing
@testable import Linalg
@testable import Networks
@testable import SequenceData
@testable import Tasks
@testable import Training

/// Issue 14: training on fresh task trials at every step, addressed by RandomStreams nodes.
@Suite(.serialized) struct FreshTrialTests {
    static let root = RandomStreams(seed: 14).child("fresh-trial-tests")
    static let task = FlipFlopTask(channels: 2, trialLength: 10, pSwitch: 0.2, maskedTransition: 1)

    @Test func drawIsTheTrainingBatchOfThatNode() throws {
        let trials = try TaskTrials(task: Self.task, batchSize: 5)
        var batch = trials.makeBatch()
        for name in ["a", "b"] {
            let node = Self.root.child(name)
            trials.draw(from: node, into: &batch)
            #expect(batch == (try Self.task.batch(size: 5, streams: node)).trainingSequences)
        }
        #expect(throws: TaskError.self) { try TaskTrials(task: FlipFlopTask(pSwitch: 1.5), batchSize: 5) }
        #expect(throws: TaskError.self) { try TaskTrials(task: Self.task, batchSize: 0) }
    }

    static func run(_ streams: RandomStreams, steps: Int) throws -> (TrainingRun<TanhRNN>, FreshTrialGradient<TanhRNN, TaskTrials<FlipFlopTask>>) {
        let net = TanhRNN.pytorchDefault(inputs: 2, hidden: 12, outputs: 2, streams: streams.child("init"))
        var source = FreshTrialGradient(trials: try TaskTrials(task: Self.task, batchSize: 8), streams: streams.child("trials"),
                                        model: net)
        var recorder = Recorder<TanhRNN>(schedule: .steps([]))
        let run = Trainer.train(net, source: &source, options: TrainingOptions(steps: steps, optimizer: Optimizer(.adam, learningRate: 1e-2),
                                                                               clipGradNorm: 1), recorder: &recorder)
        return (run, source)
    }

    /// Same node ⇒ the same batches, losses and weights bit for bit; another seed ⇒ other batches; each step's batch
    /// is the one its node gives on its own, and consecutive steps draw different trials.
    @Test func runsAreBitIdenticalPerSeedAndStepsAreAddressable() throws {
        let steps = 40
        let (a, source) = try Self.run(Self.root.child("run"), steps: steps)
        let (b, _) = try Self.run(Self.root.child("run"), steps: steps)
        let (c, _) = try Self.run(RandomStreams(seed: 15).child("fresh-trial-tests").child("run"), steps: steps)
        #expect(a.losses.count == steps + 1 && a.losses == b.losses && a.model.parameters == b.model.parameters)
        #expect(a.losses != c.losses)
        #expect(a.losses.last! < 0.5 * a.losses.first!)
        let trials = try TaskTrials(task: Self.task, batchSize: 8)
        var last = trials.makeBatch(), previous = trials.makeBatch()
        trials.draw(from: Self.root.child("run").child("trials").child(String(steps)), into: &last)
        trials.draw(from: source.node(step: steps - 1), into: &previous)
        #expect(source.batch == last)
        #expect(previous.inputs != last.inputs)
    }
}
