import Foundation
import Numerics
import Testing
@testable import Linalg
@testable import Networks
@testable import Tasks

/// Task library: singular-value profiles, whitened SVD / autoregressive / rotational tasks, sensory integration,
/// and the dataset decompositions. Expected values are computed here from the definitions, never read back.
@Suite struct TaskLibraryTests {
    // MARK: - Independent reference computations

    /// `x^k` by repeated multiplication (independent of `pow`).
    static func ipow(_ x: Double, _ k: Int) -> Double { (0..<k).reduce(1.0) { acc, _ in acc * x } }

    /// `z^k` by repeated complex multiplication.
    static func cpow(_ z: Complex<Double>, _ k: Int) -> Complex<Double> { (0..<k).reduce(Complex(1, 0)) { acc, _ in acc * z } }

    /// `(1/P) Σ_p y_p x_{p,t}ᵀ` by explicit loops over a batch (targets block `yBlock`, 0-based; input time t, 1-based).
    static func correlation(_ b: SequenceBatch, yBlock: Int, t: Int) -> Matrix {
        let p = b.samples
        return Matrix(rows: b.outputDimension, cols: b.inputDimension) { i, j in
            var s = 0.0
            for n in 0..<p { s += b.targets[i, yBlock * p + n] * b.inputs[j, (t - 1) * p + n] }
            return s / Double(p)
        }
    }

    /// `(1/P) Σ_p z_p z_pᵀ` of the stacked inputs by explicit loops.
    static func stackedSecondMoment(_ b: SequenceBatch) -> Matrix {
        let nx = b.inputDimension, T = b.timeSteps, p = b.samples
        return Matrix(rows: T * nx, cols: T * nx) { r, c in
            var s = 0.0
            for n in 0..<p { s += b.inputs[r % nx, (r / nx) * p + n] * b.inputs[c % nx, (c / nx) * p + n] }
            return s / Double(p)
        }
    }

    /// `U diag(s) Vᵀ` by explicit sums over the modes.
    static func svdForm(_ u: Matrix, _ s: [Double], _ v: Matrix) -> Matrix {
        Matrix(rows: u.rows, cols: v.rows) { i, j in (0..<s.count).reduce(0) { $0 + u[i, $1] * s[$1] * v[j, $1] } }
    }

    /// ‖QᵀQ − I‖ (max entry).
    static func orthogonalityError(_ q: Matrix) -> Double { (q.transposeTimes(q) - .identity(q.cols)).maxAbs }

    /// Matches `got` to `want` as multisets of complex numbers (greedy nearest), returning the largest distance.
    static func multisetDistance(_ got: [Complex<Double>], _ want: [Complex<Double>]) -> Double {
        var pool = want, worst = 0.0
        for z in got {
            let k = pool.indices.min { (pool[$0] - z).length < (pool[$1] - z).length }!
            worst = max(worst, (pool[k] - z).length)
            pool.remove(at: k)
        }
        return worst
    }

    // MARK: - 1. Singular-value profiles

    @Test func familyFormulasAtSeveralLengths() throws {
        let delta = 1.3, lambda = 0.8
        for T in [1, 2, 5, 9] {
            let c = try SingularValueProfile.constant(delta: delta).values(timeSteps: T)
            let inv = try SingularValueProfile.inverseExponential(delta: delta, lambda: lambda).values(timeSteps: T)
            let exp = try SingularValueProfile.exponential(delta: delta, lambda: lambda).values(timeSteps: T)
            #expect(c.count == T && inv.count == T && exp.count == T)
            for t in 1...T {
                #expect(c[t - 1] == delta)
                #expect(abs(inv[t - 1] - delta * Self.ipow(lambda, T - t)) < 1e-14)
                #expect(abs(exp[t - 1] - delta * Self.ipow(lambda, t)) < 1e-14)
            }
            // The inverse-exponential profile ends at δ; the exponential one ends at δλ^T.
            #expect(abs(inv[T - 1] - delta) < 1e-15)
            #expect(abs(exp[T - 1] - delta * Self.ipow(lambda, T)) < 1e-14)
        }
        // Negative λ alternates in sign, exactly as δλ^t.
        let alt = try SingularValueProfile.exponential(delta: 2, lambda: -0.5).values(timeSteps: 4)
        #expect(alt == [-1, 0.5, -0.25, 0.125])
        // Per-dimension δ_α, λ_α.
        let modes = SingularValueProfile.family(.inverseExponential, deltas: [1, 2], lambdas: [0.5, 1.5])
        #expect(try modes[1].values(timeSteps: 3) == [2 * 1.5 * 1.5, 2 * 1.5, 2])
        #expect(modes[0].delta == 1 && modes[0].lambda == 0.5 && modes[0].family == .inverseExponential)
        #expect(throws: TaskError.self) { try SingularValueProfile.constant(delta: 1).values(timeSteps: 0) }
    }

    @Test func lastStepAndTwoDiracModifications() throws {
        let base = SingularValueProfile.exponential(delta: 0.9, lambda: 1.1)
        let last = SingularValueProfile.lastStep(base, kappa: 2.5)
        for T in [1, 3, 6] {
            let s = try last.values(timeSteps: T)
            for t in 1..<T { #expect(abs(s[t - 1] - 0.9 * Self.ipow(1.1, t)) < 1e-14) }
            #expect(s[T - 1] == 2.5)
        }
        #expect(last.delta == 0.9 && last.lambda == 1.1 && last.family == .exponential)

        let dirac = SingularValueProfile.twoDirac(beta: 0.4, kappa: 1.5)
        #expect(try dirac.values(timeSteps: 6) == [0.4, 0, 0, 0, 0, 1.5])
        #expect(try dirac.values(timeSteps: 2) == [0.4, 1.5])
        #expect(try dirac.values(timeSteps: 1) == [1.5])
        #expect(dirac.delta == nil && dirac.family == nil)

        let explicit = SingularValueProfile.explicit([0.3, 0.5, 1.0, 0.2])
        #expect(try explicit.values(timeSteps: 4) == [0.3, 0.5, 1.0, 0.2])
        #expect(throws: TaskError.lengthMismatch(expected: 4, requested: 5)) { try explicit.values(timeSteps: 5) }
        #expect(try SingularValueProfile.lastStep(explicit, kappa: 7).values(timeSteps: 4) == [0.3, 0.5, 1.0, 7])
    }

    // MARK: - Whitened SVD tasks

    @Test func whitenedSamplesReproduceTheTaskCorrelations() throws {
        var rng = RandomStreams(seed: 11).stream("data")
        let profiles: [SingularValueProfile] = [.inverseExponential(delta: 1.2, lambda: 0.9),
                                                .exponential(delta: 0.8, lambda: 1.1),
                                                .lastStep(.constant(delta: 0.5), kappa: 1.4)]
        let T = 5, nx = 4, ny = 3, P = 200
        let template = try SingularValueTaskTemplate(profiles: profiles, nx: nx, ny: ny, rng: &rng)
        let task = try template.task(timeSteps: T)
        let batch = try task.sample(count: P, rng: &rng)
        #expect(batch.inputs.rows == nx && batch.inputs.cols == T * P && batch.targets.rows == ny && batch.targets.cols == P)
        #expect(Self.orthogonalityError(task.uy) < 1e-13 && Self.orthogonalityError(task.vx) < 1e-13)

        for t in 1...T {
            let s = [1.2 * Self.ipow(0.9, T - t), 0.8 * Self.ipow(1.1, t), t == T ? 1.4 : 0.5]
            let want = Self.svdForm(task.uy, s, task.vx)
            let got = Self.correlation(batch, yBlock: 0, t: t)
            #expect((got - want).maxAbs < 1e-10)
        }
        #expect((Self.stackedSecondMoment(batch) - .identity(T * nx)).maxAbs < 1e-10)
        #expect(DatasetStatistics.whiteningResidual(batch) < 1e-10)
        #expect(DatasetStatistics.inputMeanNorm(batch) < 1e-10)
    }

    @Test func refactoredSamplingIsBitIdenticalToTheOriginal() throws {
        // The original SingularValueTask.sample, inlined: existing runs must keep their exact numbers.
        var rng = RandomStreams(seed: 5).stream("data")
        let task = try SingularValueTask(singularValues: [[0.3, 0.5, 1.0], [1, 1, 1]], nx: 3, ny: 2, rng: &rng)
        var a = rng, b = rng
        let got = try task.sample(count: 20, rng: &a)
        let raw = b.gaussianMatrix(rows: 9, cols: 20)
        let x = SequenceLayout.batched(fromStacked: try Whitening.whiten(raw), timeSteps: 3)
        var y = Matrix(rows: 2, cols: 20)
        for t in 1...3 { BLAS.gemm(task.uy * task.s(at: t).timesTranspose(task.vx), x.columns(((t - 1) * 20)..<(t * 20)), into: &y, beta: 1) }
        #expect(got.inputs == x && got.targets == y && a == b)
        // Template and the existing initializer draw U_y, V_x identically.
        var r1 = RandomStreams(seed: 9).stream("data"), r2 = r1
        let viaValues = try SingularValueTask(singularValues: [[1, 2], [3, 4]], nx: 3, ny: 2, rng: &r1)
        let viaProfiles = try SingularValueTask(profiles: [.explicit([1, 2]), .explicit([3, 4])], timeSteps: 2, nx: 3, ny: 2, rng: &r2)
        #expect(viaValues == viaProfiles)
    }

    @Test func outOfDistributionLengthKeepsDeltaLambdaAndVectors() throws {
        var rng = RandomStreams(seed: 3).stream("data")
        let template = try SingularValueTaskTemplate(
            profiles: SingularValueProfile.family(.exponential, deltas: [1.0, 0.6], lambdas: [0.8, 1.2]), nx: 2, ny: 2, rng: &rng)
        let train = try template.task(timeSteps: 4), ood = try template.task(timeSteps: 9)
        #expect(train.uy == ood.uy && train.vx == ood.vx && ood.timeSteps == 9)
        for t in 1...9 {
            #expect(abs(ood.singularValues[0][t - 1] - 1.0 * Self.ipow(0.8, t)) < 1e-14)
            #expect(abs(ood.singularValues[1][t - 1] - 0.6 * Self.ipow(1.2, t)) < 1e-14)
        }
        #expect(template.profiles.map(\.delta) == [1.0, 0.6] && template.profiles.map(\.lambda) == [0.8, 1.2])
        // The sampled OOD data carry the T′ correlations.
        let batch = try ood.sample(count: 40, rng: &rng)
        let want = Self.svdForm(ood.uy, [1.0 * Self.ipow(0.8, 7), 0.6 * Self.ipow(1.2, 7)], ood.vx)
        #expect((Self.correlation(batch, yBlock: 0, t: 7) - want).maxAbs < 1e-10)
        // An explicit profile cannot be moved to another length.
        let fixed = SingularValueTaskTemplate(profiles: [.explicit([1, 2, 3])], uy: .identity(1), vx: .identity(1))
        #expect(throws: TaskError.self) { try fixed.task(timeSteps: 4) }
    }

    // MARK: - Decompositions and residuals

    @Test func alignmentResidualVanishesForSVDTasksAndNotForAGenericTeacher() throws {
        var rng = RandomStreams(seed: 21).stream("data")
        let profiles: [SingularValueProfile] = [.inverseExponential(delta: 2.0, lambda: 0.7), .constant(delta: 0.9),
                                                .twoDirac(beta: 0.3, kappa: 0.6)]
        let T = 4
        let task = try SingularValueTaskTemplate(profiles: profiles, nx: 3, ny: 4, rng: &rng).task(timeSteps: T)
        let batch = try task.sample(count: 60, rng: &rng)
        let analysis = try DatasetAnalysis(batch)
        let fit = analysis.singularVectors
        #expect(fit.alignmentResidual < 1e-10)
        #expect(analysis.whiteningResidual < 1e-10)
        #expect(analysis.eigenbasis == nil)  // 4 × 3 correlations have no eigen form
        // Modes come out ordered by Σ_t s², here mode 0, 1, 2 of the task.
        let expected: [[Double]] = [(1...T).map { 2.0 * Self.ipow(0.7, T - $0) }, [0.9, 0.9, 0.9, 0.9], [0.3, 0, 0, 0.6]]
        for a in 0..<3 {
            for t in 0..<T { #expect(abs(fit.singularValues[a][t] - expected[a][t]) < 1e-10) }
            // The fitted singular vectors are the task's, up to a sign shared by u and v.
            let du = (0..<4).reduce(0) { $0 + fit.uy[$1, a] * task.uy[$1, a] }
            let dv = (0..<3).reduce(0) { $0 + fit.vx[$1, a] * task.vx[$1, a] }
            #expect(abs(abs(du) - 1) < 1e-9 && abs(du - dv) < 1e-9)
        }
        #expect(Self.orthogonalityError(fit.uy) < 1e-12 && Self.orthogonalityError(fit.vx) < 1e-12)

        // A generic linear-RNN teacher (random W_x, W_h, W_y) does not share singular vectors across t.
        let net = Initializer.unaligned(nx: 3, nh: 5, ny: 3, scale: 1, rng: &rng)
        let teacher = LinearMapTask.teacher(wx: net.wx, wh: net.wh, wy: net.wy, timeSteps: T)
        for t in 1...T { #expect((teacher.maps[t - 1] - net.wy * net.wh.power(T - t) * net.wx).maxAbs < 1e-12) }
        let tb = try teacher.sample(count: 60, rng: &rng)
        let unaligned = try DatasetAnalysis(tb)
        #expect(unaligned.singularVectors.alignmentResidual > 0.05)
        // The reported residual is the off-diagonal energy of U_yᵀ Σ_t V_x (recomputed here), and it is a fit:
        // the diagonal part explains more than the stacked-SVD-free identity frame would.
        let c = unaligned.crossCorrelations, u = unaligned.singularVectors.uy, v = unaligned.singularVectors.vx
        var off = 0.0, offIdentity = 0.0, total = 0.0
        for ck in c {
            let b = u.transposeTimes(ck * v)
            for i in 0..<3 { for j in 0..<3 where i != j { off += b[i, j] * b[i, j]; offIdentity += ck[i, j] * ck[i, j] } }
            total += ck.dot(ck)
        }
        #expect(abs((off / total).squareRoot() - unaligned.singularVectors.alignmentResidual) < 1e-12)
        #expect(off < offIdentity)
        // In the task's own frame an SVD task has no off-diagonal part; the teacher has one in any frame tried.
        #expect(SharedSingularVectors.residual(of: task.crossCorrelations, uy: task.uy, vx: task.vx) < 1e-14)
        #expect(SharedSingularVectors.residual(of: teacher.maps, uy: .identity(3), vx: .identity(3))
                >= unaligned.singularVectors.alignmentResidual)
    }

    @Test func jacobiRefinementResolvesModesWithEqualTotalEnergy() throws {
        // Σ_t s² is equal for both modes, so the stacked SVD alone cannot separate them; the joint fit must.
        var rng = RandomStreams(seed: 4).stream("data")
        let task = try SingularValueTask(singularValues: [[1, 0.2, 0], [0, 0.2, 1]], nx: 2, ny: 2, rng: &rng)
        let fit = try SharedSingularVectors(correlations: task.crossCorrelations)
        #expect(fit.alignmentResidual < 1e-10)
        for t in 0..<3 { #expect((fit.reconstruction(t) - task.crossCorrelations[t]).maxAbs < 1e-10) }
        let sortedRows = fit.singularValues.map { $0.map { ($0 * 1e9).rounded() / 1e9 } }.sorted { $0[0] > $1[0] }
        #expect(sortedRows == [[1, 0.2, 0], [0, 0.2, 1]])
    }

    @Test func whiteningResidualIsLargeForRawData() throws {
        var rng = RandomStreams(seed: 8).stream("data")
        let raw = SequenceBatch(inputs: rng.gaussianMatrix(rows: 2, cols: 3 * 50, std: 2), targets: Matrix(rows: 1, cols: 50),
                                timeSteps: 3, samples: 50)
        let m = Self.stackedSecondMoment(raw)
        #expect(abs(DatasetStatistics.whiteningResidual(raw) - (m - .identity(6)).frobeniusNorm) < 1e-12)
        #expect(DatasetStatistics.whiteningResidual(raw) > 1)
    }

    // MARK: - Autoregressive tasks

    @Test func autoregressivePopulationMatchesWhitenedSamples() throws {
        var rng = RandomStreams(seed: 31).stream("data")
        let template = try SingularValueTaskTemplate(
            profiles: [.inverseExponential(delta: 1.1, lambda: 0.7), .constant(delta: 0.5), .exponential(delta: 0.9, lambda: 1.2)],
            nx: 3, ny: 3, rng: &rng)
        let T = 4, P = 90
        let task = try template.autoregressiveTask(timeSteps: T)
        // The prefix rule: s_{t,i} = δλ^{t−i} for the inverse-exponential mode, δλ^i for the exponential one.
        for t in 1...T {
            for i in 1...t {
                #expect(abs(task.singularValues[0][t - 1][i - 1] - 1.1 * Self.ipow(0.7, t - i)) < 1e-14)
                #expect(task.singularValues[1][t - 1][i - 1] == 0.5)
                #expect(abs(task.singularValues[2][t - 1][i - 1] - 0.9 * Self.ipow(1.2, i)) < 1e-14)
            }
        }
        let batch = try task.sample(count: P, rng: &rng)
        #expect(batch.targets.cols == T * P && batch.hasTargetsAtEveryStep)
        for t in 1...T {
            for i in 1...t {
                let s = task.singularValues.map { $0[t - 1][i - 1] }
                #expect((Self.correlation(batch, yBlock: t - 1, t: i) - Self.svdForm(task.uy, s, task.vx)).maxAbs < 1e-10)
            }
            // No correlation with future inputs.
            if t < T { #expect(Self.correlation(batch, yBlock: t - 1, t: t + 1).maxAbs < 1e-10) }
        }
        let measured = PopulationCorrelations(measuredFrom: batch, outputMode: .autoregressive)
        let population = task.population
        #expect(population.outputMode == .autoregressive && population.lagWeights == measured.lagWeights)
        for k in 0..<T { #expect((population.lagTargets[k] - measured.lagTargets[k]).maxAbs < 1e-10) }
        #expect(abs(population.targetEnergy - measured.targetEnergy) < 1e-10)
        // Population loss equals the sample loss of an arbitrary network on the whitened batch.
        let net = Initializer.unaligned(nx: 3, nh: 4, ny: 3, scale: 0.8, outputMode: .autoregressive, rng: &rng)
        var ws = net.makePopulationWorkspace(for: population)
        #expect(abs(net.populationLossAndGradient(population, workspace: &ws) - net.loss(batch)) < 1e-9)
        // The joint fit over all (t, i) recovers the shared vectors.
        #expect(try DatasetAnalysis(batch).singularVectors.alignmentResidual < 1e-10)
        #expect(DatasetAnalysis.index(t: 3, i: 2) == 4)
    }

    // MARK: - Rotational tasks

    @Test func rotationalTaskHasEigenvaluesDtAndConjugate() throws {
        var rng = RandomStreams(seed: 41).stream("data")
        let profiles: [EigenvalueProfile] = [
            .polar(.inverseExponential, deltaRadius: 1.0, deltaAngle: 0.3, lambdaRadius: 0.9, lambdaAngle: .pi / 6),
            .polar(.exponential, deltaRadius: 0.7, deltaAngle: -0.4, lambdaRadius: 1.05, lambdaAngle: -.pi / 5),
            .polar(.constant, deltaRadius: 0.6, deltaAngle: .pi),
        ]
        let T = 6
        let task = try RotationalTask(profiles: profiles, isPair: [true, true, false], timeSteps: T, rng: &rng)
        #expect(task.dimension == 5 && Self.orthogonalityError(task.basis.q) < 1e-13)
        let d1 = Complex(length: 1.0, phase: 0.3), l1 = Complex(length: 0.9, phase: .pi / 6)
        let d2 = Complex(length: 0.7, phase: -0.4), l2 = Complex(length: 1.05, phase: -.pi / 5)
        for t in 1...T {
            let a = d1 * Self.cpow(l1, T - t), b = d2 * Self.cpow(l2, t)
            let want = [a, a.conjugate, b, b.conjugate, Complex(-0.6, 0)]
            let got = try task.crossCorrelations[t - 1].eigenvalues()
            #expect(Self.multisetDistance(got, want) < 1e-12)
            // Same block convention as SequenceData.EigenBasis.
            let values = task.values(at: t).map { Complex($0.re, $0.im) }
            #expect(task.h(at: t) == task.basis.blockMatrix(values))
            // P's columns are eigenvectors: Σ p_j = λ_j p_j, with (1, −i)/√2 on the block for d = μ + iν.
            let p = task.basis.eigenvectorMatrix, lambdas = task.eigenvalues(at: t), sigma = task.crossCorrelations[t - 1]
            for j in 0..<5 {
                for i in 0..<5 {
                    var lhs = Complex<Double>.zero
                    for k in 0..<5 { lhs = lhs + Complex(sigma[i, k], 0) * p[k, j] }
                    #expect((lhs - Complex(lambdas[j].re, lambdas[j].im) * p[i, j]).length < 1e-12)
                }
            }
        }
        // P is unitary.
        let p = task.basis.eigenvectorMatrix
        for a in 0..<5 {
            for b in 0..<5 {
                var s = Complex<Double>.zero
                for i in 0..<5 { s = s + p[i, a].conjugate * p[i, b] }
                #expect((s - Complex(a == b ? 1 : 0, 0)).length < 1e-13)
            }
        }
        // Whitened samples carry Σ^{YX_t} = Q H_t Qᵀ, and the eigen-form fit recovers d_t (or its conjugate, per block).
        let batch = try task.sample(count: 80, rng: &rng)
        for t in 1...T { #expect((Self.correlation(batch, yBlock: 0, t: t) - task.crossCorrelations[t - 1]).maxAbs < 1e-10) }
        let analysis = try DatasetAnalysis(batch)
        let eig = try #require(analysis.eigenbasis)
        #expect(eig.alignmentResidual < 1e-10 && eig.basis.isPair.filter { $0 }.count == 2 && eig.basis.isPair.count == 3)
        for fitted in eig.blockValues {
            let matches = task.blockValues.contains { truth in
                zip(fitted, truth).allSatisfy { ($0 - $1).radius < 1e-9 } || zip(fitted, truth).allSatisfy { ($0 - $1.conjugate).radius < 1e-9 }
            }
            #expect(matches)
        }
        // Rotations are not an SVD-form task: their singular vectors change with t.
        #expect(analysis.singularVectors.alignmentResidual > 1e-3)
    }

    @Test func rotationalOutOfDistributionKeepsDeltaLambda() throws {
        var rng = RandomStreams(seed: 42).stream("data")
        let profile = EigenvalueProfile.polar(.inverseExponential, deltaRadius: 0.8, deltaAngle: 0.2, lambdaRadius: 0.95, lambdaAngle: 0.5)
        let train = try RotationalTask(profiles: [profile], isPair: [true], timeSteps: 4, rng: &rng)
        let ood = try train.atLength(10)
        #expect(ood.basis == train.basis && ood.profiles == train.profiles && ood.timeSteps == 10)
        let d = Complex(length: 0.8, phase: 0.2), l = Complex(length: 0.95, phase: 0.5)
        for t in 1...10 {
            let want = d * Self.cpow(l, 10 - t), got = ood.values(at: t)[0]
            #expect(abs(got.re - want.real) < 1e-14 && abs(got.im - want.imaginary) < 1e-14)
        }
        // A real block refuses a complex value.
        #expect(throws: TaskError.self) {
            try RotationalTask(profiles: [.polar(.constant, deltaRadius: 1, deltaAngle: 0.5)], isPair: [false], timeSteps: 3, rng: &rng)
        }
    }

    // MARK: - Sensory integration

    @Test func multisensoryStimulusStatisticsMatchNeuroGym() throws {
        var rng = RandomStreams(seed: 51).stream("data")
        let task = SensoryIntegrationTask(target: .sum, timeSteps: 5)
        let P = 3000, T = 5
        let (batch, trials) = task.sampleTrials(count: P, rng: &rng)
        #expect(batch.inputs.rows == 4 && batch.targets.rows == 4 && batch.inputs.cols == T * P)
        // Noise-free value: modality m on ring angle θ_j ∈ {0, π}: 0.5 + (coh_m/200) cos(θ_j − θ_gt).
        var residuals = [Double]()
        residuals.reserveCapacity(4 * T * P)
        for (n, trial) in trials.enumerated() {
            #expect([5.0, 15, 50].contains(trial.coherence) && (0..<2).contains(trial.groundTruth))
            #expect(trial.proportion >= 0 && trial.proportion < 1)
            let cohs = [trial.coherence * trial.proportion, trial.coherence * (1 - trial.proportion)]
            for ch in 0..<4 {
                let sameDirection = (ch % 2) == trial.groundTruth
                let expected = 0.5 + (sameDirection ? 1.0 : -1.0) * cohs[ch / 2] / 200
                for t in 0..<T { residuals.append(batch.inputs[ch, t * P + n] - expected) }
            }
        }
        let mean = residuals.reduce(0, +) / Double(residuals.count)
        let std = (residuals.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(residuals.count - 1)).squareRoot()
        #expect(abs(mean) < 4 * 0.1 / Double(residuals.count).squareRoot())
        #expect(abs(std - 0.1) < 0.003)
        // Condition frequencies: directions 1/2, coherences 1/3, proportion uniform on [0, 1).
        let right = Double(trials.filter { $0.groundTruth == 1 }.count) / Double(P)
        #expect(abs(right - 0.5) < 0.04)
        for c in [5.0, 15, 50] { #expect(abs(Double(trials.filter { $0.coherence == c }.count) / Double(P) - 1.0 / 3) < 0.04) }
        #expect(abs(trials.reduce(0) { $0 + $1.proportion } / Double(P) - 0.5) < 0.03)
        // Channel means over trials: 0.5 on average (the signed coherence terms cancel over θ_gt).
        for ch in 0..<4 {
            var s = 0.0
            for j in 0..<(T * P) { s += batch.inputs[ch, j] }
            #expect(abs(s / Double(T * P) - 0.5) < 0.01)
        }
        // NeuroGym's σ/√dt parameterisation and a fixed split.
        #expect(abs(MultisensoryStimulus(sigma: 1, dt: 100).noiseStd - 0.1) < 1e-15)
        let even = MultisensoryStimulus(split: .fixed(0.5), noiseStd: 0)
        let (x, tr) = even.generate(count: 3, timeSteps: 2, rng: &rng)
        for n in 0..<3 {
            let c = tr[n].coherence / 400
            let sign: [Double] = tr[n].groundTruth == 0 ? [1, -1, 1, -1] : [-1, 1, -1, 1]
            for ch in 0..<4 { #expect(abs(x[ch, n] - (0.5 + sign[ch] * c)) < 1e-15 && x[ch, 3 + n] == x[ch, n]) }
        }
    }

    @Test func integrationTargetsMatchTheirDefinitions() throws {
        let T = 6, P = 25
        for target in IntegrationTarget.allCases {
            var rng = RandomStreams(seed: 52).stream("data")
            let batch = SensoryIntegrationTask(target: target, timeSteps: T).sample(count: P, rng: &rng)
            for n in 0..<P {
                for ch in 0..<4 {
                    var want = 0.0
                    for t in 1...T {
                        let x = batch.inputs[ch, (t - 1) * P + n]
                        switch target {
                        case .mean: want += x / Double(T)
                        case .sum: want += x
                        case .lateWeighted: want += 0.1 * Double(t) * x
                        case .earlyWeighted: want += x / Double(t)
                        }
                    }
                    #expect(abs(batch.targets[ch, n] - want) < 1e-12)
                }
            }
        }
        // Same seed ⇒ same inputs for every target; sensory data are not whitened.
        var r1 = RandomStreams(seed: 52).stream("data"), r2 = r1
        let a = SensoryIntegrationTask(target: .mean, timeSteps: T).sample(count: P, rng: &r1)
        let b = SensoryIntegrationTask(target: .sum, timeSteps: T).sample(count: P, rng: &r2)
        #expect(a.inputs == b.inputs)
        #expect(try DatasetAnalysis(b).whiteningResidual > 1)
    }

    @Test func sensoryOutOfDistributionIsTheSameGeneratorAtAnotherLength() throws {
        let train = SensoryIntegrationTask(target: .mean, timeSteps: 4, stimulus: MultisensoryStimulus(coherences: [50]))
        let ood = train.atLength(50)
        #expect(ood.stimulus == train.stimulus && ood.target == train.target && ood.timeSteps == 50)
        var r1 = RandomStreams(seed: 53).stream("data"), r2 = r1
        let (b4, t4) = train.sampleTrials(count: 10, rng: &r1)
        let (b50, t50) = ood.sampleTrials(count: 10, rng: &r2)
        // The first trial's conditions are drawn before any noise, so they agree across lengths.
        #expect(t4[0] == t50[0] && b50.inputs.cols == 500)
        // The mean target at T′ averages over T′ steps.
        var want = 0.0
        for t in 0..<50 { want += b50.inputs[2, t * 10 + 3] }
        #expect(abs(b50.targets[2, 3] - want / 50) < 1e-12 && b4.timeSteps == 4)
        // The whitened idealisation: identity vectors, s_t = w_t (mean: constant 1/T, early: 1/t).
        #expect(train.idealisedTask.singularValues == [[Double]](repeating: [0.25, 0.25, 0.25, 0.25], count: 4))
        #expect(IntegrationTarget.earlyWeighted.profile(timeSteps: 3) == .explicit([1, 0.5, 1.0 / 3]))
        #expect(IntegrationTarget.mean.profile(timeSteps: 8) == .constant(delta: 0.125))
    }
}
