import Foundation
import Testing
@testable import Analysis
@testable import Linalg

/// A Gaussian m × n matrix from stream `name`.
private func gaussian(_ m: Int, _ n: Int, _ name: String) -> Matrix {
    var rng = RandomStreams(seed: 15).child("representation-tests").stream(name)
    return rng.gaussianMatrix(rows: m, cols: n)
}

/// A Haar orthogonal n × n matrix from stream `name`.
private func rotation(_ n: Int, _ name: String) throws -> Matrix {
    var rng = RandomStreams(seed: 15).child("representation-tests").stream(name)
    return try Matrix.haarOrthogonal(n, using: &rng)
}

/// `x` with `shift[j]` added to column j.
private func translated(_ x: Matrix, _ shift: [Double]) -> Matrix {
    Matrix(rows: x.rows, cols: x.cols) { i, j in x[i, j] + shift[j] }
}

/// The 12 × 4 and 12 × 3 matrices of the NumPy reference (see `matchesNumPyReference`).
private func referencePair() -> (Matrix, Matrix) {
    let x = Matrix(rows: 12, cols: 4) { i, j in sin(0.7 * Double(i) + 1.3 * Double(j) + 0.1 * Double(i * j)) }
    let y = Matrix(rows: 12, cols: 3) { i, j in
        cos(0.5 * Double(i) - 0.9 * Double(j)) + 0.3 * sin(0.2 * Double(i) * Double(j + 1))
    }
    return (x, y)
}

@Suite("Representational similarity: CKA, Procrustes, CCA, SVCCA, RSA, σ_OOD")
struct RepresentationalSimilarityTests {
    // A centred 4 × 2 "plus" configuration used by the hand-worked cases.
    let plus = Matrix([[1, 0], [0, 1], [-1, 0], [0, -1]])

    @Test func ckaHandCase() throws {
        // XᵀX = 2I (‖·‖ = 2√2), YᵀY = 2, YᵀX = [2, 0]: CKA = 4 / (2√2 · 2) = 1/√2, angle π/4.
        let cka = try LinearCKA(plus, Matrix([[1], [0], [-1], [0]]))
        #expect(abs(cka.similarity - 1 / 2.0.squareRoot()) < 1e-15)
        #expect(abs(cka.angularDistance - Double.pi / 4) < 1e-15)
        #expect(try LinearCKA(plus, plus).angularDistance == 0)
    }

    @Test func ckaInvariantToRotationAndScaleButNotToGeneralMaps() throws {
        let x = gaussian(60, 5, "x"), y = gaussian(60, 4, "y")
        let base = try LinearCKA(x, y).similarity
        let moved = translated(3.7 * (x * (try rotation(5, "q"))), [1, -2, 3, 0.5, 4])
        #expect(abs(try LinearCKA(moved, y).similarity - base) < 1e-12)
        let general = x * (gaussian(5, 5, "a") + Matrix.identity(5))
        #expect(abs(try LinearCKA(general, y).similarity - base) > 1e-3)
        #expect(try LinearCKA(x, general).angularDistance > 1e-2)
    }

    @Test func procrustesHandCases() throws {
        // 1-D: X = (1,−1,0,0), Y = (1,0,−1,0): ⟨X,Y⟩ = 1, ‖X‖ = ‖Y‖ = √2, so angle π/3 and ‖X − Y‖ = √2.
        let x = Matrix([[1], [-1], [0], [0]]), y = Matrix([[1], [0], [-1], [0]])
        let d = try ProcrustesShapeDistance(x, y)
        #expect(abs(d.angular - Double.pi / 3) < 1e-15 && abs(d.euclidean - 2.0.squareRoot()) < 1e-15)
        // The sign flip is a rotation in 1-D: the same distances.
        let flipped = try ProcrustesShapeDistance(x, -1 * y)
        #expect(abs(flipped.angular - Double.pi / 3) < 1e-15 && flipped.rotation[0, 0] == -1)
        // Y = 3·X·R + shift: angle 0; Euclidean ‖X R − 3 X R‖ = 2‖X‖_F = 4.
        let r = Matrix([[0, -1], [1, 0]])
        let scaled = try ProcrustesShapeDistance(plus, translated(3 * (plus * r), [5, -1]))
        #expect(scaled.angular < 1e-12 && abs(scaled.euclidean - 4) < 1e-12)
        #expect((scaled.rotation - r).maxAbs < 1e-12)
    }

    @Test func procrustesRotationOnlyAndFullWhiteningInvariances() throws {
        let x = gaussian(80, 5, "x"), y = gaussian(80, 5, "y"), a = gaussian(5, 5, "a") + Matrix.identity(5)
        let moved = translated(0.2 * (x * (try rotation(5, "q"))), [1, 2, 3, 4, 5])
        #expect(try ProcrustesShapeDistance(x, moved).angular < 1e-7)
        #expect(try ProcrustesShapeDistance(x, translated(x * rotation(5, "q"), [1, 2, 3, 4, 5])).euclidean < 1e-12)
        #expect(try ProcrustesShapeDistance(x, x * a).angular > 1e-2)
        #expect(try ProcrustesShapeDistance(x, x * a, alpha: 0.5).angular > 1e-3)
        // α = 0: any invertible map of either side leaves the angular score unchanged.
        #expect(try ProcrustesShapeDistance(x, x * a, alpha: 0).angular < 1e-7)
        let base = try ProcrustesShapeDistance(x, y, alpha: 0).angular
        #expect(abs(try ProcrustesShapeDistance(x * a, translated(y, [1, 1, 1, 1, 1]), alpha: 0).angular - base) < 1e-9)
        // For equal, full ranks the α = 0 angle is arccos of the mean canonical correlation.
        let ccaAngle = try CanonicalCorrelations(x, y).angular
        #expect(abs(base - ccaAngle) < 1e-9)
    }

    @Test func procrustesEigenvalueFloorHandlesRankDeficiency() throws {
        // X has 6 units but rank 3 (X = B C); fully whitened it spans col(B), so its distance to B is 0.
        let b = gaussian(40, 3, "b"), x = b * gaussian(3, 6, "c")
        #expect(try ProcrustesShapeDistance(x, b, alpha: 0).angular < 1e-6)
        #expect(try CanonicalCorrelations(x, b).correlations.count == 3)
        #expect(try CanonicalCorrelations(x, b).correlations.allSatisfy { abs($0 - 1) < 1e-12 })
    }

    @Test func procrustesAngularObeysTheTriangleInequality() throws {
        for trial in 0..<12 {
            let widths = [3 + trial % 3, 5, 4 + trial % 2]
            let s = widths.enumerated().map { gaussian(30, $0.element, "t\(trial)-\($0.offset)") }
            for alpha in [1.0, 0.5, 0.0] {
                let d = { (i: Int, j: Int) in try ProcrustesShapeDistance(s[i], s[j], alpha: alpha).angular }
                #expect(try d(0, 2) <= d(0, 1) + d(1, 2) + 1e-12)
                #expect(try d(0, 1) <= d(0, 2) + d(2, 1) + 1e-12)
            }
            let c = { (i: Int, j: Int) in try LinearCKA(s[i], s[j]).angularDistance }
            #expect(try c(0, 2) <= c(0, 1) + c(1, 2) + 1e-12)
        }
    }

    @Test func ccaHandCaseAndInvariance() throws {
        // y = (1,0,0,−1) regressed on the plus columns: ŷ = (½,½,−½,−½), R² = 1/2, so ρ = 1/√2.
        let cca = try CanonicalCorrelations(plus, Matrix([[1], [0], [0], [-1]]))
        #expect(cca.correlations.count == 1 && abs(cca.correlations[0] - 1 / 2.0.squareRoot()) < 1e-15)
        let x = gaussian(50, 4, "x"), y = gaussian(50, 6, "y")
        let exact = try CanonicalCorrelations(x, x * gaussian(4, 3, "a"))
        #expect(exact.correlations.count == 3 && exact.correlations.allSatisfy { abs($0 - 1) < 1e-12 })
        let base = try CanonicalCorrelations(x, y).correlations
        let mapped = try CanonicalCorrelations(x * (gaussian(4, 4, "b") + Matrix.identity(4)), y * gaussian(6, 6, "c"))
        #expect(zip(base, mapped.correlations).allSatisfy { abs($0 - $1) < 1e-10 })
        #expect(base.count == 4 && base.allSatisfy { $0 < 0.9 })
    }

    @Test func svccaKeepsTheRequestedDirections() throws {
        let x = gaussian(50, 6, "x"), y = gaussian(50, 5, "y")
        let full = try SVCCA(x, y, dimensions: .varianceFraction(1))
        let cca = try CanonicalCorrelations(x, y)
        #expect(full.keptX == 6 && full.keptY == 5 && full.canonical == cca)
        let fixed = try SVCCA(x, y, dimensions: .fixed(2))
        #expect(fixed.keptX == 2 && fixed.keptY == 2 && fixed.canonical.correlations.count == 2)
        #expect(try SVCCA(x, y, dimensions: .fixed(50)).keptX == 6)
        // A dominant 2-D signal plus weak noise: 99% of variance is the signal, and SVCCA sees through the noise.
        let signal = gaussian(50, 2, "s")
        let noisyX = signal * gaussian(2, 6, "mx") + 1e-3 * gaussian(50, 6, "nx")
        let noisyY = signal * gaussian(2, 5, "my") + 1e-3 * gaussian(50, 5, "ny")
        let svcca = try SVCCA(noisyX, noisyY)
        #expect(svcca.keptX == 2 && svcca.keptY == 2 && svcca.meanCorrelation > 0.999_99)
        #expect(try CanonicalCorrelations(noisyX, noisyY).mean < 0.8)
    }

    @Test func rdmHandCases() throws {
        let euclid = try RepresentationalDissimilarityMatrix(Matrix([[0, 0], [3, 4], [0, 4]]), dissimilarity: .euclidean)
        #expect(euclid.upperTriangle == [5, 4, 3] && euclid.matrix[2, 1] == 3 && euclid.matrix[1, 1] == 0)
        let corr = try RepresentationalDissimilarityMatrix(Matrix([[1, 2, 3], [3, 2, 1], [2, 4, 6]]),
                                                           dissimilarity: .correlation)
        #expect(zip(corr.upperTriangle, [2.0, 0, 2]).allSatisfy { abs($0 - $1) < 1e-15 })
        #expect(throws: RepresentationError.self) {
            try RepresentationalDissimilarityMatrix(Matrix([[1, 1], [0, 2], [3, 1]]), dissimilarity: .correlation)
        }
    }

    @Test func rankCorrelationsWithTies() throws {
        // Ranks (1, 2.5, 2.5, 4) vs (1, 3, 2, 4): Σdxdy = 4.5, Σdx² = 4.5, Σdy² = 5, so ρ = √0.9.
        let x: [Double] = [1, 2, 2, 3], y: [Double] = [1, 3, 2, 4]
        #expect(RankCorrelation.averageRanks(x) == [1, 2.5, 2.5, 4])
        #expect(abs(try RankCorrelation.spearman(x, y) - 0.9.squareRoot()) < 1e-15)
        // Five concordant pairs, one tied in x: τ_A = 5/6.
        #expect(abs(try RankCorrelation.kendallTauA(x, y) - 5.0 / 6) < 1e-15)
        // Knight's counting against the O(n²) definition, on data with many ties.
        var rng = RandomStreams(seed: 15).stream("kendall")
        let a = (0..<41).map { _ in Double(Int(rng.uniform() * 5)) }, b = (0..<41).map { _ in Double(Int(rng.uniform() * 4)) }
        var sum = 0.0
        for i in 0..<41 { for j in (i + 1)..<41 {
            sum += Double((a[i] > a[j] ? 1 : a[i] < a[j] ? -1 : 0) * (b[i] > b[j] ? 1 : b[i] < b[j] ? -1 : 0))
        } }
        #expect(abs(try RankCorrelation.kendallTauA(a, b) - sum / Double(41 * 40 / 2)) < 1e-15)
    }

    @Test func behaviouralSpreadIsThePopulationStandardDeviation() throws {
        let spread = try BehaviouralSpread(losses: [1, 2, 3, 4])
        #expect(spread.count == 4 && spread.mean == 2.5 && abs(spread.standardDeviation - 1.25.squareRoot()) < 1e-15)
        let converged = try BehaviouralSpread(losses: [1, 100, 3], converged: [true, false, true])
        #expect(converged.count == 2 && converged.mean == 2 && converged.standardDeviation == 1)
        #expect(throws: RepresentationError.empty(field: "ood_losses")) { try BehaviouralSpread(losses: []) }
        #expect(throws: RepresentationError.self) { try BehaviouralSpread(losses: [1, 2], converged: [false, false]) }
        #expect(throws: RepresentationError.nonFinite(field: "ood_losses")) { try BehaviouralSpread(losses: [1, .nan]) }
    }

    @Test func matchesNumPyReference() throws {
        // Values from NumPy 2.4.6 / SciPy 1.17.1 (independent formulas: HSIC on m × m Gram matrices; netrep's
        // whitening formula; CCA as singular values of Σxx^{-1/2} Σxy Σyy^{-1/2} via scipy.linalg.sqrtm; scipy pdist,
        // spearmanr, pearsonr; τ_A by the O(n²) sign sum). Script, abridged:
        //   X[i,j] = sin(.7i + 1.3j + .1ij) (12×4); Y[i,j] = cos(.5i − .9j) + .3 sin(.2i(j+1)) (12×3); Xc, Yc centred
        //   K = H X Xᵀ H, L = H Y Yᵀ H; cka = ΣKL / √(ΣKK ΣLL)
        //   whiten(A, a): λ, V = eigh(AᵀA); d = a + (1−a)λ^−½; d *= √(Σλ / Σλd²); A V diag(d) Vᵀ
        //   Xw = whiten(Xc, a); Yw = [whiten(Yc, a), 0]; U, s, Vt = svd(Xwᵀ Yw); A = Xw U; B = Yw Vtᵀ
        //   angular = arccos(ΣAB / ‖A‖‖B‖); euclidean = ‖A − B‖
        //   svcca: k = searchsorted(cumsum(s²)/Σs², .9) + 1 per side, CCA of U_k s_k
        //   rsa: spearmanr(pdist(X,'correlation'), pdist(Y,'correlation')); τ_A of pdist(X), pdist(Y)
        let (x, y) = referencePair()
        #expect(abs(try LinearCKA(x, y).similarity - 0.2265959896130498) < 1e-13)
        let procrustes: [(Double, Double, Double)] = [(1, 1.045122622127178, 4.72938217694037),
                                                      (0.5, 0.9056414378086648, 4.146272943313444),
                                                      (0, 0.7010701283799852, 3.255662452589754)]
        for (alpha, angular, euclidean) in procrustes {
            let d = try ProcrustesShapeDistance(x, y, alpha: alpha)
            #expect(abs(d.angular - angular) < 1e-12 && abs(d.euclidean - euclidean) < 1e-11)
        }
        let cca = try CanonicalCorrelations(x, y).correlations
        #expect(zip(cca, [0.999789426111912, 0.9972261874060875, 0.6500857896551513]).allSatisfy { abs($0 - $1) < 1e-11 })
        let svcca = try SVCCA(x, y, dimensions: .varianceFraction(0.9))
        #expect(svcca.keptX == 3 && svcca.keptY == 2 && abs(svcca.meanCorrelation - 0.737875631101431) < 1e-12)
        let spearman = try RepresentationalSimilarityAnalysis(x, y)
        #expect(abs(spearman.correlation - 0.036802003966183085) < 1e-13)
        let pearson = try RepresentationalSimilarityAnalysis(x, y, options: .init(comparison: .pearson))
        #expect(abs(pearson.correlation - 0.08027080842435741) < 1e-13)
        let kendall = try RepresentationalSimilarityAnalysis(
            x, y, options: .init(dissimilarity: .euclidean, comparison: .kendallTauA))
        #expect(abs(kendall.correlation - 0.0703962703962704) < 1e-15)
    }

    @Test func everyMetricIsSymmetricAndZeroOnIdenticalInputs() throws {
        let x = gaussian(40, 5, "x"), y = gaussian(40, 3, "y")
        for metric in Self.metrics {
            let forward = try metric.distance(x, y), backward = try metric.distance(y, x)
            #expect(abs(forward - backward) < 1e-12, "\(metric)")
            #expect(forward > 1e-3, "\(metric)")
            #expect(try metric.distance(x, x) < 1e-7, "\(metric)")
        }
    }

    @Test func allPairsEqualsPairwiseCallsBitForBit() throws {
        let root = RandomStreams(seed: 15).child("all-pairs")
        let systems = try (0..<5).map { k in
            try TrialTrajectories.noiseDrivenTanhRNN(units: 6 + k % 3, trials: 4, steps: 12, gain: 1.1, noise: 0.3,
                                                     network: root.child("net\(k)"), trialSet: root.child("trials"))
        }
        for metric in Self.metrics {
            let parallel = try RepresentationalSimilarity.allPairs(systems, metric: metric, threads: 2)
            let serial = try RepresentationalSimilarity.allPairs(systems, metric: metric, threads: 1)
            #expect(parallel == serial, "\(metric)")
            for i in 0..<5 {
                #expect(parallel[i, i] == 0)
                for j in 0..<5 where j != i {
                    let pair = try metric.distance(systems[min(i, j)], systems[max(i, j)])
                    #expect(parallel[i, j] == pair, "\(metric) \(i) \(j)")
                }
            }
        }
    }

    @Test func trajectoriesFlattenToResponseMatrices() throws {
        // value = 100·trial + 10·step + unit, 2 trials × 3 steps × 2 units.
        var values: [Double] = []
        for k in 0..<2 { for t in 0..<3 { for i in 0..<2 { values.append(Double(100 * k + 10 * t + i)) } } }
        let x = try TrialTrajectories(trials: 2, steps: 3, units: 2, values: values)
        let every = x.responseMatrix(.everyStep)
        #expect(every.rows == 6 && every.cols == 2 && every.row(4) == [110, 111])
        let mean = x.responseMatrix(.trialAverage)
        #expect(mean.rows == 3 && mean.row(2) == [70, 71])
    }

    @Test func errorsNameTheField() throws {
        let x = gaussian(10, 3, "x")
        #expect(throws: RepresentationError.rowCountMismatch(first: "X", firstRows: 10, second: "Y", secondRows: 9)) {
            try LinearCKA(x, gaussian(9, 3, "y"))
        }
        var bad = x
        bad[2, 1] = .nan
        #expect(throws: RepresentationError.nonFinite(field: "Y")) { try CanonicalCorrelations(x, bad) }
        #expect(throws: RepresentationError.zeroVariance(field: "X")) {
            try ProcrustesShapeDistance(Matrix(rows: 10, cols: 2, repeating: 3), x)
        }
        #expect(throws: RepresentationError.tooFewSamples(field: "X", rows: 1, needed: 2)) {
            try LinearCKA(Matrix([[1, 2]]), Matrix([[3]]))
        }
        #expect(throws: RepresentationError.self) { try ProcrustesShapeDistance(x, x, alpha: 1.5) }
        #expect(throws: RepresentationError.self) { try SVCCA(x, x, dimensions: .varianceFraction(0)) }
        #expect(throws: RepresentationError.self) {
            try RepresentationalSimilarity.allPairs([x, x], metric: .procrustes(alpha: -1, score: .angular), threads: 1)
        }
        let error = RepresentationError.rowCountMismatch(first: "systems[0]", firstRows: 10, second: "systems[1]", secondRows: 9)
        #expect(throws: error) {
            try RepresentationalSimilarity.allPairs([x, gaussian(9, 2, "z")], metric: .cka(angular: true), threads: 2)
        }
        #expect(!error.description.contains("\n") && error.description.contains("systems[1]"))
    }

    /// One configuration of every metric.
    static let metrics: [RepresentationMetric] = [
        .cka(angular: true), .cka(angular: false),
        .procrustes(alpha: 1, score: .angular), .procrustes(alpha: 0.5, score: .euclidean),
        .procrustes(alpha: 0, score: .angular),
        .cca(score: .oneMinusMean), .svcca(dimensions: .varianceFraction(0.99), score: .angular),
        .rsa(.init()), .rsa(.init(dissimilarity: .euclidean, comparison: .kendallTauA)),
    ]
}
