import Foundation
import Linalg
import Networks

/// The update rules rnndyn trains with.
public enum OptimizerKind: String, Sendable, Codable, CaseIterable {
    /// Plain (full-batch or minibatch) gradient descent `W ← W − η g`.
    case gd
    /// Minibatch stochastic gradient descent (same rule as `gd`; the gradient source draws minibatches).
    case sgd
    /// Adam (Kingma & Ba 2015) with bias correction.
    case adam
}

/// A first-order optimizer holding its own state (Adam moments), preallocated on first use.
public struct Optimizer: Sendable {
    /// The update rule.
    public let kind: OptimizerKind
    /// Step size η.
    public var learningRate: Double
    /// Adam's β₁.
    public var beta1: Double
    /// Adam's β₂.
    public var beta2: Double
    /// Adam's ε.
    public var epsilon: Double
    private var firstMoment: [Matrix] = []
    private var secondMoment: [Matrix] = []
    private var t = 0

    /// An optimizer of `kind` with step size `learningRate` (Adam defaults 0.9, 0.999, 1e-8).
    public init(_ kind: OptimizerKind, learningRate: Double, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8) {
        self.kind = kind
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    /// Applies one update to `model` from `gradients` (same block order and shapes). Allocation-free after the first call.
    public mutating func step<M: DifferentiableModel>(_ model: inout M, gradients: [Matrix]) {
        let eta = learningRate
        switch kind {
        case .gd, .sgd:
            model.updateParameters { i, w in
                w.storage.withUnsafeMutableBufferPointer { wp in
                    gradients[i].storage.withUnsafeBufferPointer { gp in
                        for k in wp.indices { wp[k] -= eta * gp[k] }
                    }
                }
            }
        case .adam:
            if firstMoment.isEmpty {
                firstMoment = gradients.map { Matrix(rows: $0.rows, cols: $0.cols) }
                secondMoment = firstMoment
            }
            t += 1
            let b1 = beta1, b2 = beta2, eps = epsilon
            let c1 = 1 - pow(b1, Double(t)), c2 = 1 - pow(b2, Double(t))
            model.updateParameters { i, w in
                w.storage.withUnsafeMutableBufferPointer { wp in
                    gradients[i].storage.withUnsafeBufferPointer { gp in
                        firstMoment[i].storage.withUnsafeMutableBufferPointer { m in
                            secondMoment[i].storage.withUnsafeMutableBufferPointer { v in
                                for k in wp.indices {
                                    let g = gp[k]
                                    m[k] = b1 * m[k] + (1 - b1) * g
                                    v[k] = b2 * v[k] + (1 - b2) * g * g
                                    wp[k] -= eta * (m[k] / c1) / ((v[k] / c2).squareRoot() + eps)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A penalty added to the loss with its exact gradient.
public protocol Regularizer: Sendable {
    /// Adds the penalty's gradient to `gradients` and returns the penalty value at `model`'s parameters.
    func apply<M: DifferentiableModel>(to model: M, gradients: inout [Matrix]) -> Double
}

/// `(λ/2) Σ_blocks ‖W‖²_F` over the selected blocks (all blocks when `blocks` is nil).
public struct L2Penalty: BlockPenalty {
    public let strength: Double, blocks: Set<Int>?

    public init(strength: Double, blocks: Set<Int>? = nil) { (self.strength, self.blocks) = (strength, blocks) }

    public func apply<M: DifferentiableModel>(to model: M, gradients: inout [Matrix]) -> Double {
        var value = 0.0
        model.forEachParameter { i, w in
            guard penalises(i) else { return }
            value += 0.5 * strength * w.dot(w)
            gradients[i].addScaled(w, strength)
        }
        return value
    }
}
