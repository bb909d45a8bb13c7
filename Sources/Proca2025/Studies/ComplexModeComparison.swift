import ExperimentKit
import Foundation
import Linalg
import Networks
import Numerics
import Tasks
import Theory
import Training

/// One column of the rotational figures (Proca et al. Figs. A9–A11): an eigenvalue time-course family with
/// polar parameters `δ = R_δ e^{iφ_δ}`, `λ = R_λ e^{iφ_λ}` (§8.2).
public struct RotationalColumn: Sendable, Equatable {
    /// Suffix of the column's dataset keys (`b_radius_sim_<key>`, …).
    public var key: String
    /// Human-readable label (panel titles).
    public var label: String
    /// constant (`d_t = δ`), inverse-exponential (`δ λ^{T−t}`) or exponential (`δ λ^t`).
    public var family: DynamicsFamily
    /// δ.
    public var delta: ComplexPair
    /// λ (ignored by the constant family).
    public var lambda: ComplexPair

    /// A column.
    public init(key: String, label: String, family: DynamicsFamily, delta: ComplexPair, lambda: ComplexPair) {
        self.key = key; self.label = label; self.family = family; self.delta = delta; self.lambda = lambda
    }

    /// The same family in the theory's types (built independently of the task's `EigenvalueProfile`).
    public var theoryFamily: Proca2025.ComplexFamily {
        let d = Complex(delta.re, delta.im), l = Complex(lambda.re, lambda.im)
        switch family {
        case .constant: return .constant(delta: d)
        case .inverseExponential: return .inverseExponential(delta: d, lambda: l)
        case .exponential: return .exponential(delta: d, lambda: l)
        }
    }
}

/// One complex mode learned by an eigen-aligned full-matrix LRNN, beside the complex mode flow from the same
/// start: the unit of the rotational figures.
///
/// The task is a `RotationalTask` with a single conjugate-pair block on a Haar-random 2×2 frame `Q` (so
/// `N_x = N_h = N_y = 2`); the network starts eigen-aligned (`Initializer.alignedEigen`) and is trained by exact
/// population gradient descent; `a`, `b`, `c` are read back with `EigenBasis.modes(of:)` (`Qᵀ W Q`). The theory
/// is `Proca2025.ComplexModeFlow` integrated by RK4 at the record times. A conjugate pair occupies two real
/// dimensions, so the network loss `½ Σ_t ‖H_t − …‖²_F` is twice the per-mode energy `½ Σ_t |r_t|²`; both
/// loss curves here use the network's convention (`2E` for the theory).
public struct ComplexModeComparison: Sendable {
    /// GD steps of the records.
    public var steps: [Double]
    /// Task eigenvalues `d_1 … d_T` of the pair block (read from the task).
    public var eigenvalues: [Complex<Double>]
    /// Largest |d_t(task) − d_t(theory family)| (the two are built independently; ≈ 1e-16).
    public var eigenvalueMismatch: Double
    /// Simulated `b`, `ac` and network loss at each record (NaN after a divergence).
    public var simulated: (b: [Complex<Double>], ac: [Complex<Double>], loss: [Double])
    /// Mode-flow `b`, `ac` and `2E` at each record.
    public var theory: (b: [Complex<Double>], ac: [Complex<Double>], loss: [Double])
    /// The zero-loss optimum of §8.2.
    public var optimum: Proca2025.ComplexOptimum
    /// Largest departure of `Qᵀ W Q` from the rotation–scaling form `[[μ, −ν], [ν, μ]]` over the records and the
    /// three matrices, relative to the block's size (0 while the network stays eigen-aligned).
    public var alignmentResidual: Double
    /// Why training ended.
    public var stop: StopReason
    /// The divergence and last good state, if training diverged.
    public var divergence: TrainingDivergence?
    /// The complex mode-flow states at the records (packed as `Proca2025.ComplexMode.state`).
    var theoryStates: [[Double]]

    /// Trains and integrates one column at length `T` from `initial` (complex a, b, c).
    public init(column: RotationalColumn, timeSteps T: Int, initial: Proca2025.ComplexMode, learningRate eta: Double,
                steps: Int, recordEvery: Int, theorySubsteps: Int, streams: RandomStreams) throws {
        var rng = streams.stream("data-\(column.key)")
        let task = try RotationalTask(profiles: [.family(column.family, delta: column.delta, lambda: column.lambda)],
                                      isPair: [true], timeSteps: T, rng: &rng)
        let basis = task.basis
        eigenvalues = task.blockValues[0].map { Complex($0.re, $0.im) }
        let family = column.theoryFamily
        let d = family.eigenvalues(length: T)
        eigenvalueMismatch = zip(eigenvalues, d).map { ($0 - $1).length }.max() ?? 0
        optimum = family.zeroLossOptimum(length: T)

        let net = Initializer.alignedEigen(a: [initial.a], b: [initial.b], c: [initial.c], basis: basis)
        var source = PopulationGradient(task: task.population, model: net)
        func pack(_ z: Complex<Double>) -> [Double] { [z.real, z.imaginary] }
        var recorder = Recorder<LinearRNN>(schedule: .every(max(1, recordEvery)), recordsParameters: false)
        recorder.probes = [Probe("a") { pack(basis.modes(of: $0.wx)[0]) }, Probe("b") { pack(basis.modes(of: $0.wh)[0]) },
                           Probe("c") { pack(basis.modes(of: $0.wy)[0]) },
                           Probe("residual") { m in [[m.wx, m.wh, m.wy].map { Self.blockResidual($0, basis: basis) }.max()!] }]
        let run = Trainer.train(net, source: &source,
                                options: TrainingOptions(steps: steps, optimizer: Optimizer(.gd, learningRate: eta)),
                                recorder: &recorder)
        stop = run.stop
        divergence = TrainingDivergence(run)
        let r = run.recording
        let planned = RecordSchedule.every(max(1, recordEvery)).resolve(totalSteps: steps)
        self.steps = planned.map(Double.init)
        func complexes(_ name: String) -> [Complex<Double>] {
            let got = r.probes[name]!.map { Complex($0[0], $0[1]) }
            return got + [Complex<Double>](repeating: Complex(.nan, .nan), count: planned.count - got.count)
        }
        let a = complexes("a"), c = complexes("c")
        simulated = (complexes("b"), zip(a, c).map { $0 * $1 },
                     r.losses + [Double](repeating: .nan, count: planned.count - r.losses.count))
        alignmentResidual = r.probes["residual"]!.map { $0[0] }.max() ?? 0

        let flow = Proca2025.ComplexModeFlow(eigenvalues: d)
        let states = FixedStepIntegrator(.rk4, stepSize: eta / Double(max(1, theorySubsteps)))
            .solve(flow, initial: initial.state, outputTimes: planned.map { Double($0) * eta }).states
        let modes = states.map { Proca2025.ComplexMode(state: $0) }
        theory = (modes.map(\.b), modes.map(\.u), modes.map { 2 * flow.energy($0) })
        theoryStates = states
    }

    /// Throws an `ExperimentDivergence` on `stage`, blamed on `key` = `value`, when training diverged or the complex
    /// mode flow left the finite numbers.
    public func requireFinite(stage: String, key: String, value: Double) throws {
        if let d = divergence { throw d.error(stage: stage, key: key, value: value) }
        try FlowDivergence.check(theoryStates, steps: steps, process: "the complex mode flow (RK4)", stage: stage, key: key,
                                 value: value, name: "mode_flow")
    }

    /// |B − rotation–scaling part of B| / ‖B‖ for the frame projection `B = Qᵀ W Q` of a 2×2 pair block.
    static func blockResidual(_ w: Matrix, basis: EigenBasis) -> Double {
        let b = basis.q.transposeTimes(w * basis.q)
        let mu = (b[0, 0] + b[1, 1]) / 2, nu = (b[1, 0] - b[0, 1]) / 2
        let dev = [b[0, 0] - mu, b[1, 1] - mu, b[1, 0] - nu, b[0, 1] + nu].map { $0 * $0 }.reduce(0, +).squareRoot()
        let size = (2 * (mu * mu + nu * nu)).squareRoot()
        return size > 0 ? dev / size : dev
    }

    /// Largest |sim − theory| / max(|theory at the end|, 1e-3) over the records, for `b` and `ac`.
    public var worstRelativeGap: Double {
        var worst = 0.0
        for (sim, th) in [(simulated.b, theory.b), (simulated.ac, theory.ac)] {
            let scale = max(th.last?.length ?? 0, 1e-3)
            for (x, y) in zip(sim, th) {
                let gap = (x - y).length / scale
                worst = gap.isFinite ? max(worst, gap) : .infinity
            }
        }
        return worst
    }

    /// Flow-time steps at which the simulated loss first falls to `(1 − fraction)` of its initial value,
    /// linearly interpolated between records (nil if never).
    public func stepsToLossDrop(_ fraction: Double = 0.9) -> Double? {
        Polar.firstCrossingBelow(simulated.loss, level: (1 - fraction) * simulated.loss[0], steps: steps)
    }
}

/// Polar-form helpers for complex trajectories.
public enum Polar {
    /// |z| along a trajectory.
    public static func radii(_ z: [Complex<Double>]) -> [Double] { z.map(\.length) }

    /// arg z along a trajectory, unwrapped (consecutive differences brought into (−π, π]) and starting in (−π, π].
    public static func unwrappedAngles(_ z: [Complex<Double>]) -> [Double] {
        var out = [Double](), unwrapped = Double.nan, previous = Double.nan
        for w in z {
            let raw = atan2(w.imaginary, w.real)
            guard raw.isFinite else { out.append(.nan); continue }
            if !previous.isFinite { unwrapped = raw } else {
                var delta = raw - previous
                if delta > .pi { delta -= 2 * .pi } else if delta <= -.pi { delta += 2 * .pi }
                unwrapped += delta
            }
            previous = raw
            out.append(unwrapped)
        }
        return out
    }

    /// The step at which `x` first completes `fraction` of its net change `x_end − x_0`, linearly interpolated
    /// between records; nil when the net change is below `minChange` in size (nothing to complete).
    public static func progressCrossing(_ x: [Double], steps: [Double], fraction: Double, minChange: Double = 1e-6) -> Double? {
        guard let x0 = x.first, let xf = x.last, abs(xf - x0) >= minChange else { return nil }
        let p = x.map { ($0 - x0) / (xf - x0) }
        guard let i = p.firstIndex(where: { $0 >= fraction }) else { return nil }
        if i == 0 { return steps[0] }
        let w = (fraction - p[i - 1]) / (p[i] - p[i - 1])
        return steps[i - 1] + w * (steps[i] - steps[i - 1])
    }

    /// The step at which `x` first falls to `level` or below, linearly interpolated between records.
    public static func firstCrossingBelow(_ x: [Double], level: Double, steps: [Double]) -> Double? {
        guard let i = x.firstIndex(where: { $0 <= level }) else { return nil }
        if i == 0 { return steps[0] }
        let w = (x[i - 1] - level) / (x[i - 1] - x[i])
        return steps[i - 1] + w * (steps[i] - steps[i - 1])
    }

    /// `x` with `digits` significant digits, for claim evidence.
    public static func format(_ x: Double, _ digits: Int = 4) -> String {
        guard x.isFinite else { return "\(x)" }
        return String(format: "%.\(digits)g", x)
    }

    /// `z` as "re ± im i" with `digits` significant digits.
    public static func format(_ z: Complex<Double>, _ digits: Int = 4) -> String {
        let im = z.imaginary
        return "\(format(z.real, digits)) \(im < 0 ? "−" : "+") \(format(abs(im), digits))i"
    }

    /// An angle as a multiple of π with a small denominator ("π/8", "−3π/4"), else in decimals.
    public static func piMultiple(_ x: Double) -> String {
        let r = x / .pi
        for den in 1...24 {
            let num = (r * Double(den)).rounded()
            guard abs(num - r * Double(den)) < 1e-9 else { continue }
            if num == 0 { return "0" }
            let n = Int(abs(num)), sign = num < 0 ? "−" : ""
            return sign + (n == 1 ? "" : "\(n)") + "π" + (den == 1 ? "" : "/\(den)")
        }
        return format(x)
    }

    /// The value of `x` (linearly interpolated) at step `s`.
    public static func value(_ x: [Double], at s: Double, steps: [Double]) -> Double {
        guard let j = steps.firstIndex(where: { $0 >= s }) else { return x.last ?? .nan }
        if j == 0 { return x[0] }
        let w = (s - steps[j - 1]) / (steps[j] - steps[j - 1])
        return x[j - 1] + w * (x[j] - x[j - 1])
    }
}

/// The shared three-row layout of Figs. A9–A11 (row 1: task eigenvalues d_t in the complex plane with the unit
/// circle; row 2: b in polar form; row 3: ac in polar form; one column per task), with its dataset.
struct RotationalFigure {
    var columns: [RotationalColumn]
    var runs: [ComplexModeComparison]
    var dataset = Dataset()
    var figure: FigureSpec

    /// Palette groups: radius orange, angle blue (Okabe–Ito, as in the paper).
    static let radiusGroup = 4, angleGroup = 0

    /// Runs every column and lays out the dataset and figure.
    init(title: String, columns: [RotationalColumn], timeSteps T: Int, initial: Proca2025.ComplexMode, learningRate eta: Double,
         steps: Int, recordEvery: Int, theorySubsteps: Int, streams: RandomStreams, progress: @Sendable (Double) -> Void) throws {
        self.columns = columns
        var runs = [ComplexModeComparison]()
        for (k, col) in columns.enumerated() {
            let run = try ComplexModeComparison(column: col, timeSteps: T, initial: initial, learningRate: eta, steps: steps,
                                                recordEvery: recordEvery, theorySubsteps: theorySubsteps, streams: streams)
            try run.requireFinite(stage: "the \(col.label) column", key: "learning_rate", value: eta)
            runs.append(run)
            progress(Double(k + 1) / Double(columns.count))
        }
        self.runs = runs
        var data = Dataset()
        data.add(DataArray("t", (1...T).map(Double.init), doc: "trajectory time step t = 1…T"))
        data.add(DataArray("step", runs[0].steps, doc: "gradient-descent step of each record (flow time = learning_rate × step)"))
        var row1 = [Panel](), row2 = [Panel](), row3 = [Panel]()
        for (col, run) in zip(columns, runs) {
            let k = col.key, what = "\(col.label)"
            data.add(DataArray("d_re_\(k)", run.eigenvalues.map(\.real), doc: "\(what): Re d_t of the task eigenvalue, t = 1…T"))
            data.add(DataArray("d_im_\(k)", run.eigenvalues.map(\.imaginary), doc: "\(what): Im d_t of the task eigenvalue, t = 1…T"))
            let o = run.optimum
            data.add(DataArray("optimum_\(k)", [o.b.real, o.b.imaginary, o.ac.real, o.ac.imaginary],
                               doc: "\(what): §8.2 zero-loss optimum [Re b*, Im b*, Re (ac)*, Im (ac)*]"))
            for (mode, sim, th) in [("b", run.simulated.b, run.theory.b), ("ac", run.simulated.ac, run.theory.ac)] {
                data.add(DataArray("\(mode)_radius_sim_\(k)", Polar.radii(sim), doc: "\(what): |\(mode)| of the eigen-aligned LRNN per record"))
                data.add(DataArray("\(mode)_angle_sim_\(k)", Polar.unwrappedAngles(sim),
                                   doc: "\(what): arg \(mode) (rad, unwrapped along training) of the LRNN per record"))
                data.add(DataArray("\(mode)_radius_theory_\(k)", Polar.radii(th), doc: "\(what): |\(mode)| from the complex mode flow (RK4)"))
                data.add(DataArray("\(mode)_angle_theory_\(k)", Polar.unwrappedAngles(th),
                                   doc: "\(what): arg \(mode) (rad, unwrapped) from the complex mode flow (RK4)"))
                data.add(DataArray("\(mode)_re_sim_\(k)", sim.map(\.real), doc: "\(what): Re \(mode) of the LRNN per record"))
                data.add(DataArray("\(mode)_im_sim_\(k)", sim.map(\.imaginary), doc: "\(what): Im \(mode) of the LRNN per record"))
            }
            data.add(DataArray("loss_sim_\(k)", run.simulated.loss,
                               doc: "\(what): LRNN loss ½Σ_t‖H_t − W_y W_h^{T−t} W_x‖²_F per record (= 2 × the mode energy)"))
            data.add(DataArray("loss_theory_\(k)", run.theory.loss, doc: "\(what): 2 × the complex mode-flow energy ½Σ_t|r_t|²"))
            row1.append(Panel(title: "\(col.label): task d_t", xLabel: "Re", yLabel: "Im",
                              content: .complexPlane([Series("d_t", x: "d_re_\(k)", y: "d_im_\(k)", style: .simulation, group: 6)],
                                                     unitCircle: true)))
            for (mode, title) in [("b", "recurrent mode b"), ("ac", "input–output mode ac")] {
                let panel = Panel(title: "\(col.label): \(title)", xLabel: "training step", yLabel: "radius / angle (rad)",
                                  content: .lines([
                                    Series("|\(mode)|", x: "step", y: "\(mode)_radius_sim_\(k)", style: .simulation, group: Self.radiusGroup),
                                    Series("|\(mode)| theory", x: "step", y: "\(mode)_radius_theory_\(k)", style: .theory, group: Self.radiusGroup),
                                    Series("arg \(mode)", x: "step", y: "\(mode)_angle_sim_\(k)", style: .simulation, group: Self.angleGroup),
                                    Series("arg \(mode) theory", x: "step", y: "\(mode)_angle_theory_\(k)", style: .theory, group: Self.angleGroup),
                                  ]))
                if mode == "b" { row2.append(panel) } else { row3.append(panel) }
            }
        }
        dataset = data
        figure = FigureSpec(title: title, columns: columns.count, panels: row1 + row2 + row3)
    }

    /// Largest relative theory-vs-simulation gap over all columns.
    var theoryError: Double { runs.map(\.worstRelativeGap).max() ?? 0 }
}


/// The run settings the rotational figures (A9–A11) share, read from their parameters.
struct RotationalRunSettings {
    let timeSteps: Int, learningRate: Double, steps: Int, recordEvery: Int, theorySubsteps: Int
    /// Starting mode: a = c = `initial_io`, b = `initial_b`.
    let initial: Proca2025.ComplexMode

    /// The shared keys, declared once; each figure declares its own `steps` with `steps(_:full:)`. The quick preset
    /// takes 2.5× larger GD steps than the full one (both cover the same flow time): the GD-vs-flow gap (first order
    /// in η) is then about 5 % instead of 2 %.
    static let T = Parameter.int("T", 6, in: 2...200, unit: "steps", doc: "sequence length T of the rotational tasks (the spec's §8.2 check length)")
    static let learningRate = Parameter.double("learning_rate", 0.0025, full: 0.001, in: 1e-6...1, doc: "gradient-descent step η of the eigen-aligned LRNN")
    static let recordEvery = Parameter.int("record_every", 4, full: 10, in: 1...1_000_000, unit: "steps", doc: "record the complex modes b and ac every this many steps")
    static let theorySubsteps = Parameter.int("theory_substeps", 2, full: 4, in: 1...1000, doc: "RK4 substeps per GD step of the complex mode flow (the theory curves)")
    static let initialIO = Parameter.double("initial_io", 0.1, in: -10...10, doc: "initial input and output modes a = c (real)")
    static let initialB = Parameter.double("initial_b", 0.1, in: -10...10, doc: "initial recurrent mode b (real)")

    /// The `steps` parameter of a rotational figure: `quick` and `full` GD steps (the same flow time at each preset's η).
    static func steps(_ quick: Int, full: Int) -> Parameter<Int> {
        .int("steps", quick, full: full, in: 10...10_000_000, unit: "steps", doc: "gradient-descent steps of every column")
    }

    /// The shared declarations, with the figure's `steps`.
    static func declarations(steps: Parameter<Int>) -> [ParameterDeclaration] {
        [.init(T), .init(learningRate), .init(steps), .init(recordEvery), .init(theorySubsteps), .init(initialIO), .init(initialB)]
    }

    /// Reads the shared keys from `p`, with the figure's declared `steps`.
    init(_ p: ConfigReader, steps stepsParameter: Parameter<Int>) throws {
        timeSteps = try p.read(Self.T)
        learningRate = try p.read(Self.learningRate)
        steps = try p.read(stepsParameter)
        recordEvery = try p.read(Self.recordEvery)
        theorySubsteps = try p.read(Self.theorySubsteps)
        let io = try p.read(Self.initialIO), b0 = try p.read(Self.initialB)
        initial = Proca2025.ComplexMode(a: Complex(io), b: Complex(b0), c: Complex(io))
    }

    /// Trains and integrates every column and lays out the figure.
    func figure(title: String, columns: [RotationalColumn], streams: RandomStreams,
                progress: @escaping @Sendable (Double) -> Void) throws -> RotationalFigure {
        try RotationalFigure(title: title, columns: columns, timeSteps: timeSteps, initial: initial, learningRate: learningRate,
                             steps: steps, recordEvery: recordEvery, theorySubsteps: theorySubsteps, streams: streams, progress: progress)
    }

    /// Per column: GD steps of the network (interpolated) and of the mode flow to a `drop` loss reduction; the
    /// network's values are also added to the dataset as `steps_to_loss_drop`.
    func lossDropSpeeds(_ fig: inout RotationalFigure, columns: [RotationalColumn], drop: Double) -> (network: [Double?], flow: [Int]) {
        let speeds = columns.indices.map { fig.runs[$0].stepsToLossDrop(drop) }
        let flowSpeeds = columns.map { col -> Int in
            let flow = Proca2025.ComplexModeFlow(eigenvalues: col.theoryFamily.eigenvalues(length: timeSteps))
            return Proca2025.LearningSpeed.stepsToLossReduction(flow, from: initial, fraction: drop, stepSize: learningRate,
                                                                 maxSteps: 10 * steps) ?? -1
        }
        fig.dataset.add(DataArray("steps_to_loss_drop", speeds.map { $0 ?? .nan },
                                  doc: "per column: GD steps until the LRNN loss first falls by loss_drop (interpolated between records)"))
        return (speeds, flowSpeeds)
    }
}
