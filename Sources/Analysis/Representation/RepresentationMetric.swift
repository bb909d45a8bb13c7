import Foundation
import Linalg

/// A representational similarity metric with its distance orientation (every distance is 0 for identical inputs and
/// symmetric in its two arguments).
public enum RepresentationMetric: Sendable, Equatable, Hashable {
    /// Linear CKA; `angular: true` gives netrep's `arccos(CKA)` ∈ [0, π/2] (a metric), `false` gives `1 − CKA` ∈ [0, 1].
    case cka(angular: Bool)
    /// Procrustes shape distance with whitening α ∈ [0, 1]: angular (radians) or Euclidean.
    case procrustes(alpha: Double, score: ProcrustesShapeDistance.Score)
    /// CCA: `1 − ρ̄` or `arccos ρ̄`.
    case cca(score: CanonicalCorrelations.Score)
    /// SVCCA: `1 − ρ̄` or `arccos ρ̄` of the reduced representations.
    case svcca(dimensions: SVCCA.Dimensions, score: CanonicalCorrelations.Score)
    /// RSA: `1 − correlation` of the RDMs.
    case rsa(RepresentationalSimilarityAnalysis.Options)

    /// The distance between X (m × p) and Y (m × q).
    public func distance(_ x: Matrix, _ y: Matrix) throws -> Double {
        try distance(prepare(x, field: "X"), prepare(y, field: "Y"))
    }

    /// The distance between two trajectory sets, flattened by `samples`.
    public func distance(_ x: TrialTrajectories, _ y: TrialTrajectories, samples: TrajectorySamples = .everyStep) throws
        -> Double {
        try distance(x.responseMatrix(samples), y.responseMatrix(samples))
    }

    /// Throws unless the metric's parameters are in their domains.
    public func validate() throws {
        switch self {
        case let .procrustes(alpha, _):
            try ProcrustesShapeDistance.validate(
                alpha: alpha, relativeEigenvalueFloor: ProcrustesShapeDistance.defaultRelativeEigenvalueFloor)
        case let .svcca(dimensions, _): try SVCCA.validate(dimensions)
        case .cka, .cca, .rsa: return
        }
    }

    /// One system's per-metric precomputation (centring, whitening, SVD basis, RDM), shared by all of its pairs.
    enum Prepared: Sendable {
        case centred(CentredResponses)
        case whitened(WhitenedResponses)
        case columnSpace(CentredColumnSpace)
        case rdm(PreparedRDM)
    }

    /// The precomputation for `x`.
    func prepare(_ x: Matrix, field: String) throws -> Prepared {
        try validate()
        switch self {
        case .cka: return .centred(try CentredResponses(x, field: field))
        case let .procrustes(alpha, _):
            return .whitened(try WhitenedResponses(
                x, alpha: alpha, relativeEigenvalueFloor: ProcrustesShapeDistance.defaultRelativeEigenvalueFloor,
                field: field))
        case .cca, .svcca: return .columnSpace(try CentredColumnSpace(x, field: field))
        case let .rsa(options): return .rdm(try PreparedRDM(x, options: options, field: field))
        }
    }

    /// The distance between two systems prepared by this metric.
    func distance(_ a: Prepared, _ b: Prepared) throws -> Double {
        switch (self, a, b) {
        case let (.cka(angular), .centred(x), .centred(y)):
            let cka = try LinearCKA(x, y)
            return angular ? cka.angularDistance : cka.complementDistance
        case let (.procrustes(alpha, score), .whitened(x), .whitened(y)):
            return try ProcrustesShapeDistance(x, y, alpha: alpha).score(score)
        case let (.cca(score), .columnSpace(x), .columnSpace(y)):
            return try CanonicalCorrelations(bases: x.basis, y.basis, fields: (x.field, y.field)).score(score)
        case let (.svcca(dimensions, score), .columnSpace(x), .columnSpace(y)):
            return try SVCCA(x, y, dimensions: dimensions).canonical.score(score)
        case let (.rsa(options), .rdm(x), .rdm(y)):
            return try RepresentationalSimilarityAnalysis(x, y, comparison: options.comparison).distance
        default:
            preconditionFailure("RepresentationMetric: systems prepared for another metric")
        }
    }
}
