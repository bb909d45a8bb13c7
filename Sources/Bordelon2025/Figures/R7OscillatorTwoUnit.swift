import ExperimentKit
import FigureData
import Foundation
import Linalg
import Networks
import Numerics
import Tasks
import Theory

/// Bordelon et al. 2025, R7 (spec A.4 R0, table A.6): at σ = 0 the N-unit oscillator network is exactly a 2-unit
/// network. With E (N × 2) an orthonormal basis of span{u0, v0}, W(t) = E W2(t) Eᵀ, u(t) = E u2(t), v(t) = E v2(t), where
/// the 2-unit network starts at W2 = 0, u2 = Eᵀu0, v2 = Eᵀv0 and keeps the original readout scale and rates
/// (reconstructed model). Both are integrated independently; the eigenvalues of W2 must be W's leading pair, the losses
/// equal, and W must vanish outside the span (spec: fraction 2e-14).
///
/// Theory: wherever the pair is complex, −κ ± iω, the closed-form `OscillatorResidueManifold` gives the 2-unit loss from
/// (p, q) = (ρ vᵀu, ρ vᵀ(A + κI)u/ω) exactly, and the best loss L*(κ, ω) any residue could reach with that pole pair — a
/// lower bound on the loss that must reach ≈ 0 as the pair reaches (1 − c*) ± iΩ.
public struct BordelonR7: Experiment, DeclaredParameters {
    /// The experiment.
    public init() {}
    public var id: String { "bordelon2025.r7" }
    public var paperFigure: String { "Bordelon et al. 2025, R7 (oscillator: exact 2-unit reduction; reconstructed model)" }
    public var summary: String { "At σ = 0 the oscillator network is exactly a 2-unit network on span{u0, v0}" }

    static let units = Parameter.int("units", 24, full: 40, in: 3...1000, unit: "units", doc: "hidden units N of the full network")
    static let targetRate = Parameter.double("c_star", 0.2, in: 0.001...10, doc: "target decay rate c*")
    static let targetFrequency = Parameter.double("omega", 1.5, in: 0.01...100, doc: "target angular frequency Ω")
    static let tEnd = Parameter.double("t_end", 40, in: 1...1000, doc: "gradient-flow time of the last record")
    static let records = Parameter.int("records", 81, full: 161, in: 3...10_000, doc: "records, evenly spaced in [0, t_end]")
    static let tolerance = Parameter.double("tolerance", 1e-11, in: 1e-13...1e-4, doc: "relative tolerance of both Dormand–Prince flows")
    static let matchTolerance = Parameter.double("match_tolerance", 1e-8, in: 1e-14...1, doc: "stated tolerance of the full-vs-2-unit match (eigenvalues, relative loss, lifted W)")
    static let pairTolerance = Parameter.double("pair_tolerance", 1e-3, in: 1e-9...0.5, doc: "stated tolerance |λ − ((1 − c*) ± iΩ)| of the final pair")
    public static let declared = ParameterList([
        .init(units), .init(targetRate), .init(targetFrequency), .init(tEnd), .init(records), .init(tolerance),
        .init(matchTolerance), .init(pairTolerance),
    ])

    public func run(parameters p: ConfigReader, context: RunContext) throws -> ExperimentResult {
        let n = try p.read(Self.units)
        let cStar = try p.read(Self.targetRate), omega = try p.read(Self.targetFrequency)
        let tEnd = try p.read(Self.tEnd)
        let count = try p.read(Self.records)
        let tol = try p.read(Self.tolerance), matchTol = try p.read(Self.matchTolerance), pairTol = try p.read(Self.pairTolerance)
        try p.finish()

        let times = SweepSpec.linspace(0, tEnd, count)
        let target = try FilterTarget.dampedOscillator(rate: cStar, frequency: omega)
        let network = try LinearFilterRNN.random(units: n, sigma: 0, streams: context.streams.child("init"))
        let basis = Self.spanBasis(network.u, network.v)
        let small = try LinearFilterRNN(w: Matrix(rows: 2, cols: 2), u: basis.transposed * network.u, v: basis.transposed * network.v,
                                        readoutScale: network.readoutScale, learningRates: network.learningRates)
        let full = try FilterFlowRun.run(network, target: target, times: times, tolerance: tol, keepNetworks: true,
                                         stage: "the full network (N = \(n))")
        context.progress(0.8)
        let reduced = try FilterFlowRun.run(small, target: target, times: times, tolerance: tol, keepNetworks: true,
                                            stage: "the 2-unit reduction")
        let cmp = try Comparison(full: full.record, reduced: reduced.record, basis: basis,
                                 manifold: OscillatorResidueManifold(targetRate: cStar, targetFrequency: omega))

        let pole = Complex(1 - cStar, omega)
        var data = Dataset()
        data.add(DataArray("t", times, doc: "gradient-flow time of each record"))
        data.add(DataArray("target_re", [pole.real, pole.real], doc: "target pair (1 − c*) ± iΩ: real parts"))
        data.add(DataArray("target_im", [pole.imaginary, -pole.imaginary], doc: "target pair: imaginary parts"))
        FilterFlowRun.addTracks([cmp.fullPair.map { $0[0] }, cmp.fullPair.map { $0[1] }], to: &data, prefix: "pair_full",
                                what: "full network: the two eigenvalues of W of largest modulus, matched to W2's")
        FilterFlowRun.addTracks([cmp.reducedPair.map { $0[0] }, cmp.reducedPair.map { $0[1] }], to: &data, prefix: "pair_reduced",
                                what: "2-unit network: the eigenvalues of W2")
        data.add(DataArray("loss_full", full.record.losses, doc: "full network: exact loss"))
        data.add(DataArray("loss_reduced", reduced.record.losses, doc: "2-unit network: exact loss"))
        data.add(DataArray("eigen_gap", cmp.eigenGap.map { max($0, 1e-18) }, doc: "largest |λ_full − λ_2unit| of the matched pair (floored at 1e-18 for the log axis)"))
        data.add(DataArray("loss_gap", cmp.lossGap.map { max($0, 1e-18) }, doc: "|L_full − L_2unit| / L(0) (floored at 1e-18)"))
        data.add(DataArray("outside_left", cmp.outsideLeft.map { max($0, 1e-18) }, doc: "‖(I − EEᵀ)W‖_F / ‖W‖_F (floored at 1e-18; 0 at W = 0)"))
        data.add(DataArray("outside_right", cmp.outsideRight.map { max($0, 1e-18) }, doc: "‖W(I − EEᵀ)‖_F / ‖W‖_F (floored at 1e-18)"))
        data.add(DataArray("t_complex", cmp.complexTimes, doc: "records at which the 2-unit pair is complex"))
        data.add(DataArray("loss_closed_form", cmp.closedFormLoss, doc: "OscillatorResidueManifold: L(p, q; κ, ω) of the 2-unit network"))
        data.add(DataArray("loss_optimal_residue", cmp.optimalLoss.map { max($0, 1e-18) }, doc: "OscillatorResidueManifold: L*(κ, ω), the best loss of the current pole pair (floored at 1e-18)"))

        let panels = [
            Panel(title: "leading pair: full W vs 2-unit W2", xLabel: "Re λ", yLabel: "Im λ", content: .complexPlane([
                Series("full network (N = \(n))", x: "pair_full_re", y: "pair_full_im", style: .simulation, group: 0),
                Series("2-unit reduction", x: "pair_reduced_re", y: "pair_reduced_im", style: .theory, group: 1),
                Series("target (1 − c*) ± iΩ", x: "target_re", y: "target_im", style: .points, group: 4)], unitCircle: false)),
            Panel(title: "loss", xLabel: "t", yLabel: "L", yScale: .log, content: .lines([
                Series("full network", x: "t", y: "loss_full", style: .simulation, group: 0),
                Series("2-unit reduction", x: "t", y: "loss_reduced", style: .theory, group: 1),
                Series("residue manifold L*(κ, ω)", x: "t_complex", y: "loss_optimal_residue", style: .reference, group: 2)])),
            Panel(title: "full vs reduced: gaps", xLabel: "t", yLabel: "gap", yScale: .log, content: .lines([
                Series("|Δλ| of the pair", x: "t", y: "eigen_gap", style: .simulation, group: 0),
                Series("|ΔL| / L(0)", x: "t", y: "loss_gap", style: .simulation, group: 1),
                Series("‖(I − EEᵀ)W‖/‖W‖", x: "t", y: "outside_left", style: .simulation, group: 2),
                Series("‖W(I − EEᵀ)‖/‖W‖", x: "t", y: "outside_right", style: .simulation, group: 3)])),
        ]
        let measured = Measured(eigenGap: cmp.eigenGap.max()!, lossGap: cmp.lossGap.max()!, liftGap: cmp.liftGap.max()!,
                                vectorGap: cmp.vectorGap.max()!, outside: max(cmp.outsideLeft.max()!, cmp.outsideRight.max()!),
                                finalPairFull: cmp.fullPair.last!, finalPairReduced: cmp.reducedPair.last!,
                                closedFormGap: cmp.closedFormGap.max() ?? .nan, boundViolation: cmp.boundViolation.max() ?? .nan,
                                complexRecords: cmp.complexTimes.count, finalOptimalLoss: cmp.optimalLoss.last ?? .nan,
                                finalLoss: reduced.record.losses.last!)
        let checks = Self.checks(measured, target: pole, matchTolerance: matchTol, pairTolerance: pairTol)
        let scalars = [
            ScalarOutcome("max_eigen_gap", measured.eigenGap, doc: "largest |λ_full − λ_2unit| over the records"),
            ScalarOutcome("max_loss_gap", measured.lossGap, doc: "largest |L_full − L_2unit| / L(0) over the records"),
            ScalarOutcome("max_lift_gap", measured.liftGap, doc: "largest ‖W − E W2 Eᵀ‖_F / max‖W‖_F over the records"),
            ScalarOutcome("max_outside_span", measured.outside, doc: "largest fraction of W outside span{u0, v0} (spec 2e-14)"),
            ScalarOutcome("max_closed_form_gap", measured.closedFormGap, doc: "largest |L_closed − L_2unit| / E* (E* = ½∫g*²) of the residue-manifold loss"),
            ScalarOutcome("final_loss", measured.finalLoss, doc: "2-unit loss at t_end"),
            ScalarOutcome("final_optimal_loss", measured.finalOptimalLoss, doc: "L*(κ, ω) of the final pole pair"),
            ScalarOutcome("gradient_evaluations", Double(full.record.gradientEvaluations), doc: "exact gradients the full flow evaluated"),
        ]
        let figure = FigureSpec(title: "R7 — oscillator at σ = 0: full network (N = \(n)) vs its exact 2-unit reduction (\(Bordelon2025.reconstructed))",
                                columns: 3, panels: panels)
        return ExperimentResult(dataset: data, figure: figure, checks: checks,
                                theoryError: max(measured.eigenGap, measured.lossGap, measured.closedFormGap.isNaN ? 0 : measured.closedFormGap),
                                scalars: scalars)
    }

    /// An orthonormal basis (N × 2, Gram–Schmidt) of span{u, v}.
    static func spanBasis(_ u: [Double], _ v: [Double]) -> Matrix {
        func norm(_ x: [Double]) -> Double { x.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        let e1 = u.map { $0 / norm(u) }
        let along = zip(e1, v).reduce(0) { $0 + $1.0 * $1.1 }
        let rest = zip(v, e1).map { $0 - along * $1 }
        let e2 = rest.map { $0 / norm(rest) }
        return Matrix(rows: u.count, cols: 2) { i, j in j == 0 ? e1[i] : e2[i] }
    }

    /// The numbers the checks read.
    struct Measured {
        /// Largest |λ_full − λ_2unit| (matched pair) and |L_full − L_2unit| / L(0) over the records.
        let eigenGap: Double, lossGap: Double
        /// Largest ‖W − E W2 Eᵀ‖_F / max‖W‖_F and largest |u − E u2|, |v − E v2| (relative to √N).
        let liftGap: Double, vectorGap: Double
        /// Largest fraction of W outside the span, from the left or the right.
        let outside: Double
        /// Final pairs.
        let finalPairFull: [Complex<Double>], finalPairReduced: [Complex<Double>]
        /// Largest relative gap of the residue-manifold loss to the exact loss, and largest (L* − L)/L (≤ 0 when L* is a bound).
        let closedFormGap: Double, boundViolation: Double
        /// Records with a complex pair.
        let complexRecords: Int
        /// L*(κ, ω) and L at t_end.
        let finalOptimalLoss: Double, finalLoss: Double
    }

    /// The claim checks, from the measured numbers (so a test can feed wrong ones).
    static func checks(_ m: Measured, target: Complex<Double>, matchTolerance: Double, pairTolerance: Double) -> [ClaimCheck] {
        func gap(_ pair: [Complex<Double>]) -> Double { BordelonR6.pairError(pair, target: target) }
        let f = BordelonR2.format
        let complexAtEnd = m.finalPairReduced.allSatisfy { $0.imaginary != 0 }
        return [
            ClaimCheck(claim: "At σ = 0 the full network equals its 2-unit reduction: pair, loss and lifted W, u, v within \(f(matchTolerance))",
                       holds: m.eigenGap <= matchTolerance && m.lossGap <= matchTolerance && m.liftGap <= matchTolerance
                           && m.vectorGap <= matchTolerance,
                       evidence: "largest gaps: pair \(f(m.eigenGap)), loss (/ L(0)) \(f(m.lossGap)), W \(f(m.liftGap)), u/v \(f(m.vectorGap))",
                       kind: .selfConsistency),
            ClaimCheck(claim: "W stays inside span{u0, v0}: ‖(I − EEᵀ)W‖ and ‖W(I − EEᵀ)‖ ≤ 1e-12 ‖W‖ (spec: 2e-14)",
                       holds: m.outside <= 1e-12, evidence: "largest fraction outside \(f(m.outside))", kind: .selfConsistency),
            ClaimCheck(claim: "The pair converges to (1 − c*) ± iΩ in both networks (within \(pairTolerance))",
                       holds: gap(m.finalPairFull) <= pairTolerance && gap(m.finalPairReduced) <= pairTolerance,
                       evidence: "final pair: full \(m.finalPairFull.map(BordelonR6.format).joined(separator: ", ")); 2-unit \(m.finalPairReduced.map(BordelonR6.format).joined(separator: ", "))"),
            ClaimCheck(claim: "OscillatorResidueManifold's closed-form loss equals the exact 2-unit loss wherever the pair is complex, and L*(κ, ω) ≤ L (both to 1e-10 E*, the round-off of the Schur-based exact loss)",
                       holds: m.complexRecords > 0 && m.closedFormGap <= 1e-10 && m.boundViolation <= 1e-10,
                       evidence: "\(m.complexRecords) complex records; largest |ΔL|/E* \(f(m.closedFormGap)); largest (L* − L)/E* \(f(m.boundViolation))",
                       kind: .selfConsistency),
            ClaimCheck(claim: "At the final pole pair the best residue reaches L* ≤ 1e-8 and the network attains it (L − L* ≤ 1e-8)",
                       holds: complexAtEnd && m.finalOptimalLoss <= 1e-8 && m.finalLoss - m.finalOptimalLoss <= 1e-8,
                       evidence: "L*(κ, ω) = \(f(m.finalOptimalLoss)), L = \(f(m.finalLoss))", kind: .selfConsistency),
        ]
    }
}
