import Foundation
import Numerics
import Testing
@testable import Analysis
@testable import Linalg

/// Noise-driven tanh RNN trajectories (24 units) for network `name`, trial set `set`.
private func trajectories(_ name: String, set: String, gain: Double = 0.9, trials: Int = 16, steps: Int = 60) throws
    -> TrialTrajectories {
    let root = RandomStreams(seed: 7).child("dsa-tests")
    return try TrialTrajectories.noiseDrivenTanhRNN(units: 24, trials: trials, steps: steps, gain: gain, noise: 0.3,
                                                    network: root.child(name), trialSet: root.child(name).child(set))
}

/// Largest relative distance between two eigenvalue sets matched by an optimal assignment.
private func spectrumMismatch(_ x: [Complex<Double>], _ y: [Complex<Double>]) throws -> Double {
    let cost = Matrix(rows: x.count, cols: y.count) { i, j in (x[i] - y[j]).length }
    let match = try LinearAssignment.solve(cost)
    return match.columns.enumerated().map { (x[$0.offset] - y[$0.element]).length / max(y[$0.element].length, 1e-300) }
        .max() ?? 0
}

/// A random orthogonal matrix with the given determinant sign.
private func orthogonal(_ n: Int, determinant: Double, _ name: String) throws -> Matrix {
    var rng = RandomStreams(seed: 3).stream(name)
    var q = try Matrix.haarOrthogonal(n, using: &rng)
    if try q.determinant() * determinant < 0 { for i in 0..<n { q[i, 0] = -q[i, 0] } }
    return q
}

@Suite("DSA: delay embedding, HAVOK DMD, PAVF and spectral Wasserstein")
struct DSATests {
    @Test func delayEmbeddingStacksMostRecentBlockFirst() throws {
        // 2 trials, 6 steps, 2 units; value = 100·trial + 10·step + unit.
        var values: [Double] = []
        for k in 0..<2 { for t in 0..<6 { for i in 0..<2 { values.append(Double(100 * k + 10 * t + i)) } } }
        let x = try TrialTrajectories(trials: 2, steps: 6, units: 2, values: values)
        let h = try DelayEmbedding(delays: 3, interval: 2).embed(x)
        #expect(h.rows == 6 && h.cols == 2 * 2)
        // Column t + T'·k = [x_{t+4}; x_{t+2}; x_t] of trial k (T' = 2).
        #expect(h.column(0) == [40, 41, 20, 21, 0, 1])
        #expect(h.column(3) == [150, 151, 130, 131, 110, 111])
        #expect(throws: DSAError.self) { try DelayEmbedding(delays: 4, interval: 2).embed(x) }
    }

    @Test func gramAndSVDRoutesGiveTheSameOperator() throws {
        let x = try trajectories("a", set: "fit")
        let gram = try HAVOKModel.fit(x, options: HAVOKOptions(delays: 3, rank: .fixed(10), factorization: .gram))
        let svd = try HAVOKModel.fit(x, options: HAVOKOptions(delays: 3, rank: .fixed(10), factorization: .svd))
        #expect(gram.diagnostics.factorization == .gram && svd.diagnostics.factorization == .svd)
        #expect(gram.diagnostics.rank == 10 && gram.operatorMatrix.rows == 10)
        #expect(try spectrumMismatch(gram.eigenvalues(), svd.eigenvalues()) < 1e-9)
        // V's columns are fixed up to sign, so A_v agrees up to a diagonal ±1 similarity.
        for i in 0..<10 { for j in 0..<10 {
            #expect(abs(abs(gram.operatorMatrix[i, j]) - abs(svd.operatorMatrix[i, j])) < 1e-9)
        } }
        #expect(abs(gram.diagnostics.oneStepRelativeError - svd.diagnostics.oneStepRelativeError) < 1e-9)
        #expect(gram.diagnostics.oneStepRelativeError > 0 && gram.diagnostics.oneStepRelativeError < 1)
        let auto = try HAVOKModel.fit(x, options: HAVOKOptions(delays: 3, rank: .fixed(10)))
        #expect(auto.diagnostics.factorization == .gram && auto.diagnostics.gramErrorEstimate < 1e-9)
    }

    @Test func rankSelectionFollowsDSAMetric() throws {
        let s = [4.0, 2.0, 1.0, 1.0]  // squares 16, 4, 1, 1 of total 22
        func rank(_ r: HAVOKOptions.Rank) throws -> Int {
            try HAVOKOptions(rank: r).chosenRank(singularValues: s, fullRank: 4, totalSquared: 22)
        }
        #expect(try rank(.full) == 4)
        #expect(try rank(.fixed(9)) == 4)
        #expect(try rank(.singularValuesAbove(1.5)) == 2)
        #expect(try rank(.singularValuesAbove(10)) == 1)
        #expect(try rank(.explainedVariance(16.0 / 22)) == 1)
        #expect(try rank(.explainedVariance(0.9)) == 2)
        #expect(try rank(.explainedVariance(0.95)) == 3)
        #expect(try rank(.explainedVariance(0.96)) == 4)
        #expect(throws: DSAError.self) { try HAVOKOptions(rank: .fixed(0)) }
    }

    @Test func conjugatedOperatorIsAtDistanceZeroInBothComponents() throws {
        var rng = RandomStreams(seed: 5).stream("operator")
        let a = rng.gaussianMatrix(rows: 20, cols: 20, std: 0.2)
        for sign in [1.0, -1.0] {
            let c = try orthogonal(20, determinant: sign, "conjugator")
            let b = c.transposeTimes(a * c)  // C B Cᵀ = A
            let options = try SimilarityTransformDistance.Options(gradientTolerance: 1e-11, spectralStart: false)
            let result = try SimilarityTransformDistance.compare(a, b, options: options, streams: RandomStreams(seed: 1))
            #expect(result.euclidean <= 1e-8, "det \(sign): euclidean \(result.euclidean)")
            #expect(result.angular <= 1e-8, "det \(sign): angular \(result.angular)")
            #expect(result.runs[result.bestRun].determinant == Int(sign))
            let spectral = try SimilarityTransformDistance.compare(a, b, options: .init(), streams: RandomStreams(seed: 1))
            #expect(spectral.euclidean <= 1e-8)
            #expect(spectral.runs[0].start == .spectral && spectral.runs[0].loss <= 1e-16)
            // The Sylvester relaxation's starts are rotations, one in each component of O(n).
            let (polar, flipped) = try SylvesterStart.starts(OrthogonalSimilarityObjective(a, b), count: 1)[0]
            #expect((polar.transposeTimes(polar) - .identity(20)).maxAbs < 1e-12)
            #expect((flipped.transposeTimes(flipped) - .identity(20)).maxAbs < 1e-12)
            let product = try polar.determinant() * flipped.determinant()
            #expect(abs(product + 1) < 1e-10)
        }
    }

    @Test func chartGradientMatchesFiniteDifferences() throws {
        var rng = RandomStreams(seed: 5).stream("gradient")
        let objective = try OrthogonalSimilarityObjective(rng.gaussianMatrix(rows: 6, cols: 6),
                                                          rng.gaussianMatrix(rows: 6, cols: 6))
        let base = try orthogonal(6, determinant: -1, "base")
        var skew = 0.4 * rng.gaussianMatrix(rows: 6, cols: 6)
        skew = skew - skew.transposed
        let cayley = OrthogonalSimilarityObjective.cayley(skew)
        let reference = try (Matrix.identity(6) + skew).solve(Matrix.identity(6) - skew)
        #expect((cayley - reference).maxAbs < 1e-13)
        let determinant = try cayley.determinant()
        #expect((cayley.transposeTimes(cayley) - .identity(6)).maxAbs < 1e-13 && abs(determinant - 1) < 1e-12)
        let e = try objective.evaluate(base: base, skew: skew)
        #expect(abs(e.value - objective.value(at: e.point)) < 1e-12)
        #expect((e.point.transposeTimes(e.point) - .identity(6)).maxAbs < 1e-13)
        let h = 1e-6
        var worst = 0.0
        for j in 0..<6 { for i in 0..<j {
            var plus = skew, minus = skew
            plus[i, j] += h; plus[j, i] -= h; minus[i, j] -= h; minus[j, i] += h
            let fd = (try objective.evaluate(base: base, skew: plus).value - objective.evaluate(base: base, skew: minus).value) / (2 * h)
            worst = max(worst, abs(fd - e.gradient[i, j]) / max(1, abs(e.gradient[i, j])))
            #expect(e.gradient[j, i] == -e.gradient[i, j])
        } }
        #expect(worst < 1e-7, "worst relative error \(worst)")
    }

    @Test func optimumBeatsRandomRotationsAndReportsDiagnostics() throws {
        var rng = RandomStreams(seed: 9).stream("pair")
        let a = rng.gaussianMatrix(rows: 8, cols: 8), b = rng.gaussianMatrix(rows: 8, cols: 8)
        let result = try SimilarityTransformDistance.compare(a, b, options: .init(), streams: RandomStreams(seed: 2))
        let objective = try OrthogonalSimilarityObjective(a, b)
        for k in 0..<200 {
            let c = try orthogonal(8, determinant: k % 2 == 0 ? 1 : -1, "random-\(k)")
            #expect(objective.value(at: c) >= result.euclidean * result.euclidean)
        }
        #expect(result.fits >= 2 && result.fits <= 6)
        #expect(result.runs.count == 2 * result.fits)
        #expect(Set(result.runs.map(\.determinant)) == [1, -1])
        #expect(result.runs.allSatisfy { $0.converged && $0.gradientNorm <= 1e-8 })
        // A random pair's angle stays above 0.15, so every refit up to 6 is used.
        #expect(result.angular > 0.15 && result.fits == 6)
        #expect(abs(result.angular - acos(1 - result.euclidean * result.euclidean / 2)) < 1e-12)
    }

    @Test func systemAgainstItselfOnFreshTrialsIsNearZero() throws {
        let options = try DynamicalSimilarity.Options(dmd: HAVOKOptions(delays: 3, rank: .fixed(8)),
                                                      procrustes: .init(minimumFits: 1, maximumFits: 2))
        let fit = { (name: String, set: String, trials: Int, gain: Double) in
            try HAVOKModel.fit(trajectories(name, set: set, gain: gain, trials: trials, steps: 100), options: options.dmd)
        }
        let streams = RandomStreams(seed: 4)
        func dsa(_ x: HAVOKModel, _ y: HAVOKModel) throws -> Double {
            try DynamicalSimilarity.compare(x, y, options: options, streams: streams).score
        }
        // The self distance is estimation noise: it shrinks like 1/√trials, far below other networks' distances.
        let few = try dsa(fit("a", "one", 32, 0.9), fit("a", "two", 32, 0.9))
        let a1 = try fit("a", "one", 256, 0.9), a2 = try fit("a", "two", 256, 0.9)
        let many = try dsa(a1, a2)
        let others = try [dsa(a1, fit("b", "one", 256, 0.9)), dsa(a1, fit("c", "one", 256, 1.6))]
        #expect(many < 0.04, "self on fresh trials: \(many)")
        #expect(many < 0.6 * few, "256 trials \(many) vs 32 trials \(few)")
        #expect(others.allSatisfy { many < 0.1 * $0 }, "self \(many) vs other networks \(others)")
    }

    @Test func allPairsIsDeterministicAndIndependentOfThreads() throws {
        let systems = try (0..<4).map { try trajectories("net-\($0)", set: "fit", gain: 0.6 + 0.3 * Double($0)) }
        let options = try DynamicalSimilarity.Options(dmd: HAVOKOptions(delays: 2, rank: .fixed(6)),
                                                      procrustes: .init(maximumIterations: 300))
        let one = try DynamicalSimilarity.allPairs(systems, options: options, streams: RandomStreams(seed: 11), threads: 1)
        let two = try DynamicalSimilarity.allPairs(systems, options: options, streams: RandomStreams(seed: 11), threads: 3)
        #expect(one.distances == two.distances)
        #expect(one.pairs.map(\.first) == [0, 0, 0, 1, 1, 2] && one.pairs.map(\.second) == [1, 2, 3, 2, 3, 3])
        #expect((0..<4).allSatisfy { one.distances[$0, $0] == 0 && one.distances[$0, ($0 + 1) % 4] > 0 })
        #expect(one.distances == one.distances.transposed)
        let wasserstein = try DynamicalSimilarity.Options(dmd: options.dmd, score: .wasserstein, procrustes: .init())
        let w = try DynamicalSimilarity.allPairs(models: one.models, options: wasserstein, streams: RandomStreams(seed: 0),
                                                 threads: 2)
        #expect(w.distances[0, 1] == (try SpectralWasserstein.distance(one.models[0].operatorMatrix, one.models[1].operatorMatrix)))
    }

    @Test func spectralWassersteinIsTheExactTransportCost() throws {
        let x = [Complex(0.5, 0.2), Complex(0.5, -0.2), Complex(-0.1, 0)]
        let y = [Complex(0.4, 0.0), Complex(0.6, 0.1), Complex(0.0, 0.0)]
        var best = Double.infinity
        for p in [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]] {
            best = min(best, (0..<3).reduce(0) { $0 + (x[$1] - y[p[$1]]).lengthSquared } / 3)
        }
        #expect(abs(try SpectralWasserstein.distance(x, y) - best) < 1e-15)
        // Padding: the missing point sits at the origin and weights become 1/3.
        let padded = try SpectralWasserstein.distance(x, Array(y.prefix(2)))
        #expect(abs(padded - (try SpectralWasserstein.distance(x, Array(y.prefix(2)) + [.zero]))) < 1e-15)
        #expect(try SpectralWasserstein.distance(x, x) == 0)
    }
}
