import Linalg
import Networks

/// Where a training step gets its loss and gradient from: the full batch, random minibatches, or the
/// exact population statistics of whitened data.
public protocol GradientSource {
    /// The model type the source differentiates.
    associatedtype Model: DifferentiableModel
    /// Loss at `model` for step `step`; writes the gradient into `gradients` (preallocated, parameter shapes).
    mutating func lossAndGradient(_ model: Model, step: Int, into gradients: inout [Matrix]) -> Double
    /// Largest |hidden state| seen in the last evaluation (0 if not tracked).
    var maxAbsState: Double { get }
}

/// Full-batch gradients on one fixed `SequenceBatch` (plain gradient descent = Euler gradient flow).
public struct FullBatchGradient<Model: DifferentiableModel>: GradientSource {
    /// The training data.
    public let batch: SequenceBatch
    private var workspace: Model.Workspace
    private var model: Model

    /// A source for `batch`, with buffers sized from `model`.
    public init(batch: SequenceBatch, model: Model) {
        self.batch = batch
        self.model = model
        self.workspace = model.makeWorkspace(for: batch)
    }

    public mutating func lossAndGradient(_ model: Model, step: Int, into gradients: inout [Matrix]) -> Double {
        let loss = model.lossAndGradient(batch, workspace: &workspace)
        model.withGradients(in: &workspace) { swap(&$0, &gradients) }
        return loss
    }

    public var maxAbsState: Double { model.maxAbsState(in: workspace) }
}

/// Minibatch gradients: each step draws `batchSize` distinct trajectories from a seeded stream.
public struct MinibatchGradient<Model: DifferentiableModel>: GradientSource {
    /// The full training set.
    public let data: SequenceBatch
    /// Trajectories per step.
    public let batchSize: Int
    private var minibatch: SequenceBatch
    private var workspace: Model.Workspace
    private var rng: Xoshiro256
    private var order: [Int]
    private var indices: [Int]
    private var cursor: Int
    private let model: Model

    /// Samples without replacement within an epoch (reshuffled each epoch) from `rng`.
    public init(data: SequenceBatch, batchSize: Int, model: Model, rng: Xoshiro256) {
        precondition(batchSize >= 1 && batchSize <= data.samples, "batch size must be in 1…\(data.samples)")
        self.data = data
        self.batchSize = batchSize
        self.minibatch = data.makeMinibatch(count: batchSize)
        self.workspace = model.makeWorkspace(for: minibatch)
        self.rng = rng
        self.order = Array(0..<data.samples)
        self.indices = [Int](repeating: 0, count: batchSize)
        self.cursor = data.samples
        self.model = model
    }

    public mutating func lossAndGradient(_ model: Model, step: Int, into gradients: inout [Matrix]) -> Double {
        for j in 0..<batchSize {
            if cursor == order.count {
                // Fisher–Yates with the seeded stream: reproducible epochs.
                for i in stride(from: order.count - 1, to: 0, by: -1) {
                    let k = Int(rng.next() % UInt64(i + 1))
                    order.swapAt(i, k)
                }
                cursor = 0
            }
            indices[j] = order[cursor]
            cursor += 1
        }
        data.gather(indices, into: &minibatch)
        let loss = model.lossAndGradient(minibatch, workspace: &workspace)
        model.withGradients(in: &workspace) { swap(&$0, &gradients) }
        return loss
    }

    public var maxAbsState: Double { model.maxAbsState(in: workspace) }
}

/// Exact population gradients of a `LinearRNN` from task statistics (Proca et al. Eqs. 23–25, or a batch's
/// sufficient statistics), cost independent of P.
public struct PopulationGradient: GradientSource {
    /// The task statistics.
    public let task: PopulationCorrelations
    private var workspace: LinearRNN.PopulationWorkspace

    /// A source for `task` with buffers sized from `model`; a nil `route` picks the fused kernel when it handles the sizes.
    public init(task: PopulationCorrelations, model: LinearRNN, route: PopulationRoute? = nil) {
        self.task = task
        self.workspace = model.makePopulationWorkspace(for: task, route: route)
    }

    /// How the source evaluates the loss and gradient.
    public var route: PopulationRoute { workspace.route }

    public mutating func lossAndGradient(_ model: LinearRNN, step: Int, into gradients: inout [Matrix]) -> Double {
        let loss = model.populationLossAndGradient(task, workspace: &workspace)
        swap(&workspace.gradients, &gradients)
        return loss
    }

    public var maxAbsState: Double { 0 }
}
