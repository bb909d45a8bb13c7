import Foundation
import Linalg

/// Singular vector CCA (Raghu et al. 2017): each side reduced by SVD to its top-k directions, then CCA.
///
/// Since CCA is invariant to invertible maps, CCA of the reduced data `U_k S_k` equals CCA of the bases `U_k`
/// (leading left singular vectors of the centred data). The distance orientation follows `CanonicalCorrelations.Score`.
public struct SVCCA: Sendable, Equatable {
    /// How many singular directions each side keeps.
    public enum Dimensions: Sendable, Equatable, Hashable {
        /// The fewest leading directions whose squared singular values reach this fraction (0, 1] of the total.
        case varianceFraction(Double)
        /// A fixed count k ≥ 1 (lowered to the numerical rank when that is smaller).
        case fixed(Int)
    }

    /// Directions kept for X.
    public let keptX: Int
    /// Directions kept for Y.
    public let keptY: Int
    /// CCA between the reduced representations.
    public let canonical: CanonicalCorrelations

    /// The mean canonical correlation of the reduced representations.
    public var meanCorrelation: Double { canonical.mean }

    /// SVCCA between X (m × p) and Y (m × q).
    public init(_ x: Matrix, _ y: Matrix, dimensions: Dimensions = .varianceFraction(0.99)) throws {
        try SVCCA.validate(dimensions)
        try self.init(CentredColumnSpace(x, field: "X"), CentredColumnSpace(y, field: "Y"), dimensions: dimensions)
    }

    /// SVCCA between two trajectory sets, flattened by `samples`.
    public init(_ x: TrialTrajectories, _ y: TrialTrajectories, dimensions: Dimensions = .varianceFraction(0.99),
                samples: TrajectorySamples = .everyStep) throws {
        try self.init(x.responseMatrix(samples), y.responseMatrix(samples), dimensions: dimensions)
    }

    /// SVCCA between prepared systems.
    init(_ x: CentredColumnSpace, _ y: CentredColumnSpace, dimensions: Dimensions) throws {
        keptX = SVCCA.kept(x, dimensions)
        keptY = SVCCA.kept(y, dimensions)
        canonical = try CanonicalCorrelations(bases: x.leading(keptX), y.leading(keptY), fields: (x.field, y.field))
    }

    /// The number of directions `dimensions` keeps for `space` (between 1 and its rank).
    static func kept(_ space: CentredColumnSpace, _ dimensions: Dimensions) -> Int {
        switch dimensions {
        case let .fixed(k):
            return min(k, space.rank)
        case let .varianceFraction(fraction):
            let squares = space.singularValues.map { $0 * $0 }
            let target = fraction * squares.reduce(0, +)
            var cumulative = 0.0
            for (i, s) in squares.enumerated() {
                cumulative += s
                if cumulative >= target { return min(i + 1, space.rank) }
            }
            return space.rank
        }
    }

    /// Throws unless the fraction is in (0, 1] or the count is ≥ 1.
    static func validate(_ dimensions: Dimensions) throws {
        switch dimensions {
        case let .fixed(k):
            guard k >= 1 else { throw RepresentationError.invalidParameter(field: "svcca_dimensions", allowed: "≥ 1 (got \(k))") }
        case let .varianceFraction(f):
            guard f > 0, f <= 1 else {
                throw RepresentationError.invalidParameter(field: "svcca_variance_fraction", allowed: "in (0, 1] (got \(f))")
            }
        }
    }
}
