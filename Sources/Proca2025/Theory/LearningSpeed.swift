import Theory

/// Learning-speed measurements on mode ODE runs (App. E, Fig. A1 ordering).
public enum LearningSpeed {
    /// The number of steps until the energy has dropped by `fraction` of its initial excess over `floor`,
    /// i.e. the first n with `E_n ≤ floor + (1 − fraction)(E_0 − floor)`; nil if not reached in `maxSteps`.
    ///
    /// With `.euler` each step is one gradient-descent step of size `stepSize` (our loss convention).
    public static func stepsToLossReduction<F: VectorField>(
        _ field: F, initial: [Double], energy: (UnsafeBufferPointer<Double>) -> Double, fraction: Double = 0.9,
        stepSize: Double = 0.01, method: FixedStepMethod = .euler, floor: Double = 0, maxSteps: Int = 1_000_000
    ) -> Int? {
        precondition(fraction > 0 && fraction <= 1, "fraction must be in (0, 1]")
        let integrator = FixedStepIntegrator(method, stepSize: stepSize)
        var ws = ODEWorkspace(dimension: field.dimension)
        var y = initial
        let e0 = y.withUnsafeBufferPointer(energy)
        let target = floor + (1 - fraction) * (e0 - floor)
        if e0 <= target { return 0 }
        for n in 1...max(1, maxSteps) {
            integrator.step(field, time: Double(n - 1) * stepSize, state: &y, size: stepSize, workspace: &ws)
            let e = y.withUnsafeBufferPointer(energy)
            guard e.isFinite else { return nil }
            if e <= target { return n }
        }
        return nil
    }

    /// `stepsToLossReduction` for a real mode flow from `initial`.
    public static func stepsToLossReduction(
        _ flow: ModeFlow, from initial: Mode, fraction: Double = 0.9, stepSize: Double = 0.01,
        method: FixedStepMethod = .euler, floor: Double = 0, maxSteps: Int = 1_000_000
    ) -> Int? {
        stepsToLossReduction(flow, initial: initial.state, energy: { flow.energy(state: $0) }, fraction: fraction,
                             stepSize: stepSize, method: method, floor: floor, maxSteps: maxSteps)
    }

    /// `stepsToLossReduction` for a complex mode flow from `initial`.
    public static func stepsToLossReduction(
        _ flow: ComplexModeFlow, from initial: ComplexMode, fraction: Double = 0.9, stepSize: Double = 0.01,
        method: FixedStepMethod = .euler, floor: Double = 0, maxSteps: Int = 1_000_000
    ) -> Int? {
        stepsToLossReduction(flow, initial: initial.state, energy: { flow.energy(state: $0) }, fraction: fraction,
                             stepSize: stepSize, method: method, floor: floor, maxSteps: maxSteps)
    }
}
