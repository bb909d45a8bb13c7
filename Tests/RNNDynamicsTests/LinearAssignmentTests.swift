import Foundation
import Testing
@testable import Linalg

/// Minimum over all permutations (brute force) of Σ cost[i, π(i)].
private func bruteForceAssignment(_ cost: Matrix) -> Double {
    var best = Double.infinity
    var perm = Array(0..<cost.rows)
    func visit(_ k: Int) {
        if k == perm.count {
            best = min(best, perm.enumerated().reduce(0.0) { $0 + cost[$1.offset, $1.element] })
            return
        }
        for j in k..<perm.count {
            perm.swapAt(k, j)
            visit(k + 1)
            perm.swapAt(k, j)
        }
    }
    visit(0)
    return best
}

struct LinearAssignmentTests {
    @Test func matchesBruteForceOnRandomSixBySixCosts() throws {
        var rng = RandomStreams(seed: 13).stream("assignment")
        for trial in 0..<40 {
            // Mix continuous costs, negative costs and heavy ties (integer costs) across trials.
            let cost = Matrix(rows: 6, cols: 6) { _, _ in
                trial % 3 == 0 ? Double(Int(rng.uniform() * 4)) : (trial % 3 == 1 ? rng.gaussian() : rng.uniform() * 10)
            }
            let solution = try LinearAssignment.solve(cost)
            #expect(Set(solution.columns) == Set(0..<6), "not a permutation: \(solution.columns)")
            let recomputed = solution.columns.enumerated().reduce(0.0) { $0 + cost[$1.offset, $1.element] }
            #expect(abs(recomputed - solution.cost) < 1e-12)
            #expect(abs(solution.cost - bruteForceAssignment(cost)) < 1e-9, "trial \(trial)")
        }
    }

    @Test func rectangularProblemsUseDistinctColumns() throws {
        // Row 0 and row 1 both prefer column 2; the optimum sends row 1 elsewhere.
        let cost = Matrix([[5, 4, 0, 9], [5, 3, 1, 9], [2, 8, 8, 9]])
        let solution = try LinearAssignment.solve(cost)
        #expect(solution.columns == [2, 1, 0])
        #expect(solution.cost == 5)
        #expect(throws: LinalgError.self) { try LinearAssignment.solve(cost.transposed) }
        #expect(throws: LinalgError.self) { try LinearAssignment.solve(Matrix([[1, .nan], [0, 1]])) }
        #expect(try LinearAssignment.solve(Matrix(rows: 0, cols: 3)).columns.isEmpty)
    }

    @Test func scalesToHundredsAndBeatsGreedy() throws {
        var rng = RandomStreams(seed: 14).stream("assignment-large")
        let n = 200
        let cost = Matrix(rows: n, cols: n) { _, _ in rng.uniform() }
        let solution = try LinearAssignment.solve(cost)
        #expect(Set(solution.columns).count == n)
        // Greedy row-by-row choice is feasible, so the optimum can be no worse; for uniform costs the optimum is
        // about 1.6 in total (random assignment theory: ζ(2) ≈ 1.645), far below greedy.
        var used = Set<Int>(), greedy = 0.0
        for i in 0..<n {
            let j = (0..<n).filter { !used.contains($0) }.min { cost[i, $0] < cost[i, $1] }!
            used.insert(j); greedy += cost[i, j]
        }
        #expect(solution.cost <= greedy)
        #expect(solution.cost > 1.2 && solution.cost < 2.2, "optimal cost \(solution.cost)")
    }

    @Test func jonkerVolgenantMatchesRowByRowAugmentationOnDegenerateSquareCosts() throws {
        // Square problems go through Jonker–Volgenant; the same problem with one extra, prohibitively expensive column
        // goes through the rectangular row-by-row method. Low-rank costs (like Frank–Wolfe's first gradient, rank 2)
        // leave most rows free after the column reduction, and integer costs make ties everywhere.
        var rng = RandomStreams(seed: 16).stream("assignment-jv")
        for trial in 0..<12 {
            let n = [1, 2, 7, 40, 97][trial % 5]
            let x = (0..<n).map { _ in rng.gaussian() }, y = (0..<n).map { _ in rng.gaussian() }
            let p = (0..<n).map { _ in rng.gaussian() }, q = (0..<n).map { _ in rng.gaussian() }
            let cost = Matrix(rows: n, cols: n) { i, j in
                switch trial % 3 {
                case 0: return x[i] * y[j] + p[i] * q[j]
                case 1: return Double(Int(rng.uniform() * 5))
                default: return rng.uniform()
                }
            }
            var workspace = try AssignmentWorkspace(rows: n, cols: n)
            let square = cost.transposed.storage.withUnsafeBufferPointer { workspace.solve(rowMajor: $0.baseAddress!, maximize: trial % 2 == 0) }
            #expect(Set(workspace.columns) == Set(0..<n), "trial \(trial): not a permutation")
            let signed = trial % 2 == 0 ? -1 * cost : cost
            let padded = Matrix(rows: n, cols: n + 1) { i, j in j < n ? signed[i, j] : 1e6 }
            let reference = try LinearAssignment.solve(padded)
            #expect(!reference.columns.contains(n))
            let recomputed = workspace.columns.enumerated().reduce(0.0) { $0 + cost[$1.offset, $1.element] }
            #expect(abs(recomputed - square) <= 1e-12 * max(1, abs(square)), "trial \(trial)")
            #expect(abs((trial % 2 == 0 ? -square : square) - reference.cost) <= 1e-9 * max(1, abs(square)), "trial \(trial)")
        }
    }

    @Test func luFactorizationSolvesManyRightHandSides() throws {
        var rng = RandomStreams(seed: 15).stream("lu")
        let a = rng.gaussianMatrix(rows: 7, cols: 7)
        let lu = try LUFactorization(a)
        for _ in 0..<3 {
            let b = rng.gaussians(7)
            let x = lu.solve(b)
            let reference = try a.solve(b)
            #expect(zip(x, reference).allSatisfy { abs($0 - $1) < 1e-10 * max(1, abs($1)) })
        }
        var refactored = LUFactorization(dimension: 2)
        try [2.0, 1, 1, 3].withUnsafeBufferPointer { try refactored.refactor(columnMajor: $0) }
        let x = refactored.solve([3, 5])  // [[2, 1], [1, 3]] x = [3, 5] → x = [0.8, 1.4]
        #expect(abs(x[0] - 0.8) < 1e-14 && abs(x[1] - 1.4) < 1e-14)
        #expect(throws: LinalgError.self) { try LUFactorization(Matrix([[1, 2], [2, 4]])) }
    }
}
