import Linalg
import Numerics

/// Named target filters for learning to integrate white noise (issue 13; the target forms are our reconstruction of
/// Bordelon et al. 2025): each returns the `ModalResponse` whose closed-form energy and transfer function the exact
/// loss uses. Parameters are validated with one-line `TaskError.invalidParameter` messages naming the field.
public enum FilterTarget {
    /// Which trigonometric factor a damped oscillator carries.
    public enum Phase: String, Sendable, Codable, CaseIterable {
        /// `e^{−ct} cos Ωt` (`H(s) = (s + c)/((s + c)² + Ω²)`).
        case cosine = "cos"
        /// `e^{−ct} sin Ωt` (`H(s) = Ω/((s + c)² + Ω²)`).
        case sine = "sin"
    }

    /// The leaky integrator `g*(t) = amplitude · e^{−rate·t}` (`H*(s) = amplitude/(s + rate)`, energy `amplitude²/(2·rate)`).
    public static func leakyIntegrator(rate: Double, amplitude: Double = 1) throws -> ModalResponse {
        try positive(rate, "rate")
        try finite(amplitude, "amplitude")
        return try ModalResponse(clock: .continuous, residues: [Complex(amplitude)], poles: [Complex(rate)])
    }

    /// The damped oscillator `e^{−rate·t} cos(frequency·t)` (or `sin`): one complex mode `r e^{−(rate − i·frequency)t}`
    /// with `r = 1` (cos) or `r = −i` (sin).
    public static func dampedOscillator(rate: Double, frequency: Double, phase: Phase = .cosine,
                                        amplitude: Double = 1) throws -> ModalResponse {
        try positive(rate, "rate")
        try finite(frequency, "frequency")
        try finite(amplitude, "amplitude")
        let residue = phase == .cosine ? Complex(amplitude) : Complex(0, -amplitude)
        return try ModalResponse(clock: .continuous, residues: [residue], poles: [Complex(rate, -frequency)])
    }

    /// A sum of exponential filters `Σ_k amplitudes[k] · e^{−rates[k]·t}`.
    public static func exponentials(amplitudes: [Double], rates: [Double]) throws -> ModalResponse {
        guard !rates.isEmpty, amplitudes.count == rates.count else {
            throw TaskError.invalidParameter(
                "amplitudes (\(amplitudes.count)) and rates (\(rates.count)) must be equally many, at least one")
        }
        for r in rates { try positive(r, "rates") }
        for a in amplitudes { try finite(a, "amplitudes") }
        return try ModalResponse(clock: .continuous, residues: amplitudes.map { Complex($0) }, poles: rates.map { Complex($0) })
    }

    /// The multi-timescale default of experiment R9: `e^{−0.1t} + e^{−0.5t}`.
    public static func twoTimescales() -> ModalResponse {
        // Constant, valid arguments.
        try! exponentials(amplitudes: [1, 1], rates: [0.1, 0.5])
    }

    /// The discrete-time geometric filter `Σ_k amplitudes[k] · ratios[k]^t` (`0 < |ratio| < 1`).
    public static func geometric(amplitudes: [Double], ratios: [Double]) throws -> ModalResponse {
        guard !ratios.isEmpty, amplitudes.count == ratios.count else {
            throw TaskError.invalidParameter(
                "amplitudes (\(amplitudes.count)) and ratios (\(ratios.count)) must be equally many, at least one")
        }
        for rho in ratios where !(abs(rho) > 0 && abs(rho) < 1) {
            throw TaskError.invalidParameter("ratios must have modulus in (0, 1), got \(rho)")
        }
        for a in amplitudes { try finite(a, "amplitudes") }
        return try ModalResponse(clock: .discrete, residues: amplitudes.map { Complex($0) }, poles: ratios.map { Complex($0) })
    }

    /// The discrete-time damped rotation `radius^t cos(angle·t)` (or `sin`), `0 < radius < 1`.
    public static func dampedRotation(radius: Double, angle: Double, phase: Phase = .cosine,
                                      amplitude: Double = 1) throws -> ModalResponse {
        guard radius > 0, radius < 1 else { throw TaskError.invalidParameter("radius must be in (0, 1), got \(radius)") }
        try finite(angle, "angle")
        try finite(amplitude, "amplitude")
        let residue = phase == .cosine ? Complex(amplitude) : Complex(0, -amplitude)
        return try ModalResponse(clock: .discrete, residues: [residue], poles: [Complex(length: radius, phase: angle)])
    }

    private static func positive(_ x: Double, _ name: String) throws {
        guard x > 0, x.isFinite else { throw TaskError.invalidParameter("\(name) must be positive and finite, got \(x)") }
    }

    private static func finite(_ x: Double, _ name: String) throws {
        guard x.isFinite else { throw TaskError.invalidParameter("\(name) must be finite, got \(x)") }
    }
}
