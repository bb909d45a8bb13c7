import Foundation
import Linalg

/// Representational similarity analysis (Kriegeskorte et al. 2008): correlate two systems' RDMs over their upper
/// triangles; `distance = 1 − correlation` (in [0, 2], 0 for identical inputs).
public struct RepresentationalSimilarityAnalysis: Sendable, Equatable {
    /// How the two RDMs are correlated.
    public enum Comparison: String, Sendable, CaseIterable {
        /// Spearman ρ, tied dissimilarities sharing their average rank.
        case spearman
        /// Pearson r.
        case pearson
        /// Kendall τ_A (ties count as neither concordant nor discordant).
        case kendallTauA = "kendall_tau_a"
    }

    /// RDM and comparison settings.
    public struct Options: Sendable, Equatable, Hashable {
        /// Dissimilarity between condition patterns.
        public var dissimilarity: RepresentationalDissimilarityMatrix.Dissimilarity
        /// Correlation between the RDMs.
        public var comparison: Comparison

        /// Correlation-distance RDMs compared by Spearman unless stated.
        public init(dissimilarity: RepresentationalDissimilarityMatrix.Dissimilarity = .correlation,
                    comparison: Comparison = .spearman) {
            self.dissimilarity = dissimilarity
            self.comparison = comparison
        }
    }

    /// The correlation between the RDMs.
    public let correlation: Double
    /// `1 − correlation`.
    public var distance: Double { 1 - correlation }

    /// RSA between X (M conditions × p) and Y (M conditions × q); rows are condition patterns.
    public init(_ x: Matrix, _ y: Matrix, options: Options = Options()) throws {
        try self.init(PreparedRDM(x, options: options, field: "X"), PreparedRDM(y, options: options, field: "Y"),
                      comparison: options.comparison)
    }

    /// RSA between two trajectory sets; the conditions are the rows `samples` gives (each (trial, step) state, or
    /// each step's trial average).
    public init(_ x: TrialTrajectories, _ y: TrialTrajectories, options: Options = Options(),
                samples: TrajectorySamples = .everyStep) throws {
        try self.init(x.responseMatrix(samples), y.responseMatrix(samples), options: options)
    }

    /// RSA between prepared RDMs.
    init(_ x: PreparedRDM, _ y: PreparedRDM, comparison: Comparison) throws {
        try ResponseChecks.requireSameRows(x.rdm.conditions, y.rdm.conditions, fields: (x.field, y.field))
        switch comparison {
        case .spearman, .pearson: correlation = try RankCorrelation.pearson(x.compared, y.compared)  // ranks for Spearman
        case .kendallTauA: correlation = try RankCorrelation.kendallTauA(x.compared, y.compared)
        }
    }
}

/// One system's RDM and the values its comparison correlates (average ranks for Spearman), computed once.
struct PreparedRDM: Sendable {
    /// The RDM.
    let rdm: RepresentationalDissimilarityMatrix
    /// Upper-triangle values, or their average ranks for Spearman.
    let compared: [Double]
    /// Name used in errors.
    let field: String

    init(_ x: Matrix, options: RepresentationalSimilarityAnalysis.Options, field: String) throws {
        rdm = try RepresentationalDissimilarityMatrix(x, dissimilarity: options.dissimilarity, field: field)
        let first = rdm.upperTriangle[0]
        guard rdm.upperTriangle.contains(where: { $0 != first }) else {
            throw RepresentationError.zeroVariance(field: "\(field) RDM (all dissimilarities equal)")
        }
        compared = options.comparison == .spearman ? RankCorrelation.averageRanks(rdm.upperTriangle) : rdm.upperTriangle
        self.field = field
    }
}
