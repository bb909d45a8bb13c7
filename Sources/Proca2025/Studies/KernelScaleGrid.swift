import ExperimentKit
import Foundation
import Linalg

/// A Fig. 5-style sweep: kernel distance over trajectory length T (heatmap rows) × initialisation scale (columns),
/// for aligned and/or unaligned networks; the scale sets every mode (aligned: a = b = c = scale) or the std of every
/// block (unaligned: scale/√fan-in, spectral radius ≈ scale).
public struct KernelScaleGrid: Sendable {
    var settings: KernelMovementSettings
    var lengths: [Int]
    var scales: [Double]
    /// Network kinds, e.g. `[true, false]` = aligned, unaligned (panel order).
    var kinds: [Bool]

    /// The grid keys with a figure's defaults (quick, full).
    struct Declared: Sendable {
        let lengths: Parameter<[Double]>, scales: Parameter<[Double]>

        /// The keys `T_values` and `init_scales`.
        init(lengths: ([Int], [Int]), scales: ([Double], [Double])) {
            self.lengths = .doubles("T_values", lengths.0.map(Double.init), full: lengths.1.map(Double.init),
                                    doc: "trajectory lengths T, one heatmap row each (increasing integers in 1…64)")
            self.scales = .doubles("init_scales", scales.0, full: scales.1,
                                   doc: "initialisation scales, one heatmap column each (increasing, in (0, 10])")
        }

        /// In declaration order.
        var list: [ParameterDeclaration] { [.init(lengths), .init(scales)] }
    }

    /// Reads `T_values` and `init_scales` (increasing, positive).
    init(_ p: ConfigReader, _ d: Declared, settings: KernelMovementSettings, kinds: [Bool]) throws {
        self.settings = settings
        self.kinds = kinds
        let t = try p.read(d.lengths)
        guard t.count >= 2, t.allSatisfy({ $0 == $0.rounded() && $0 >= 1 && $0 <= 64 }), zip(t, t.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw ConfigError(key: "\(p.path).T_values", "needs at least two increasing integers in 1…64")
        }
        lengths = t.map { Int($0) }
        scales = try p.read(d.scales)
        guard scales.count >= 2, scales.allSatisfy({ $0 > 0 && $0 <= 10 }), zip(scales, scales.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw ConfigError(key: "\(p.path).init_scales", "needs at least two increasing scales in (0, 10]")
        }
        try settings.checkSamples(lengths, path: p.path)
    }

    static func name(_ aligned: Bool) -> String { aligned ? "aligned" : "unaligned" }

    /// Outcomes per kind, `[kind][T][scale]`, every (kind, T, scale) cell with its own `draws` (A5's path).
    func run(context: RunContext) throws -> [[[KernelMovementOutcome]]] {
        var cells: [KernelMovementCell] = []
        for a in kinds { for T in lengths { for s in scales {
            cells.append(KernelMovementCell(T: T, io: s, rec: s, aligned: a, smallestScale: s == scales[0]))
        } } }
        let flat = try settings.run(cells, context: context)
        let nT = lengths.count, nS = scales.count
        return kinds.indices.map { k in (0..<nT).map { i in Array(flat[(k * nT + i) * nS ..< (k * nT + i + 1) * nS]) } }
    }

    /// The grid as study cells: one per (kind, T, draw), named `aligned-T4-draw1`. A cell trains one network per
    /// scale from the same data and weight draws of its seed-tree node (common random numbers across scales).
    func studyCells() -> [StudyCell] {
        var out: [StudyCell] = []
        for a in kinds { for T in lengths { for d in 0..<settings.draws {
            out.append(StudyCell(index: out.count, name: "\(Self.name(a))-T\(T)-draw\(d)"))
        } } }
        return out
    }

    /// Runs study cell `cell` (see `studyCells`): one outcome per scale.
    func runStudyCell(_ cell: StudyCell, streams: RandomStreams) throws -> [KernelMovementOutcome] {
        let draws = settings.draws, nT = lengths.count
        let k = cell.index / (nT * draws), T = lengths[(cell.index / draws) % nT]
        return try scales.map { s in
            try settings.runCell(KernelMovementCell(T: T, io: s, rec: s, aligned: kinds[k], smallestScale: s == scales[0]),
                                 draw: cell.index % draws, data: streams.stream("data"), weights: streams.stream("weights"))
        }
    }

    /// The study cells' results (in `studyCells` order) as `[kind][T][scale]`, the draws averaged.
    func outcomes(_ results: [[KernelMovementOutcome]]) -> [[[KernelMovementOutcome]]] {
        let draws = settings.draws, nT = lengths.count
        return kinds.indices.map { k in (0..<nT).map { i in scales.indices.map { j in
            let first = (k * nT + i) * draws
            return settings.average(ArraySlice((first..<first + draws).map { results[$0][j] }))
        } } }
    }

    /// Dataset arrays (`T`, `init_scale`, and per kind `distance_*`, `relative_loss_*`, `steps_*`,
    /// `weight_change_Wh_*`, all `[T, scale]`) and one heatmap panel per kind, all on one colour scale.
    /// `suffix` names a second grid on the same axes (its arrays are `distance_<kind><suffix>`, …; no axis arrays).
    func assemble(_ outcomes: [[[KernelMovementOutcome]]], into data: inout Dataset, suffix: String = "") -> [Panel] {
        if suffix.isEmpty {
            data.add(DataArray("T", lengths.map(Double.init), doc: "trajectory length T of each heatmap row"))
            data.add(DataArray("init_scale", scales, doc: "initialisation scale of each heatmap column (aligned: every mode a = b = c; unaligned: std scale/√fan-in)"))
        }
        var panels: [Panel] = []
        for (k, aligned) in kinds.enumerated() {
            let n = Self.name(aligned) + suffix, o = outcomes[k]
            data.add(DataArray("distance_\(n)", rows: o.map { $0.map(\.distance) },
                               doc: "\(Self.name(aligned)): kernel distance 1 − ⟨K₀, K⟩/(‖K₀‖‖K‖) between the NTK at initialisation and after training, mean over the weight draws whose training finished (converged or stalled) [T, scale]; NaN = none finished"))
            data.add(DataArray("distance_std_\(n)", rows: o.map { $0.map(\.distanceSpread) },
                               doc: "\(Self.name(aligned)): standard deviation of the distance over those draws [T, scale]"))
            data.add(DataArray("relative_loss_\(n)", rows: o.map { $0.map(\.relativeLoss) },
                               doc: "\(Self.name(aligned)): final loss / loss of the zero network, worst finished draw (≈ 0.25 = one of four modes unlearned) [T, scale]"))
            data.add(DataArray("stalled_\(n)", rows: o.map { $0.map { Double($0.stalled) } },
                               doc: "\(Self.name(aligned)): draws that ended at a stationary point above the loss tolerance (included in the mean) [T, scale]"))
            data.add(DataArray("unfinished_\(n)", rows: o.map { $0.map { Double($0.unfinished) } },
                               doc: "\(Self.name(aligned)): draws whose loss was still changing at max_steps (left out of the mean) [T, scale]"))
            data.add(DataArray("diverged_\(n)", rows: o.map { $0.map { Double($0.diverged) } },
                               doc: "\(Self.name(aligned)): draws that diverged (left out of the mean) [T, scale]"))
            data.add(DataArray("steps_\(n)", rows: o.map { $0.map { Double($0.steps) } },
                               doc: "\(Self.name(aligned)): gradient-descent steps taken, most over the draws [T, scale]"))
            data.add(DataArray("weight_change_Wh_\(n)", rows: o.map { $0.map { $0.weightChange[1] } },
                               doc: "\(Self.name(aligned)): relative change ‖ΔW_h‖/‖W_h(0)‖ of the recurrent weights, mean over the finished draws [T, scale]"))
            panels.append(Panel(title: "\(Self.name(aligned)) (N_h = \(settings.hidden))", xLabel: "initialisation scale", yLabel: "T",
                                content: .heatmap(x: "init_scale", y: "T", z: "distance_\(n)", colorLabel: "kernel distance"),
                                colorScale: Self.colorScale))
        }
        return panels
    }

    /// The colour scale the distance heatmaps share, so aligned and unaligned (and Fig. A5's two widths) compare
    /// by colour.
    static let colorScale = "kernel distance"

    /// Packs `outcomes` into the dataset, a heatmap figure titled `title` (one panel per kind, side by side) and the
    /// checks `checks` makes from them (`standardChecks` by default).
    func result(_ outcomes: [[[KernelMovementOutcome]]], title: String,
                checks: (([[[KernelMovementOutcome]]]) -> [ClaimCheck])? = nil) -> ExperimentResult {
        var data = Dataset()
        let panels = assemble(outcomes, into: &data)
        return ExperimentResult(dataset: data, figure: FigureSpec(title: title, columns: kinds.count, panels: panels),
                                checks: checks?(outcomes) ?? standardChecks(outcomes))
    }

    /// The Fig. 5 claims: recurrence, scale, finished training.
    func standardChecks(_ outcomes: [[[KernelMovementOutcome]]]) -> [ClaimCheck] {
        [recurrenceCheck(outcomes), scaleCheck(outcomes), convergenceCheck(outcomes)]
    }

    /// "Recurrence moves the kernel more" (`recurrenceCheck(lengths:kinds:distances:)` on this grid's distances).
    func recurrenceCheck(_ outcomes: [[[KernelMovementOutcome]]]) -> ClaimCheck {
        Self.recurrenceCheck(lengths: lengths, kinds: kinds, distances: outcomes.map { $0.map { $0.map(\.distance) } })
    }

    /// "Recurrence moves the kernel more": at the smallest scale, and on average over scales, the distance at the
    /// largest T exceeds the distance at the baseline length, for every kind (`distances[kind][T][scale]`). The
    /// baseline is lengths[0], except for aligned networks when lengths[0] = 1: an aligned network at T = 1 is a deep
    /// linear network whose modes all learn alike, so its kernel only rescales and its distance is 0 from any start;
    /// they compare with the shortest recurrent length instead (lengths[1], which must be below the largest).
    static func recurrenceCheck(lengths: [Int], kinds: [Bool], distances: [[[Double]]]) -> ClaimCheck {
        var holds = true, parts: [String] = []
        let last = lengths.count - 1
        for (k, aligned) in kinds.enumerated() {
            let base = aligned && lengths[0] == 1 ? 1 : 0
            guard base < last else {
                holds = false
                parts.append("\(name(aligned)): no recurrent length below T = \(lengths[last]) to compare with")
                continue
            }
            let first = distances[k][base], top = distances[k][last]
            holds = holds && top[0] > first[0] && mean(top) > mean(first)
            parts.append("\(name(aligned)): smallest scale D(T = \(lengths[last])) = \(f(top[0])) vs D(T = \(lengths[base])) = \(f(first[0])); "
                         + "mean over scales \(f(mean(top))) vs \(f(mean(first)))"
                         + (base == 1 ? " (D(T = 1) = \(f(mean(distances[k][0]))) on average: 0 by construction, not compared)" : ""))
        }
        var compared = "T = \(lengths[0])"
        if kinds.contains(true) && lengths[0] == 1 && lengths.count > 1 {
            compared = (kinds.contains(false) ? "T = 1 (unaligned) and " : "") + "T = \(lengths[1]) (aligned, whose T = 1 kernel cannot move)"
        }
        return ClaimCheck(claim: "Recurrence drives kernel movement: the distance at T = \(lengths[last]) exceeds that at \(compared) (smallest scale and mean over scales)",
                          holds: holds, evidence: parts.joined(separator: "; "))
    }

    /// "Smaller initialisation moves the kernel more": D(smallest scale) − D(largest scale) is positive averaged over
    /// T > lengths[0] for every kind, and at every such T for aligned networks. (Unaligned networks of width 4 vary
    /// from draw to draw by more than the scale effect where the distance saturates near 1, so one T can flip.)
    func scaleCheck(_ outcomes: [[[KernelMovementOutcome]]]) -> ClaimCheck {
        var holds = true, parts: [String] = []
        for (k, aligned) in kinds.enumerated() {
            let margins = (1..<lengths.count).map { i in outcomes[k][i][0].distance - outcomes[k][i][scales.count - 1].distance }
            // A NaN margin (a cell whose every draw diverged) fails the check; the smallest is taken over the rest.
            let mean = Self.mean(margins)
            guard let worst = margins.filter(\.isFinite).min(), let i = margins.firstIndex(of: worst) else {
                holds = false
                parts.append("\(Self.name(aligned)): no T > \(lengths[0]) has both scales measured (every draw of a cell diverged or did not finish)")
                continue
            }
            holds = holds && mean > 0 && (!aligned || worst > 0)
            parts.append("\(Self.name(aligned)): D(scale \(Self.f(scales[0]))) − D(scale \(Self.f(scales.last!))) is \(Self.f(mean)) on average over T > \(lengths[0]), smallest \(Self.f(worst)) at T = \(lengths[1 + i])")
        }
        return ClaimCheck(claim: "A smaller initialisation moves the kernel more: D(smallest scale) > D(largest scale) on average over T > \(lengths[0]) (aligned: at every such T)",
                          holds: holds, evidence: parts.joined(separator: "; "))
    }

    /// `KernelMovementSettings.finishedCheck` over every cell.
    func convergenceCheck(_ outcomes: [[[KernelMovementOutcome]]]) -> ClaimCheck {
        settings.finishedCheck(outcomes.flatMap { $0.flatMap { $0 } })
    }

    static func mean(_ v: [Double]) -> Double { v.reduce(0, +) / Double(v.count) }
    static func f(_ x: Double) -> String { String(format: "%.3g", x) }
}
