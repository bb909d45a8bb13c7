import Linalg
import Numerics

/// The per-mode energy split into a data-driven term and the effective regulariser (Lemma 3.2, Eqs. 9 / 159).
public struct EnergySplit: Sendable, Equatable {
    /// Data term `½ Σ (s² − 2 s u b^k)` (complex: `½ Σ (|d|² − 2 Re(d̄ u b^k))`).
    public var data: Double
    /// Effective regulariser `½ |u|² F(b)` with `F` = `regulariserFactor(b:length:readout:)`.
    public var regulariser: Double
    /// `data + regulariser`, the energy.
    public var total: Double { data + regulariser }
}

/// The regulariser factor `F(b) = Σ_terms b^{2k}` in closed form.
///
/// Final readout: `(1 − b^{2T})/(1 − b²)` (→ T at b = ±1). Autoregressive (Eq. 159):
/// `[T(1 − b²) − b²(1 − b^{2T})]/(1 − b²)²` (→ T(T+1)/2 at b = ±1). Within `|1 − b²| < 10⁻²` the equivalent
/// finite sums `Σ_{k<T} b^{2k}` and `Σ_{k<T} (T − k) b^{2k}` are evaluated instead, which avoids the
/// cancellation of the closed forms and gives the b² = 1 limits exactly. For complex b pass |b|.
public func regulariserFactor(b: Double, length T: Int, readout: Readout) -> Double {
    precondition(T >= 1, "length must be at least 1")
    let q = b * b, oneMinusQ = (1 - b) * (1 + b)
    if abs(oneMinusQ) < 1e-2 {
        var sum = 0.0, p = 1.0
        for k in 0..<T {
            sum += (readout == .final ? 1 : Double(T - k)) * p
            p *= q
        }
        return sum
    }
    let qT = integerPower(q, T)
    switch readout {
    case .final:
        return (1 - qT) / oneMinusQ
    case .autoregressive:
        return (Double(T) * oneMinusQ - q * (1 - qT)) / (oneMinusQ * oneMinusQ)
    }
}

extension Proca2025.ModeFlow {
    /// The energy split (Eq. 9 for the final readout, Eq. 159 for the autoregressive one) at mode `m`.
    public func energySplit(_ m: Proca2025.Mode) -> Proca2025.EnergySplit {
        let u = m.u
        var data = 0.0
        for (k, s) in zip(table.lags, table.targets) { data += s * s - 2 * s * u * integerPower(m.b, k) }
        let reg = u * u * Proca2025.regulariserFactor(b: m.b, length: length, readout: readout)
        return Proca2025.EnergySplit(data: 0.5 * data, regulariser: 0.5 * reg)
    }
}

extension Proca2025.ComplexModeFlow {
    /// The energy split for a complex mode: regulariser `½ |u|² F(|b|)`.
    public func energySplit(_ m: Proca2025.ComplexMode) -> Proca2025.EnergySplit {
        let u = m.u
        var data = 0.0
        for (k, d) in zip(table.lags, table.targets) {
            data += d.lengthSquared - 2 * (d.conjugate * u * integerPower(m.b, k)).real
        }
        let reg = u.lengthSquared * Proca2025.regulariserFactor(b: m.b.length, length: length, readout: readout)
        return Proca2025.EnergySplit(data: 0.5 * data, regulariser: 0.5 * reg)
    }
}
