import Foundation
import Linalg

/// The Procrustes shape distance with partial whitening α (Williams et al. 2021; netrep `LinearMetric`).
///
/// Both sides are centred and partially whitened (`WhitenedResponses`: X̃ = X_c Z_α, total variance preserved), the
/// narrower one is zero-padded to the common width n, and the SVD `X̃ᵀỸ = U S Vᵀ` gives the optimal rotation
/// `Q = U Vᵀ` (n × n). Scores (0 for identical inputs, symmetric in X and Y):
/// - `angular = arccos(⟨X̃U, ỸV⟩_F / (‖X̃‖_F ‖Ỹ‖_F))` in [0, π/2], a metric; evaluated as
///   `2 asin(‖X̃Q/‖X̃‖ − Ỹ/‖Ỹ‖‖_F / 2)`, the same angle without arccos's loss of accuracy near 0;
/// - `euclidean = ‖X̃U − ỸV‖_F = ‖X̃Q − Ỹ‖_F`, in the data's units (it scales with the data).
/// α = 1: rotation only (angular score invariant to rotation, translation and isotropic scaling); α = 0: full
/// whitening, CCA-like (angular score invariant to any invertible linear map).
public struct ProcrustesShapeDistance: Sendable {
    /// Which number the all-pairs routine reports.
    public enum Score: String, Sendable, CaseIterable {
        /// Angle between aligned, normalised representations (radians).
        case angular
        /// Frobenius distance between the aligned representations.
        case euclidean
    }

    /// The default relative eigenvalue floor (see `WhitenedResponses`).
    public static let defaultRelativeEigenvalueFloor = 1e-10

    /// Whitening parameter α ∈ [0, 1].
    public let alpha: Double
    /// Angular score (radians, in [0, π/2]).
    public let angular: Double
    /// Euclidean score.
    public let euclidean: Double
    /// The optimal rotation Q (n × n, n = max(p, q)): `X̃Q` is the closest rotation of X̃ (zero-padded) to Ỹ.
    public let rotation: Matrix

    /// The requested score.
    public func score(_ score: Score) -> Double { score == .angular ? angular : euclidean }

    /// The distance between X (m × p) and Y (m × q); `relativeEigenvalueFloor` drops scatter eigenvalues at or below
    /// that fraction of the largest (used only when α < 1).
    public init(_ x: Matrix, _ y: Matrix, alpha: Double = 1,
                relativeEigenvalueFloor: Double = ProcrustesShapeDistance.defaultRelativeEigenvalueFloor) throws {
        try self.init(
            WhitenedResponses(x, alpha: alpha, relativeEigenvalueFloor: relativeEigenvalueFloor, field: "X"),
            WhitenedResponses(y, alpha: alpha, relativeEigenvalueFloor: relativeEigenvalueFloor, field: "Y"), alpha: alpha)
    }

    /// The distance between two trajectory sets, flattened by `samples`.
    public init(_ x: TrialTrajectories, _ y: TrialTrajectories, alpha: Double = 1, samples: TrajectorySamples = .everyStep,
                relativeEigenvalueFloor: Double = ProcrustesShapeDistance.defaultRelativeEigenvalueFloor) throws {
        try self.init(x.responseMatrix(samples), y.responseMatrix(samples), alpha: alpha,
                      relativeEigenvalueFloor: relativeEigenvalueFloor)
    }

    /// The distance between prepared systems (whitened with the same α).
    init(_ x: WhitenedResponses, _ y: WhitenedResponses, alpha: Double) throws {
        try ResponseChecks.requireSameRows(x.whitened.rows, y.whitened.rows, fields: (x.field, y.field))
        let width = max(x.whitened.cols, y.whitened.cols)
        let a = x.padded(to: width), b = y.padded(to: width)
        let svd = try a.transposeTimes(b).svd()
        rotation = svd.U * svd.Vt
        let aligned = a * rotation
        euclidean = (aligned - b).frobeniusNorm
        let chord = ((1 / x.norm) * aligned - (1 / y.norm) * b).frobeniusNorm
        angular = 2 * asin(min(1, chord / 2))
        self.alpha = alpha
    }

    /// Throws unless α ∈ [0, 1] and the floor is in [0, 1).
    static func validate(alpha: Double, relativeEigenvalueFloor: Double) throws {
        guard alpha >= 0, alpha <= 1 else {
            throw RepresentationError.invalidParameter(field: "alpha", allowed: "a number in [0, 1] (got \(alpha))")
        }
        guard relativeEigenvalueFloor >= 0, relativeEigenvalueFloor < 1 else {
            throw RepresentationError.invalidParameter(
                field: "relative_eigenvalue_floor", allowed: "a number in [0, 1) (got \(relativeEigenvalueFloor))")
        }
    }
}
