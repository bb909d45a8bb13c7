import Foundation
import Linalg

/// Canonical correlation analysis between two response matrices: the canonical correlations and their summaries.
///
/// ρ_i are the singular values of `Σ_XX^{−1/2} Σ_XY Σ_YY^{−1/2}` for the centred data, computed stably as the
/// singular values of `U_Xᵀ U_Y`, with U_X, U_Y orthonormal bases of the centred column spaces
/// (`CentredColumnSpace`); there are min(rank X_c, rank Y_c) of them, descending, clamped to [0, 1]. CCA is invariant
/// to any invertible linear map of either side. With rank X_c + rank Y_c > m − 1 some correlations are 1 trivially:
/// use many more samples than units (or SVCCA).
public struct CanonicalCorrelations: Sendable, Equatable {
    /// Which summary the all-pairs routine reports as a distance (0 for identical inputs).
    public enum Score: String, Sendable, CaseIterable {
        /// `1 − ρ̄`, in [0, 1].
        case oneMinusMean = "one_minus_mean"
        /// `arccos ρ̄`, in [0, π/2].
        case angular
    }

    /// The canonical correlations, descending, in [0, 1].
    public let correlations: [Double]

    /// The mean canonical correlation ρ̄.
    public var mean: Double { correlations.reduce(0, +) / Double(correlations.count) }
    /// `1 − ρ̄`.
    public var oneMinusMean: Double { 1 - mean }
    /// `arccos ρ̄` (radians).
    public var angular: Double { acos(min(1, max(0, mean))) }

    /// The requested distance.
    public func score(_ score: Score) -> Double { score == .oneMinusMean ? oneMinusMean : angular }

    /// CCA between X (m × p) and Y (m × q); throws on a row mismatch, m < 2, non-finite entries or a constant side.
    public init(_ x: Matrix, _ y: Matrix) throws {
        let a = try CentredColumnSpace(x, field: "X"), b = try CentredColumnSpace(y, field: "Y")
        try self.init(bases: a.basis, b.basis, fields: (a.field, b.field))
    }

    /// CCA between two trajectory sets, flattened by `samples`.
    public init(_ x: TrialTrajectories, _ y: TrialTrajectories, samples: TrajectorySamples = .everyStep) throws {
        try self.init(x.responseMatrix(samples), y.responseMatrix(samples))
    }

    /// CCA between the spans of two orthonormal bases over the same samples.
    init(bases x: Matrix, _ y: Matrix, fields: (String, String)) throws {
        try ResponseChecks.requireSameRows(x.rows, y.rows, fields: fields)
        correlations = try x.transposeTimes(y).singularValues().map { min(1, max(0, $0)) }
    }
}
