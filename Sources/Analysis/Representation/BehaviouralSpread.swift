import Foundation

/// Behavioural degeneracy σ_OOD (degeneracy paper §1.3): the spread of out-of-distribution losses over converged networks.
///
/// `standardDeviation = √((1/N) Σ_i (L_i − mean)²)`, the population standard deviation (divided by N, not N − 1),
/// computed in two passes.
public struct BehaviouralSpread: Sendable, Equatable {
    /// Number of networks N.
    public let count: Int
    /// Mean OOD loss.
    public let mean: Double
    /// Population standard deviation σ_OOD.
    public let standardDeviation: Double

    /// The spread of `losses` (one OOD loss per converged network); throws on an empty list or a non-finite loss.
    public init(losses: [Double]) throws {
        guard !losses.isEmpty else { throw RepresentationError.empty(field: "ood_losses") }
        guard losses.allSatisfy(\.isFinite) else { throw RepresentationError.nonFinite(field: "ood_losses") }
        count = losses.count
        mean = losses.reduce(0, +) / Double(count)
        let m = mean
        standardDeviation = (losses.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(count)).squareRoot()
    }

    /// The spread over the networks whose `converged` flag is set (the paper's convention); throws if none converged
    /// or the lists differ in length.
    public init(losses: [Double], converged: [Bool]) throws {
        guard losses.count == converged.count else {
            throw RepresentationError.invalidParameter(
                field: "converged", allowed: "one flag per OOD loss (\(losses.count) losses, \(converged.count) flags)")
        }
        try self.init(losses: zip(losses, converged).filter(\.1).map(\.0))
    }
}
