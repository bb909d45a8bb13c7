import Foundation

/// xoshiro256** generator: fast, 256-bit state, bit-reproducible across platforms.
public struct Xoshiro256: RandomNumberGenerator, Sendable, Equatable {
    /// The four state words (serialisable, so a run can checkpoint and resume its stream).
    public private(set) var state: (UInt64, UInt64, UInt64, UInt64)

    /// Seeds the state from one 64-bit value through SplitMix64 (as recommended by the xoshiro authors).
    public init(seed: UInt64) {
        var sm = SplitMix64(state: seed)
        state = (sm.next(), sm.next(), sm.next(), sm.next())
    }

    /// Restores a generator from saved state words.
    public init(state: (UInt64, UInt64, UInt64, UInt64)) { self.state = state }

    public static func == (a: Xoshiro256, b: Xoshiro256) -> Bool {
        a.state.0 == b.state.0 && a.state.1 == b.state.1 && a.state.2 == b.state.2 && a.state.3 == b.state.3
    }

    @inlinable static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    public mutating func next() -> UInt64 {
        let result = Xoshiro256.rotl(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = Xoshiro256.rotl(state.3, 45)
        return result
    }

    /// Uniform double in [0, 1) with 53 random bits.
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Standard normal sample (Box–Muller, both variates drawn fresh so the stream position is simple).
    public mutating func gaussian() -> Double {
        var u1 = uniform()
        while u1 == 0 { u1 = uniform() }
        let u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// `count` i.i.d. N(mean, std²) samples.
    public mutating func gaussians(_ count: Int, mean: Double = 0, std: Double = 1) -> [Double] {
        (0..<count).map { _ in mean + std * gaussian() }
    }

    /// A `rows × cols` matrix of i.i.d. N(0, std²) entries, filled column by column.
    public mutating func gaussianMatrix(rows: Int, cols: Int, std: Double = 1) -> Matrix {
        Matrix(rows: rows, cols: cols, columnMajor: gaussians(rows * cols, std: std))
    }
}

/// SplitMix64, used to expand seeds.
public struct SplitMix64: Sendable {
    /// Current state.
    public var state: UInt64
    /// Starts at `state`.
    public init(state: UInt64) { self.state = state }
    /// Next 64-bit output.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// One root seed fanned out into named, statistically independent streams (`init`, `data`, `noise`, …).
///
/// A stream depends only on the root seed and its name, never on which other streams were used or in
/// what order, so adding a new consumer never perturbs existing results.
public struct RandomStreams: Sendable {
    /// The root seed.
    public let seed: UInt64

    /// Streams derived from `seed`.
    public init(seed: UInt64) { self.seed = seed }

    /// The generator for `name` (a fresh copy each call, starting at the stream's beginning).
    public func stream(_ name: String) -> Xoshiro256 {
        // FNV-1a over the UTF-8 name, mixed with the seed through SplitMix64.
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in name.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        var sm = SplitMix64(state: seed ^ h)
        _ = sm.next()
        return Xoshiro256(seed: sm.next() ^ h.byteSwapped)
    }
}
