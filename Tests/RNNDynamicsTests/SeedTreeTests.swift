import Foundation
import Testing
@testable import RNNDynamics

/// The seed tree: every random draw of every experiment comes from a stream named by a path under the root seed,
/// so two root seeds share no stream and the same seed gives the same bytes.
@Suite struct SeedTreeTests {
    /// The streams of ledger `a` whose starting state also occurs in ledger `b` (a shared stream).
    static func shared(_ a: StreamLedger, _ b: StreamLedger) -> [StreamLedger.Entry] {
        let states = Set(b.entries.map(\.state))
        return a.entries.filter { states.contains($0.state) }
    }

    @Test func nodesAreNamedByPathAndRootStreamsAreUnchanged() {
        let root = RandomStreams(seed: 7)
        #expect(root.node("proca2025.fig3").key == root.child("proca2025").child("fig3").key)
        #expect(root.node("proca2025/fig3").path == ["proca2025", "fig3"])
        var a = root.child("cell-0").stream("init"), b = root.child("cell-1").stream("init"), c = root.stream("init")
        #expect(a.next() != b.next() && b.next() != c.next())
        // The root's streams are the ones rnndyn has always drawn (train results stay as they were): SplitMix64 of
        // seed ⊕ FNV-1a(name), one word skipped, the next ⊕ the byte-swapped hash seeds xoshiro256**.
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in "init".utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        var sm = SplitMix64(state: 7 ^ h)
        _ = sm.next()
        #expect(root.stream("init") == Xoshiro256(seed: sm.next() ^ h.byteSwapped))
        // A child's streams differ from the parent's stream of the same name and from another seed's child.
        #expect(root.child("x").stream("y") != root.stream("y"))
        #expect(RandomStreams(seed: 8).child("x").stream("y") != root.child("x").stream("y"))
    }

    @Test func theAuditCatchesSeedArithmetic() {
        // `seed + k` (what figures did before the tree): run k of seed 0 is run k−1 of seed 1.
        let l0 = StreamLedger(), l1 = StreamLedger()
        for k in 0..<3 {
            _ = RandomStreams(seed: 0 &+ UInt64(k), ledger: l0).stream("init")
            _ = RandomStreams(seed: 1 &+ UInt64(k), ledger: l1).stream("init")
        }
        #expect(Self.shared(l0, l1).count == 2)
        // The tree: run k is a child node; seeds 0 and 1 share nothing.
        let t0 = StreamLedger(), t1 = StreamLedger()
        for k in 0..<3 {
            _ = RandomStreams(seed: 0, ledger: t0).child("run-\(k)").stream("init")
            _ = RandomStreams(seed: 1, ledger: t1).child("run-\(k)").stream("init")
        }
        #expect(Self.shared(t0, t1).isEmpty)
    }

    @Test(arguments: ExperimentRegistry.all.map(\.id))
    func seedsShareNoStreamAndRepeatBitForBitOnAnyThreadCount(id: String) throws {
        let e = try #require(ExperimentRegistry.experiment(id))
        let l0 = StreamLedger(), l1 = StreamLedger(), again = StreamLedger()
        // The thread count is a runner option: one thread and three give the same bytes.
        let (r0, _) = try e.run(.quick, seed: 0, ledger: l0, threads: 1)
        let (r1, _) = try e.run(.quick, seed: 1, ledger: l1, threads: 2)
        let (r0b, _) = try e.run(.quick, seed: 0, ledger: again, threads: 3)
        #expect(Self.shared(l0, l1).isEmpty, "\(id): seeds 0 and 1 share \(Self.shared(l0, l1).map(\.path))")
        let prefix = e.id.replacingOccurrences(of: ".", with: "/") + "/"
        #expect(l0.entries.allSatisfy { $0.path.hasPrefix(prefix) }, "\(id): a stream outside its node")
        #expect(l0.entries.map(\.path).sorted() == again.entries.map(\.path).sorted(), "\(id): seed 0 twice draws other streams")
        let bytes0 = try NPZ.encode(ExperimentOutput.arrays(r0.dataset)), bytes0b = try NPZ.encode(ExperimentOutput.arrays(r0b.dataset))
        #expect(bytes0 == bytes0b, "\(id): seed 0 on 1 and on 3 threads gives different bytes")
        if !l0.entries.isEmpty {
            #expect(try NPZ.encode(ExperimentOutput.arrays(r1.dataset)) != bytes0, "\(id): seed 1 reproduces seed 0's bytes")
        }
    }

    /// Paper code never builds its own root from arithmetic on a seed: it receives its node of the tree.
    @Test func paperCodeDerivesNoSeeds() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources")
        let files = FileManager.default.enumerator(atPath: sources.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") } ?? []
        #expect(files.count > 50)
        var offenders: [String] = []
        // The tree itself (Linalg/RandomStreams.swift) is where seeds are mixed into keys.
        for f in files where f != "Linalg/RandomStreams.swift" {
            let text = try String(contentsOf: sources.appendingPathComponent(f), encoding: .utf8)
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where line.range(of: #"seed\s*&?[+*^]|[+*^]\s*seed\b"#, options: .regularExpression) != nil {
                offenders.append("\(f):\(n + 1)")
            }
        }
        #expect(offenders.isEmpty, "seed arithmetic at \(offenders)")
    }
}
