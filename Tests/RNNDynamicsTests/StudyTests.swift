import Foundation
import Testing
@testable import RNNDynamics

/// The study machinery: ordered, thread-count-independent parallel maps, pair maps, and a map–reduce study whose
/// cells draw from their own seed-tree nodes.
@Suite struct StudyTests {
    @Test func parallelMapKeepsOrderAndRethrowsTheFirstError() throws {
        for threads in [1, 2, 5] {
            let squares = try ParallelMap.map(100, threads: threads) { $0 * $0 }
            #expect(squares == (0..<100).map { $0 * $0 })
        }
        struct Boom: Error, Equatable { let i: Int }
        #expect(throws: Boom(i: 3)) {
            _ = try ParallelMap.map(50, threads: 4) { i -> Int in if i == 3 || i == 40 { throw Boom(i: i) }; return i }
        }
        #expect(try ParallelMap.map(0, threads: 3) { $0 }.isEmpty)
        // Per-thread state is reused across items but never shared between threads.
        let sums = try ParallelMap.map(64, threads: 4, state: { [Int]() }) { i, seen in seen.append(i); return seen.allSatisfy { $0 <= i } }
        #expect(sums.allSatisfy { $0 })
    }

    @Test func pairMapVisitsEveryPairOnceInOrder() throws {
        #expect(ParallelMap.pairIndices(4).map { [$0.0, $0.1] } == [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]])
        #expect(ParallelMap.pairIndices(1).isEmpty && ParallelMap.pairIndices(0).isEmpty)
        let values = (0..<7).map { Double($0) * 1.5 }
        let context = RunContext(streams: RandomStreams(seed: 0), threads: 3)
        let distances = try context.mapPairs(values.count) { abs(values[$0] - values[$1]) }
        #expect(distances.count == 21 && distances[0] == 1.5 && distances.last == 1.5 && distances[5] == 9)
    }

    /// A toy study: each cell draws one Gaussian from its own node; the reduce sums them and compares every pair.
    struct ToyStudy: Study {
        var id: String { "toy.study" }
        var paperFigure: String { "none" }
        var summary: String { "toy" }
        func parameters(_ preset: Preset) -> [String: Any] { ["cells": 6] }
        func plan(_ p: ConfigReader) throws -> Int { let n = try p.int("cells", in: 1...100); try p.finish(); return n }
        func cells(_ n: Int) -> [StudyCell] { (0..<n).map { StudyCell(index: $0, name: "cell-\($0)") } }
        func runCell(_ cell: StudyCell, plan: Int, streams: RandomStreams) throws -> Double {
            var g = streams.stream("draw")
            return g.gaussian()
        }
        func reduce(_ n: Int, results: [Double], context: RunContext) throws -> ExperimentResult {
            let gaps = try context.mapPairs(results.count) { abs(results[$0] - results[$1]) }
            var data = Dataset()
            data.add(DataArray("draws", results, doc: "one draw per cell"))
            data.add(DataArray("gaps", gaps, doc: "|draw_i − draw_j| for i < j"))
            return ExperimentResult(dataset: data, figure: FigureSpec(title: "toy", columns: 1, panels: []), checks: [])
        }
    }

    @Test func aStudyMapsCellsOnTheirOwnNodesAndReduces() throws {
        let study = ToyStudy()
        let ledger = StreamLedger()
        let (one, _) = try study.run(.quick, seed: 4, ledger: ledger, threads: 1)
        let (three, _) = try study.run(.quick, seed: 4, threads: 3)
        #expect(one.dataset == three.dataset)
        #expect(Set(ledger.entries.map(\.path)) == Set((0..<6).map { "toy/study/cell-\($0)/draw" }))
        // Each cell's value is the first draw of its own node: nothing depends on which thread ran it.
        let root = RandomStreams(seed: 4).node("toy.study")
        for i in 0..<6 {
            var g = root.child("cell-\(i)").stream("draw")
            #expect(one.dataset["draws"]!.values[i] == g.gaussian())
        }
        #expect(one.dataset["gaps"]!.values.count == 15)
    }
}
