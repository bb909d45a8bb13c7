import ExperimentKit
import FigureData
import Foundation
import Networks
import Tasks
import Theory

/// Bordelon et al. 2025, R3 (spec A.6): how the time to learn the leaky integrator e^{−c* t} depends on c*
/// (reconstructed model).
///
/// Time to learn = the first time the outlier's decay κ = 1 − λ reaches 1.1 c* (the spec's definition), measured
/// three ways from the aligned, balanced start (W0 = 0, u0 = v0, residue a0 = u·v/N, κ0 = 1): the full N-unit network
/// (Dormand–Prince 5(4), crossing refined between records), the exact (a, κ) reduction (RODAS3: the flow is stiff as
/// κ → c*), and the slow manifold a = 2κ/(κ + c*) in closed form. The reduction also gives the final λ (against
/// 1 − c*) and the extra time a small start a0 needs to escape the a ≈ 0 plateau.
public struct BordelonR3: Experiment, DeclaredParameters {
    /// The experiment.
    public init() {}
    public var id: String { "bordelon2025.r3" }
    public var paperFigure: String { "Bordelon et al. 2025, R3 (time to learn vs c*; reconstructed model)" }
    public var summary: String { "Time to learn e^(−c* t) vs c*: full network, exact (a, κ) reduction and slow manifold" }

    static let units = Parameter.int("units", 10, full: 60, in: 1...1000, unit: "units", doc: "hidden units N of the full network (the aligned start is exactly one-mode, so N only sets the cost)")
    static let targetRates = Parameter.doubles("c_stars", [0.5, 0.2, 0.05, 0.01], doc: "target decay rates c*, each in [0.005, 1]")
    static let fullRates = Parameter.doubles("full_c_stars", [0.5, 0.2, 0.05], full: [0.5, 0.2, 0.05, 0.01], doc: "the c* (among c_stars) also run through the full network (the stiff c* = 0.01 costs ~10⁵ gradients)")
    static let level = Parameter.double("level", 1.1, in: 1.001...10, doc: "learned when κ ≤ level × c* (spec: 1.1)")
    static let residue0 = Parameter.double("residue0", 1, in: 1e-6...10, doc: "initial residue a0 = u0·v0/N of the main runs (spec: 1)")
    static let smallResidue0 = Parameter.double("small_residue0", 1e-3, in: 1e-12...0.5, doc: "small initial residue of the escape-delay run (spec: 1e-3)")
    static let tFinal = Parameter.double("t_final", 40, in: 1...10_000, doc: "time at which the reduction's final λ is read")
    static let fullRecords = Parameter.int("full_records", 21, in: 3...10_000, doc: "records of each full-network run, evenly spaced up to 1.2 × the reduction's time to learn")
    static let curveTime = Parameter.double("curve_t_end", 6, in: 0.5...1000, doc: "end of the drawn κ(t) curves")
    static let tolerance = Parameter.double("tolerance", 1e-10, in: 1e-13...1e-3, doc: "relative tolerance of every integration")
    public static let declared = ParameterList([
        .init(units), .init(targetRates), .init(fullRates), .init(level), .init(residue0), .init(smallResidue0),
        .init(tFinal), .init(fullRecords), .init(curveTime), .init(tolerance),
    ])

    /// The spec's numbers (A.4) with half a unit of their last quoted digit: slow-manifold and 2-D (a0 = 1) times to
    /// κ = 1.1 c*, keyed by c*.
    static let specSlowManifold: [Double: (Double, Double)] = [0.5: (4.07, 0.005), 0.2: (1.1649, 5e-5), 0.05: (0.4548, 5e-5), 0.01: (0.35, 0.005)]
    static let specReduced: [Double: (Double, Double)] = [0.5: (4.50, 0.005), 0.2: (1.61, 0.005), 0.05: (0.65, 0.005), 0.01: (0.44, 0.005)]
    /// The spec's escape delay for a0 = 1e-3 ("about 1.8 to 2.9"), widened by half a unit of the quoted digit.
    static let specDelay = 1.75...2.95

    /// The measured numbers of one c*, for the checks.
    struct Outcome: Equatable {
        var cStar: Double
        /// Slow-manifold time (closed form).
        var slowManifold: Double
        /// Reduction's time from a0 (the main start).
        var reduced: Double
        /// Reduction's time from the small a0 minus `reduced`.
        var escapeDelay: Double
        /// The full network's time (nil when not run).
        var full: Double?
        /// The reduction's λ at t_final.
        var finalLambda: Double
    }

    public func run(parameters p: ConfigReader, context: RunContext) throws -> ExperimentResult {
        let n = try p.read(Self.units)
        let cStars = try p.read(Self.targetRates)
        let fullCStars = try p.read(Self.fullRates)
        let level = try p.read(Self.level)
        let a0 = try p.read(Self.residue0)
        let aSmall = try p.read(Self.smallResidue0)
        let tFinal = try p.read(Self.tFinal)
        let fullCount = try p.read(Self.fullRecords)
        let curveEnd = try p.read(Self.curveTime)
        let tol = try p.read(Self.tolerance)
        guard !cStars.isEmpty, cStars.allSatisfy({ $0 >= 0.005 && $0 <= 1 }) else {
            throw ConfigError(key: "\(p.path).c_stars", "needs at least one c*, each in [0.005, 1]")
        }
        guard fullCStars.allSatisfy(cStars.contains) else {
            throw ConfigError(key: "\(p.path).full_c_stars", "each value must be one of c_stars \(cStars)")
        }
        try p.finish()

        let curveTimes = SweepSpec.linspace(0, curveEnd, 121)
        var outcomes: [Outcome] = []
        var data = Dataset()
        var curves: [Double] = [], kappaSeries: [Series] = [], scalars: [ScalarOutcome] = []
        for (k, c) in cStars.enumerated() {
            let system = BalancedOutlierSystem(targetRate: c)
            let manifold = OutlierSlowManifold(targetRate: c).time(from: 1, to: level * c)
            guard let reduced = try LearningTime.reduced(system, residue: a0, level: level * c, until: tFinal, tolerance: tol),
                  let slow = try LearningTime.reduced(system, residue: aSmall, level: level * c, until: tFinal, tolerance: tol) else {
                throw ConfigError(key: "\(p.path).t_final", "\(tFinal) is too short: the reduction for c* = \(c) has not learned by then")
            }
            let long: ODESolution
            do {
                long = try LearningTime.stiffIntegrator(tol).solve(system, initial: [a0, 1], outputTimes: [tFinal])
                let curve = try LearningTime.stiffIntegrator(tol).solve(system, initial: [a0, 1], outputTimes: curveTimes)
                curves += curve.component(1).map { $0 / c }
            } catch {
                throw ExperimentDivergence(stage: "the (a, κ) reduction, c* = \(c)", process: "RODAS3", step: 0,
                                           diagnostic: "\(error)", key: "tolerance", value: tol, lastGoodState: Dataset())
            }
            var outcome = Outcome(cStar: c, slowManifold: manifold, reduced: reduced, escapeDelay: slow - reduced, full: nil,
                                  finalLambda: 1 - long.finalState[1])
            kappaSeries.append(Series("c* = \(Bordelon2025.label(c))", x: "curve_t", y: "kappa_reduced", yRow: k, style: .theory, group: k))
            let tag = Self.tag(c)
            scalars += [
                ScalarOutcome("time_slow_manifold_\(tag)", manifold, doc: "c* = \(c): slow-manifold time to κ = \(level) c*"),
                ScalarOutcome("time_reduced_\(tag)", reduced, doc: "c* = \(c): (a, κ) reduction's time to κ = \(level) c* from a0 = \(Bordelon2025.label(a0))"),
                ScalarOutcome("escape_delay_\(tag)", slow - reduced, doc: "c* = \(c): extra time from a0 = \(Bordelon2025.label(aSmall))"),
                ScalarOutcome("final_lambda_\(tag)", outcome.finalLambda, doc: "c* = \(c): reduction's λ at t = \(tFinal) (target 1 − c*)"),
                ScalarOutcome("reduced_steps_\(tag)", Double(long.statistics.acceptedSteps), doc: "c* = \(c): RODAS3 accepted steps of the reduction to t_final"),
                ScalarOutcome("reduced_evaluations_\(tag)", Double(long.statistics.evaluations), doc: "c* = \(c): RODAS3 field evaluations of the reduction to t_final"),
            ]
            if fullCStars.contains(c) {
                let network = try FilterFlowRun.alignedNetwork(units: n, residue: a0, streams: context.streams)
                let target = try FilterTarget.leakyIntegrator(rate: c)
                let run = try FilterFlowRun.run(network, target: target, times: SweepSpec.linspace(0, 1.2 * reduced, fullCount),
                                                tolerance: tol, keepNetworks: true, stage: "the full network (c* = \(c), N = \(n))")
                outcome.full = try LearningTime.full(run, target: target, level: level * c, tolerance: tol)
                data.add(DataArray("full_t_\(k)", run.record.times, doc: "c* = \(c): times of the full network's records"))
                data.add(DataArray("full_kappa_\(k)", run.topEigenvalue.map { (1 - $0.real) / c },
                                   doc: "c* = \(c): full network's κ/c* = (1 − λ_top)/c*"))
                kappaSeries.append(Series("c* = \(Bordelon2025.label(c)) full network", x: "full_t_\(k)", y: "full_kappa_\(k)", style: .points, group: k))
                scalars += [
                    ScalarOutcome("time_full_\(tag)", outcome.full ?? .nan, doc: "c* = \(c): full network's time to κ = \(level) c*"),
                    ScalarOutcome("full_steps_\(tag)", Double(run.record.acceptedSteps), doc: "c* = \(c): Dormand–Prince accepted steps of the full run"),
                    ScalarOutcome("full_evaluations_\(tag)", Double(run.record.gradientEvaluations), doc: "c* = \(c): exact gradients of the full run"),
                ]
            }
            outcomes.append(outcome)
            context.progress(Double(k + 1) / Double(cStars.count))
        }
        data.add(DataArray("c_star", cStars, doc: "target decay rate c*"))
        data.add(DataArray("time_slow_manifold", outcomes.map(\.slowManifold), doc: "slow manifold (closed form): time to κ = \(level) c* from κ = 1"))
        data.add(DataArray("time_reduced", outcomes.map(\.reduced), doc: "(a, κ) reduction from a0 = \(Bordelon2025.label(a0)): time to κ = \(level) c*"))
        data.add(DataArray("time_reduced_small", outcomes.map { $0.reduced + $0.escapeDelay }, doc: "(a, κ) reduction from a0 = \(Bordelon2025.label(aSmall)): time to κ = \(level) c*"))
        let withFull = outcomes.filter { $0.full != nil }
        data.add(DataArray("c_star_full", withFull.map(\.cStar), doc: "the c* run through the full network"))
        data.add(DataArray("time_full", withFull.map { $0.full! }, doc: "full network (N = \(n)) from a0 = \(Bordelon2025.label(a0)): time to κ = \(level) c*"))
        data.add(DataArray("final_lambda", outcomes.map(\.finalLambda), doc: "(a, κ) reduction: λ = 1 − κ at t = \(tFinal)"))
        data.add(DataArray("target_pole", cStars.map { 1 - $0 }, doc: "target pole 1 − c*"))
        data.add(DataArray("curve_t", curveTimes, doc: "time of the drawn κ(t) curves"))
        data.add(DataArray("kappa_reduced", shape: [cStars.count, curveTimes.count], values: curves,
                           doc: "(a, κ) reduction from a0 = \(Bordelon2025.label(a0)): κ(t)/c* [c*, time]"))
        data.add(DataArray("level", curveTimes.map { _ in level }, doc: "the learned level κ/c* at each curve time (reference line)"))
        kappaSeries.append(Series("κ = \(level) c*", x: "curve_t", y: "level", style: .reference, group: 9))

        let figure = FigureSpec(title: "R3 — time to learn e^(−c* t) vs c* (\(Bordelon2025.reconstructed))", columns: 3, panels: [
            Panel(title: "time to reach κ = \(level) c*", xLabel: "c*", yLabel: "t", xScale: .log, content: .lines([
                Series("slow manifold", x: "c_star", y: "time_slow_manifold", style: .theory, group: 0),
                Series("(a, κ) reduction, a0 = \(Bordelon2025.label(a0))", x: "c_star", y: "time_reduced", style: .theory, group: 1),
                Series("full network, a0 = \(Bordelon2025.label(a0))", x: "c_star_full", y: "time_full", style: .points, group: 1),
                Series("(a, κ) reduction, a0 = \(Bordelon2025.label(aSmall))", x: "c_star", y: "time_reduced_small", style: .theory, group: 2)])),
            Panel(title: "outlier decay: (a, κ) reduction (dashed), full network", xLabel: "t", yLabel: "κ / c*", yScale: .log, content: .lines(kappaSeries)),
            Panel(title: "learned eigenvalue", xLabel: "c*", yLabel: "λ", xScale: .log, content: .lines([
                Series("1 − c*", x: "c_star", y: "target_pole", style: .reference, group: 9),
                Series("(a, κ) reduction at t = \(Bordelon2025.label(tFinal))", x: "c_star", y: "final_lambda", style: .points, group: 1)])),
        ])
        let theoryError = withFull.map { abs($0.full! - $0.reduced) / $0.reduced }.max()
        return ExperimentResult(dataset: data, figure: figure, checks: Self.checks(outcomes, level: level, residue0: a0, smallResidue0: aSmall),
                                theoryError: theoryError, scalars: scalars)
    }

    /// A scalar-name tag for c*: 0.05 → `c0p05`.
    static func tag(_ c: Double) -> String { "c" + "\(c)".replacingOccurrences(of: ".", with: "p") }

    /// The claim checks, from the measured numbers (so a test can feed wrong ones).
    static func checks(_ outcomes: [Outcome], level: Double, residue0 a0: Double, smallResidue0: Double) -> [ClaimCheck] {
        func list(_ value: (Outcome) -> Double?) -> String {
            outcomes.compactMap { o in value(o).map { "c* = \(o.cStar): \(format($0))" } }.joined(separator: ", ")
        }
        func matches(_ table: [Double: (Double, Double)], _ value: (Outcome) -> Double) -> Bool {
            outcomes.allSatisfy { o in table[o.cStar].map { abs(value(o) - $0.0) <= $0.1 } ?? true }
        }
        let withFull = outcomes.filter { $0.full != nil }
        let fullGap = withFull.map { abs($0.full! - $0.reduced) }.max() ?? 0
        let byRate = outcomes.sorted { $0.cStar > $1.cStar }
        let notSlower = zip(byRate, byRate.dropFirst()).allSatisfy { $1.reduced <= $0.reduced }
        var checks = [
            ClaimCheck(claim: "The outlier converges to the target pole: λ(t_final) = 1 − c* within 1e-6 for every c*",
                       holds: outcomes.allSatisfy { abs($0.finalLambda - (1 - $0.cStar)) <= 1e-6 },
                       evidence: list { $0.finalLambda - (1 - $0.cStar) }.replacingOccurrences(of: ": ", with: ": λ − (1 − c*) = ")),
            ClaimCheck(claim: "The full network from the aligned start learns when the exact (a, κ) reduction does (|Δt| ≤ 1e-4)",
                       holds: !withFull.isEmpty && fullGap <= 1e-4,
                       evidence: "full network: \(list { $0.full }); reduction: \(list { $0.reduced }); largest |Δt| = \(format(fullGap))",
                       kind: .selfConsistency),
            ClaimCheck(claim: "With this normalisation learning the integrator is not slow as c* → 0: the time to learn does not grow as c* falls (spec A.4 caution)",
                       holds: notSlower, evidence: "reduction, from a0 = \(Bordelon2025.label(a0)): \(list { $0.reduced })", kind: .selfConsistency),
        ]
        if a0 == 1 {
            checks.append(ClaimCheck(
                claim: "Slow-manifold times to κ = 1.1 c* match the spec's 4.07, 1.1649, 0.4548, 0.35 (to their quoted digits)",
                holds: level == 1.1 && matches(specSlowManifold, \.slowManifold), evidence: list { $0.slowManifold }, kind: .selfConsistency))
            checks.append(ClaimCheck(
                claim: "Times of the (a, κ) reduction from a0 = 1 match the spec's 4.50, 1.61, 0.65, 0.44 (to their quoted digits)",
                holds: level == 1.1 && matches(specReduced, \.reduced), evidence: list { $0.reduced }, kind: .selfConsistency))
            if smallResidue0 == 1e-3 {
                checks.append(ClaimCheck(
                    claim: "Starting from a0 = 1e-3 delays learning by about 1.8 to 2.9 time units (spec; escape from the a ≈ 0 plateau)",
                    holds: outcomes.allSatisfy { specDelay.contains($0.escapeDelay) }, evidence: list { $0.escapeDelay },
                    kind: .selfConsistency))
            }
        }
        return checks
    }

    static func format(_ x: Double) -> String { BordelonR2.format(x) }
}
