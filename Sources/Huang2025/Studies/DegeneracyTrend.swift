import ExperimentKit
import Linalg

/// One group's degeneracy measures per level (over converged networks) with their seed bootstrap, and the paper's
/// claims about their directions as claim checks.
public struct DegeneracyTrend: Sendable {
    /// The measures in bootstrap order.
    public enum Metric: Int, Sendable, CaseIterable {
        case dsa, pif, oodSpread, weightChange, kernelAlignment, oodMean

        /// Words for claims.
        var words: String {
            switch self {
            case .dsa: "dynamical degeneracy (mean pairwise DSA)"
            case .pif: "weight degeneracy (mean pairwise PIF / n²)"
            case .oodSpread: "behavioural degeneracy σ_OOD"
            case .weightChange: "weight change ‖W_h,T − W_h,0‖_F (mean)"
            case .kernelAlignment: "NTK kernel alignment KA(K_T, K_0) (mean)"
            case .oodMean: "mean OOD loss"
            }
        }

        /// Key in declarations and scalars.
        public var key: String {
            switch self {
            case .dsa: "dsa"
            case .pif: "pif"
            case .oodSpread: "ood_sigma"
            case .weightChange: "weight_change"
            case .kernelAlignment: "kernel_alignment"
            case .oodMean: "ood_mean"
            }
        }
    }

    /// Level values.
    public let levels: [Double]
    /// Networks trained and converged per level.
    public let trained: [Int], converged: [Int]
    /// Point estimates per level, by metric (all converged networks).
    public let values: [Metric: [Double]]
    /// Mean DSA null (self against fresh trials) per level.
    public let nullDSA: [Double]
    /// The seed bootstrap (measures in `Metric` order).
    public let bootstrap: SeedBootstrap

    /// A trend from per-level data over converged networks: distance matrices, OOD losses, weight changes, kernel
    /// alignments (empty lists when not measured) and null scores.
    public init(levels: [Double], trained: [Int], dsa: [Matrix], pif: [Matrix], oodLosses: [[Double]],
                weightChanges: [[Double]], kernelAlignments: [[Double]], nullDSA: [[Double]], resamples: Int,
                streams: RandomStreams) {
        self.levels = levels
        self.trained = trained
        converged = dsa.map(\.rows)
        let measures: [SeedBootstrap.Measure] = [.pairMean(dsa), .pairMean(pif), .spread(oodLosses), .mean(weightChanges),
                                                 .mean(kernelAlignments), .mean(oodLosses)]
        var values: [Metric: [Double]] = [:]
        for metric in Metric.allCases {
            values[metric] = levels.indices.map { measures[metric.rawValue].value(level: $0, pick: Array(0..<dsa[$0].rows)) }
        }
        self.values = values
        self.nullDSA = nullDSA.map { ConditionSummary.meanAndError($0).mean }
        bootstrap = SeedBootstrap(levels: levels, counts: converged, measures: measures, resamples: resamples, streams: streams)
    }

    /// The trend of a group's condition summaries.
    init(_ summaries: [ConditionSummary], resamples: Int, streams: RandomStreams) {
        self.init(levels: summaries.map(\.condition.level), trained: summaries.map(\.runs.count), dsa: summaries.map(\.dsa),
                  pif: summaries.map(\.pif), oodLosses: summaries.map { $0.convergedRuns.map(\.oodMSE) },
                  weightChanges: summaries.map { $0.convergedRuns.map(\.weightChange) },
                  kernelAlignments: summaries.map { $0.convergedRuns.map(\.kernelAlignment) },
                  nullDSA: summaries.map(\.nullDSA), resamples: resamples, streams: streams)
    }

    /// How dynamics (DSA) and weight (PIF) degeneracy move together under a knob: the paper's double dissociation.
    public enum Coupling: Sendable {
        /// Opposite directions (task complexity, γ).
        case opposite
        /// The same direction (width, regularization).
        case same
    }

    /// The paper's directions with complexity (December table): DSA ↓, PIF ↑, σ_OOD ↓, ‖ΔW‖ ↑, KA ↓.
    public static let complexityDirections: [(Metric, decreasing: Bool)] = [
        (.dsa, true), (.pif, false), (.oodSpread, true), (.weightChange, false), (.kernelAlignment, true),
    ]
    /// Memory demand and the auxiliary output (Fig. 4): DSA ↓, PIF ↑, σ_OOD ↓.
    public static let memoryDirections: [(Metric, decreasing: Bool)] = [(.dsa, true), (.pif, false), (.oodSpread, true)]
    /// γ under µP (Fig. 6 and Appendix M): DSA ↓, PIF ↑, σ_OOD ↑ and mean OOD loss ↑ (overfitting), ‖ΔW‖ ↑, KA ↓.
    public static let gammaDirections: [(Metric, decreasing: Bool)] = [
        (.dsa, true), (.pif, false), (.oodSpread, false), (.oodMean, false), (.weightChange, false), (.kernelAlignment, true),
    ]
    /// Width at fixed γ (Fig. 7) and regularization strength (Fig. 8): all three levels ↓.
    public static let shrinkingDirections: [(Metric, decreasing: Bool)] = [(.dsa, true), (.pif, true), (.oodSpread, true)]

    /// Checks for `directions` (each holds when at least `hold` of the resamples show the sign), the coupling of DSA
    /// and PIF (`coupling`), the DSA null (Appendix F.3: between-seed distances exceed a network's distance to itself
    /// on fresh trials), and that every level has ≥ 2 converged networks (a self-consistency check that must hold). `subject` names the group and knob ("flip-flop,
    /// channels 1…3"); `declared` maps metric keys (and `dissociation`, `null`) of paper claims rnndyn's data are known not to
    /// reproduce to the reason; `belowScale`, when set, is the reason given for every paper claim (a run below the
    /// paper's scale reports each direction with its numbers but cannot contradict the paper).
    public func checks(subject: String, directions: [(Metric, decreasing: Bool)], coupling: Coupling = .opposite,
                       hold: Double, declared: [String: String] = [:], belowScale: String? = nil) -> [ClaimCheck] {
        let counts = "converged/trained per level \(zip(converged, trained).map { "\($0)/\($1)" }.joined(separator: ", "))"
        var checks = [ClaimCheck(
            claim: "\(subject): every level has at least 2 converged networks (pairwise measures exist)",
            holds: converged.allSatisfy { $0 >= 2 }, evidence: counts, kind: .selfConsistency)]
        for (metric, decreasing) in directions {
            let values = values[metric]!
            guard values.contains(where: \.isFinite) else { continue }
            let fraction = bootstrap.fraction(metric.rawValue, decreasing: decreasing)
            checks.append(ClaimCheck(
                claim: "\(subject): \(metric.words) \(decreasing ? "decreases" : "increases") with the knob",
                holds: fraction >= hold,
                evidence: "per level \(Huang2025.format(values)); slope \(Huang2025.format(SeedBootstrap.slope(levels, values))); "
                    + "slope \(decreasing ? "< 0" : "> 0") in \(Huang2025.percent(fraction)) of \(bootstrap.slopes[metric.rawValue].count) seed resamples (needs ≥ \(Huang2025.percent(hold))); \(counts)",
                knownNonReproduction: declared[metric.key] ?? belowScale,
                belowPaperScale: declared[metric.key] == nil && belowScale != nil ? true : nil))
        }
        let opposite = coupling == .opposite
        let fraction = opposite ? bootstrap.oppositeFraction(Metric.dsa.rawValue, Metric.pif.rawValue)
            : bootstrap.sameSignFraction(Metric.dsa.rawValue, Metric.pif.rawValue)
        checks.append(ClaimCheck(
            claim: opposite ? "\(subject): double dissociation — DSA and PIF move in opposite directions"
                : "\(subject): DSA and PIF move in the same direction (covariant)",
            holds: fraction >= hold,
            evidence: "DSA \(Huang2025.format(values[.dsa]!)); PIF \(Huang2025.format(values[.pif]!)); slopes of \(opposite ? "opposite" : "the same") sign in \(Huang2025.percent(fraction)) of \(bootstrap.slopes[Metric.dsa.rawValue].count) seed resamples (needs ≥ \(Huang2025.percent(hold)))",
            knownNonReproduction: declared["dissociation"] ?? belowScale,
            belowPaperScale: declared["dissociation"] == nil && belowScale != nil ? true : nil))
        let between = values[.dsa]!
        checks.append(ClaimCheck(
            claim: "\(subject): DSA null — a network against itself on fresh probe trials scores below the between-seed mean, at every level",
            holds: !between.isEmpty && zip(nullDSA, between).allSatisfy { $0 < $1 },
            evidence: "self \(Huang2025.format(nullDSA)) vs between seeds \(Huang2025.format(between))",
            knownNonReproduction: declared["null"] ?? belowScale,
            belowPaperScale: declared["null"] == nil && belowScale != nil ? true : nil))
        return checks
    }
}
