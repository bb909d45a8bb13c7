import Analysis
import Networks
import Training

/// The network every seed of a condition trains.
public enum DegeneracyNetwork: Sendable, Equatable {
    /// The baseline (spec §2.1): a PyTorch-default tanh RNN (`TanhRNN.pytorchDefault`, U(−1/√n, 1/√n) weights, both
    /// biases, h_0 = 0), trained at the recipe's Adam rate.
    case tanh
    /// The µP leaky rate RNN of the learning-regime and width experiments (spec §2.2): α = dt/τ, recurrent
    /// multiplier 1/N with J ~ N(0, N), readout 1/(γN), and Adam rate γ·η0 for every group (the recipe's rate is
    /// not used).
    case leakyMuP(alpha: Double, gamma: Double, eta0: Double)
}

/// A structural penalty on the recurrent matrix (spec §4): the nuclear norm λ Σσ_i(W_h) (exact subgradient) or
/// λ Σ|w_ij| (plain subgradient with Adam, as the paper does). The stopping threshold watches the task loss (the
/// paper's "training MSE"), so a penalty changes the solution found, not whether the task counts as learned.
public enum DegeneracyPenalty: Sendable, Equatable {
    /// λ times the nuclear norm of W_h.
    case nuclear(Double)
    /// λ times the entrywise L1 norm of W_h.
    case l1(Double)
}

/// How every network of a condition is built and trained: the network (`DegeneracyNetwork`), Adam on fresh trials,
/// gradient-norm clipping, ReduceLROnPlateau stepped per epoch, an optional penalty on W_h, and the paper's stopping
/// rule: the loss at an epoch's end at or below `lossThreshold`, then `patienceEpochs` more epochs below it;
/// `maxSteps` caps the run.
public struct DegeneracyTraining: Sendable, Equatable {
    /// Hidden units n.
    public var width: Int
    /// Trials per step.
    public var batchSize: Int
    /// Adam learning rate (of the tanh network; µP networks use γ·η0).
    public var learningRate: Double
    /// Global gradient-norm clip (0: none).
    public var clipNorm: Double
    /// Optimizer steps per epoch (the lab's 128).
    public var stepsPerEpoch: Int
    /// Training-MSE threshold of the stopping rule (the paper's per-task value at full scale).
    public var lossThreshold: Double
    /// Epochs the loss must stay at or below the threshold before stopping.
    public var patienceEpochs: Int
    /// Step budget; a run still above the threshold here has not converged.
    public var maxSteps: Int
    /// ReduceLROnPlateau factor and patience (epochs).
    public var plateauFactor: Double, plateauPatience: Int
    /// The network.
    public var network: DegeneracyNetwork = .tanh
    /// The penalty on W_h (none by default).
    public var penalty: DegeneracyPenalty? = nil

    /// The Adam learning rate the network trains at.
    public var adamRate: Double {
        if case let .leakyMuP(_, gamma, eta0) = network { return gamma * eta0 }
        return learningRate
    }

    /// The trainer's options for a network of type `M` (the penalty acts on `M`'s recurrent block).
    func options<M: RecurrentBlockModel>(_: M.Type) -> TrainingOptions {
        var regularizers: [any Regularizer] = []
        switch penalty {
        case let .nuclear(lambda)? where lambda > 0: regularizers.append(NuclearNormPenalty(strength: lambda, blocks: [M.recurrentBlock]))
        case let .l1(lambda)? where lambda > 0: regularizers.append(L1Penalty(strength: lambda, blocks: [M.recurrentBlock]))
        default: break
        }
        var stopping = StoppingRules(lossThreshold: lossThreshold, patience: .epochs(patienceEpochs, stepsPerEpoch: stepsPerEpoch),
                                     checkEvery: stepsPerEpoch)
        stopping.thresholdOnTaskLoss = true
        return TrainingOptions(steps: maxSteps, optimizer: Optimizer(.adam, learningRate: adamRate), regularizers: regularizers,
                               stopping: stopping,
                               schedule: .reduceOnPlateau(ReduceLROnPlateau(factor: plateauFactor, patience: plateauPatience),
                                                          stepsPerEpoch: stepsPerEpoch),
                               clipGradNorm: clipNorm > 0 ? clipNorm : nil)
    }
}
