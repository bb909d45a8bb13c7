import Foundation
import Linalg
import Numerics

/// The circular law: the eigenvalues of an `N × N` matrix with iid N(0, σ²/N) entries fill the disk |z| ≤ σ uniformly
/// as N → ∞ (density 1/(πσ²) inside, 0 outside).
public struct CircularLaw: Sendable, Equatable {
    /// Entry scale σ, which is also the radius of the limiting disk.
    public let sigma: Double

    /// The law for entries of variance σ²/N.
    public init(sigma: Double) {
        precondition(sigma >= 0 && sigma.isFinite, "sigma must be finite and non-negative")
        self.sigma = sigma
    }

    /// The law whose σ matches `w` in mean square: σ̂ = ‖W‖_F / √N (unbiased for σ² when W is iid N(0, σ²/N)).
    public init(estimatingFrom w: Matrix) {
        precondition(w.isSquare && w.rows > 0, "need a non-empty square matrix")
        self.init(sigma: w.frobeniusNorm / Double(w.rows).squareRoot())
    }

    /// Radius of the bulk disk (= σ).
    public var radius: Double { sigma }

    /// Limiting eigenvalue density at `z` (per unit area).
    public func density(at z: Complex<Double>) -> Double {
        sigma > 0 && z.length <= sigma ? 1 / (Double.pi * sigma * sigma) : 0
    }

    /// The disk's boundary as a closed polyline for plotting: `points + 1` vertices, the last equal to the first.
    public func boundary(points: Int = 256) -> (real: [Double], imaginary: [Double]) {
        precondition(points >= 3, "a boundary needs at least 3 points")
        let angles = (0...points).map { 2 * Double.pi * Double($0 % points) / Double(points) }
        return (angles.map { sigma * cos($0) }, angles.map { sigma * sin($0) })
    }
}

/// Decides which eigenvalues lie outside the random bulk: |z| > r · (1 + relativeMargin) + absoluteMargin.
///
/// The bulk radius `r` is either σ from the circular law (the N → ∞ edge), or the largest modulus of the first
/// recorded spectrum (the finite-N edge of the initial matrix, assumed to have no outliers yet). The relative margin
/// absorbs finite-N edge fluctuations (the spectral radius of an iid matrix exceeds σ by a few % at N in the
/// hundreds); the absolute margin keeps round-off eigenvalues of a zero matrix (σ = 0) inside the bulk.
public struct BulkOutlierRule: Sendable, Equatable {
    /// Where the bulk radius comes from.
    public enum Radius: Sendable, Equatable {
        /// The circular-law radius σ.
        case circularLaw(sigma: Double)
        /// The largest modulus in the first recorded spectrum.
        case initialSpectrum
    }

    /// Source of the bulk radius.
    public var radius: Radius
    /// Relative widening of the bulk radius.
    public var relativeMargin: Double
    /// Absolute widening of the bulk radius.
    public var absoluteMargin: Double

    /// A rule with the given radius and margins.
    public init(radius: Radius, relativeMargin: Double = 0.1, absoluteMargin: Double = 1e-6) {
        precondition(relativeMargin >= 0 && absoluteMargin >= 0, "margins must be non-negative")
        self.radius = radius
        self.relativeMargin = relativeMargin
        self.absoluteMargin = absoluteMargin
    }

    /// The modulus above which an eigenvalue counts as an outlier, given the first recorded spectrum.
    public func threshold(initialSpectrum: [Complex<Double>]) -> Double {
        let r: Double
        switch radius {
        case .circularLaw(let sigma): r = sigma
        case .initialSpectrum: r = initialSpectrum.map(\.length).max() ?? 0
        }
        return r * (1 + relativeMargin) + absoluteMargin
    }
}

/// A tracked eigenvalue that ends outside the bulk.
public struct SpectralOutlier: Sendable, Equatable {
    /// Index of the track in `EigenvalueTracks.values`.
    public let track: Int
    /// First recorded index from which the track stays outside the bulk up to the last record.
    public let exitIndex: Int
    /// The recorded time at `exitIndex` (when the eigenvalue left the bulk for good).
    public let exitTime: Double
    /// The track's last value.
    public let finalValue: Complex<Double>
}

extension EigenvalueTracks {
    /// The tracks outside the bulk at the last record, each with the time it left the bulk for good, ordered by
    /// exit time (then by decreasing final modulus).
    public func outliers(rule: BulkOutlierRule) -> [SpectralOutlier] {
        guard let last = times.indices.last else { return [] }
        let threshold = rule.threshold(initialSpectrum: values.map { $0[0] })
        var found: [SpectralOutlier] = []
        for (k, track) in values.enumerated() where track[last].length > threshold {
            var exit = last
            while exit > 0 && track[exit - 1].length > threshold { exit -= 1 }
            found.append(SpectralOutlier(track: k, exitIndex: exit, exitTime: times[exit], finalValue: track[last]))
        }
        return found.sorted { ($0.exitIndex, -$0.finalValue.length) < ($1.exitIndex, -$1.finalValue.length) }
    }
}
