import Foundation
import Testing
@testable import RNNDynamics

/// Issue 15: classical MDS, the embedding `rnndyn compare` draws.
struct ClassicalMDSTests {
    static func distances(_ points: [[Double]]) -> Matrix {
        Matrix(rows: points.count, cols: points.count) { i, j in
            zip(points[i], points[j]).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
        }
    }

    @Test func recoversAPlanarConfigurationUpToRotation() throws {
        var rng = Xoshiro256(seed: 11)
        let points = (0..<7).map { _ in [3 * rng.gaussian() + 5, rng.gaussian() - 2] }
        let d = Self.distances(points)
        let e = try ClassicalMDS.embed(d, dimensions: 2)
        let recovered = Self.distances((0..<7).map { [e.coordinates[$0, 0], e.coordinates[$0, 1]] })
        var worst = 0.0
        for i in 0..<7 { for j in 0..<7 { worst = max(worst, abs(recovered[i, j] - d[i, j])) } }
        #expect(worst < 1e-10, "largest distance error \(worst)")
        // Planar: two positive eigenvalues, the rest zero to rounding; all the mass is positive and on the two axes.
        #expect(e.eigenvalues.count == 7 && e.eigenvalues[1] > 1)
        #expect(e.eigenvalues.dropFirst(2).allSatisfy { abs($0) < 1e-10 * e.eigenvalues[0] }, "\(e.eigenvalues)")
        #expect(abs(e.positiveMassFraction - 1) < 1e-10 && abs(e.explainedFraction - 1) < 1e-10)
        // Centred, and each axis signed so its largest-magnitude entry is positive.
        for axis in 0..<2 {
            let column = (0..<7).map { e.coordinates[$0, axis] }
            #expect(abs(column.reduce(0, +)) < 1e-10)
            #expect(column.max(by: { abs($0) < abs($1) })! > 0)
        }
        // A 1-D embedding keeps the first axis and reports the share it carries.
        let line = try ClassicalMDS.embed(d, dimensions: 1)
        #expect(line.coordinates.cols == 1 && line.explainedFraction < 1 && line.explainedFraction > 0.5)
        #expect((0..<7).allSatisfy { line.coordinates[$0, 0] == e.coordinates[$0, 0] })
    }

    @Test func nonEuclideanDistancesHaveNegativeMass() throws {
        // Four points where one pair is far longer than any path through the others: not Euclidean.
        var d = Matrix(rows: 4, cols: 4, repeating: 1)
        for i in 0..<4 { d[i, i] = 0 }
        d[0, 1] = 3; d[1, 0] = 3
        let e = try ClassicalMDS.embed(d, dimensions: 2)
        #expect(e.eigenvalues.last! < -0.1 && e.positiveMassFraction < 0.95, "\(e.eigenvalues)")
    }

    @Test func refusesMatricesThatAreNotDistances() {
        var asymmetric = Matrix(rows: 3, cols: 3, repeating: 1)
        for i in 0..<3 { asymmetric[i, i] = 0 }
        asymmetric[0, 2] = 2
        var negative = Matrix(rows: 2, cols: 2)
        negative[0, 1] = -1; negative[1, 0] = -1
        var nan = Matrix(rows: 2, cols: 2)
        nan[0, 1] = .nan; nan[1, 0] = .nan
        for (d, k) in [(asymmetric, 2), (negative, 1), (nan, 1), (Matrix(rows: 2, cols: 2), 3), (Matrix(rows: 2, cols: 3), 1)] {
            #expect(throws: LinalgError.self) { try ClassicalMDS.embed(d, dimensions: k) }
        }
    }
}
