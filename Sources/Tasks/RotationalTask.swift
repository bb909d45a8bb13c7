import Linalg
import SequenceData

/// A square task in eigen form (Proca et al. §8.4): `Σ^{YX_t} = Q H_t Qᵀ` with a fixed orthogonal `Q`.
///
/// `H_t` is real block-diagonal: a 1×1 block per real mode and a 2×2 block `[[μ, −ν], [ν, μ]]` per conjugate
/// pair `μ ± iν = d_t, d̄_t`, in the block convention of `EigenBasis` (`basis.eigenvectorMatrix` is the unitary
/// `P` of `Σ^{YX_t} = P D_t P^†`). The task keeps its profiles, so `atLength(_:)` gives the same δ, λ at another T.
public struct RotationalTask: Sendable, Equatable {
    /// One eigenvalue profile per block.
    public var profiles: [EigenvalueProfile]
    /// The frame `Q` and its block structure (shared with `SequenceData.EigenBasis`).
    public var basis: EigenBasis
    /// Trajectory length T.
    public let timeSteps: Int
    /// `d_{k,t}`: `blockValues[k][t−1]` (real blocks hold real values).
    public let blockValues: [[ComplexPair]]

    /// A task with the given profiles on `basis`; throws if a real block gets a complex value or T is invalid.
    public init(profiles: [EigenvalueProfile], basis: EigenBasis, timeSteps T: Int) throws {
        guard profiles.count == basis.isPair.count else {
            throw TaskError.invalidParameter("\(profiles.count) profiles for \(basis.isPair.count) blocks; allowed: one per block")
        }
        var values = [[ComplexPair]]()
        for (k, profile) in profiles.enumerated() {
            var d = try profile.values(timeSteps: T)
            if !basis.isPair[k] {
                for (t, z) in d.enumerated() where abs(z.im) > 1e-12 * max(1, abs(z.re)) {
                    throw TaskError.invalidParameter("block \(k) is real but d_\(t + 1) = \(z); allowed: real values (φ = 0 or π)")
                }
                d = d.map { ComplexPair($0.re) }
            }
            values.append(d)
        }
        self.profiles = profiles; self.basis = basis; self.timeSteps = T; self.blockValues = values
    }

    /// A task on a Haar-random `Q` drawn from `rng`; `isPair[k]` says whether block k is a conjugate pair.
    public init(profiles: [EigenvalueProfile], isPair: [Bool], timeSteps T: Int, rng: inout Xoshiro256) throws {
        let n = isPair.reduce(0) { $0 + ($1 ? 2 : 1) }
        try self.init(profiles: profiles, basis: EigenBasis(q: try Matrix.haarOrthogonal(n, using: &rng), isPair: isPair),
                      timeSteps: T)
    }

    /// The same task (profiles and frame) at length `T′` — the out-of-distribution variant.
    public func atLength(_ T: Int) throws -> RotationalTask { try RotationalTask(profiles: profiles, basis: basis, timeSteps: T) }

    /// N = N_x = N_y.
    public var dimension: Int { basis.q.rows }

    /// `d_t` per block (t is 1-based).
    public func values(at t: Int) -> [ComplexPair] { blockValues.map { $0[t - 1] } }

    /// All eigenvalues of `Σ^{YX_t}` in the column order of `basis.eigenvectorMatrix` (`d, d̄` per pair).
    public func eigenvalues(at t: Int) -> [ComplexPair] { basis.eigenvalues(pairs: values(at: t)) }

    /// `H_t`, the real block-diagonal matrix (t is 1-based).
    public func h(at t: Int) -> Matrix { basis.blockMatrix(pairs: values(at: t)) }

    /// `Σ^{YX_t} = Q H_t Qᵀ` for t = 1…T.
    public var crossCorrelations: [Matrix] { (1...timeSteps).map { basis.q * h(at: $0).timesTranspose(basis.q) } }

    /// Final-readout population statistics (`targetEnergy = ½ Σ_t ‖H_t‖²_F`, the whitened value).
    public var population: PopulationCorrelations { LinearMapTask(maps: crossCorrelations).population }

    /// P whitened Gaussian trajectories (needs `P > T·N`) with targets `Σ_t Q H_t Qᵀ x_t`.
    public func sample(count p: Int, rng: inout Xoshiro256) throws -> SequenceBatch {
        try LinearMapTask(maps: crossCorrelations).sample(count: p, rng: &rng)
    }
}
