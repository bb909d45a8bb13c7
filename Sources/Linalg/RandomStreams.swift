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

/// A tree of seeded random streams: a root seed, nodes named by a path under it (`root → paper → experiment →
/// cell → role`, in the spirit of JAX key splitting), and at each node named, statistically independent
/// generators (`init`, `data`, `noise`, …).
///
/// A node's key depends only on the root seed and its path, and a stream only on its node and its name: never on
/// which other streams were used or in what order, so adding a consumer never perturbs existing results, and two
/// root seeds never share a stream (no `seed + k` arithmetic anywhere). The root node's streams are those of
/// earlier rnndyn releases, so `rnndyn train` results are unchanged.
public struct RandomStreams: Sendable {
    /// The root seed of the tree.
    public let seed: UInt64
    /// The node's names from the root (empty at the root).
    public let path: [String]
    /// The node's 64-bit key (the root seed at the root).
    public let key: UInt64
    /// Where derived streams are noted, when a caller audits them (tests); inherited by children.
    public let ledger: StreamLedger?

    /// The root of the tree for `seed`.
    public init(seed: UInt64, ledger: StreamLedger? = nil) {
        self.init(seed: seed, path: [], key: seed, ledger: ledger)
    }

    private init(seed: UInt64, path: [String], key: UInt64, ledger: StreamLedger?) {
        self.seed = seed; self.path = path; self.key = key; self.ledger = ledger
    }

    /// The child node `name` (`child("a").child("b")` is the node at path a/b).
    public func child(_ name: String) -> RandomStreams {
        // The child's key is the first word of a reserved stream of this node, so children and streams never collide.
        var g = Self.generator(key: key, name: "\u{1}node/" + name)
        return RandomStreams(seed: seed, path: path + [name], key: g.next(), ledger: ledger)
    }

    /// The child node at a dotted or slashed path, e.g. `node("proca2025.fig3")` (empty components are skipped).
    public func node(_ dottedPath: String) -> RandomStreams {
        dottedPath.split(whereSeparator: { $0 == "." || $0 == "/" }).reduce(self) { $0.child(String($1)) }
    }

    /// The generator for `name` at this node (a fresh copy each call, starting at the stream's beginning).
    public func stream(_ name: String) -> Xoshiro256 {
        let g = Self.generator(key: key, name: name)
        ledger?.note(seed: seed, path: (path + [name]).joined(separator: "/"), state: g.state)
        return g
    }

    /// FNV-1a of the UTF-8 name mixed with the key through SplitMix64.
    static func generator(key: UInt64, name: String) -> Xoshiro256 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in name.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        var sm = SplitMix64(state: key ^ h)
        _ = sm.next()
        return Xoshiro256(seed: sm.next() ^ h.byteSwapped)
    }
}

/// A thread-safe record of every stream a `RandomStreams` tree handed out (root seed, path, starting state), so
/// a test can show that two root seeds share no stream.
public final class StreamLedger: @unchecked Sendable {
    /// One derived stream.
    public struct Entry: Hashable, Sendable {
        /// Root seed of the tree it came from.
        public let seed: UInt64
        /// Its path from the root, `proca2025/fig3/cell-2/init`.
        public let path: String
        /// Its starting state words.
        public let state: [UInt64]
    }
    private let lock = NSLock()
    private var items: [Entry] = []

    /// An empty ledger.
    public init() {}

    func note(seed: UInt64, path: String, state: (UInt64, UInt64, UInt64, UInt64)) {
        lock.lock(); defer { lock.unlock() }
        items.append(Entry(seed: seed, path: path, state: [state.0, state.1, state.2, state.3]))
    }

    /// Every stream handed out so far, in the order requested.
    public var entries: [Entry] { lock.lock(); defer { lock.unlock() }; return items }
}
