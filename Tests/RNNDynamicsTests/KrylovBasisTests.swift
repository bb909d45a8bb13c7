import Foundation
import Testing
@testable import Analysis
@testable import Linalg
@testable import Networks

/// The Krylov state basis of `LinearRNNTangentKernel`: same kernel as the plain states, also when the Krylov spaces
/// are rank-deficient, and chosen automatically only where it saves work.
@Suite struct KrylovBasisTests {
    static let blockSets: [ParameterBlocks] = [.linearRNN, .wh, [.wx, .wh], [.wh, .wy]]

    /// Kernel in the Krylov basis against the Jacobian kernel and the plain-state closed form.
    static func expectSameKernel(_ net: LinearRNN, _ batch: SequenceBatch, _ label: String) {
        for blocks in blockSets {
            var krylov = LinearRNNTangentKernel(for: net, batch: batch, blocks: blocks, stateBasis: .krylov)
            var plain = LinearRNNTangentKernel(for: net, batch: batch, blocks: blocks, stateBasis: .states)
            #expect(krylov.usesKrylovBasis && !plain.usesKrylovBasis)
            krylov.compute(net, batch)
            plain.compute(net, batch)
            let jac = JacobianTangentKernel.kernel(net, on: batch, blocks: blocks)
            #expect(relativeKernelError(krylov.kernel, jac) <= 1e-9, "\(label) blocks \(blocks.rawValue)")
            #expect(relativeKernelError(krylov.kernel, plain.kernel) <= 1e-12, "\(label) blocks \(blocks.rawValue)")
            #expect(krylov.kernel == krylov.kernel.transposed)
        }
    }

    @Test(arguments: [(3, 8, 2, 7, 5), (2, 7, 3, 9, 4), (5, 4, 2, 6, 3), (1, 6, 1, 10, 2), (3, 4, 2, 2, 3)])
    func krylovBasisGivesTheSameKernel(shape: (Int, Int, Int, Int, Int)) {
        let (nx, nh, ny, T, P) = shape
        let (net, batch) = randomNetworkAndBatch(nx: nx, nh: nh, ny: ny, T: T, P: P, mode: .final, seed: UInt64(7 * nh + T))
        Self.expectSameKernel(net, batch, "\(shape)")
    }

    @Test func krylovBasisSurvivesRankDeficientKrylovSpaces() {
        let (nx, nh, ny, T, P) = (3, 9, 2, 8, 4)
        var rng = RandomStreams(seed: 3).stream("krylov-degenerate")
        let batch = randomBatch(nx: nx, ny: ny, T: T, P: P, perStepTargets: false, rng: &rng)
        let wy = rng.gaussianMatrix(rows: ny, cols: nh, std: 0.4)
        var wx = rng.gaussianMatrix(rows: nh, cols: nx, std: 0.5)
        // W_h = 0: the Krylov space stops at span(W_x).
        Self.expectSameKernel(LinearRNN(wx: wx, wh: Matrix(rows: nh, cols: nh), wy: wy), batch, "W_h = 0")
        // W_h with an invariant 2-dimensional subspace that contains W_x, and a rank-1 W_x inside it.
        var wh = Matrix(rows: nh, cols: nh)
        wh[0, 1] = 0.9; wh[1, 0] = -0.7; wh[1, 1] = 0.3
        for i in 0..<nh { for j in 0..<nx { wx[i, j] = i < 2 ? Double(j + 1) * (i == 0 ? 0.5 : -0.2) : 0 } }
        Self.expectSameKernel(LinearRNN(wx: wx, wh: wh, wy: wy), batch, "invariant subspace")
        // Large W_h (spectral radius ≈ 3): Krylov blocks grow by 3ᵏ and are rescaled.
        let big = rng.gaussianMatrix(rows: nh, cols: nh, std: 3 / Double(nh).squareRoot())
        Self.expectSameKernel(LinearRNN(wx: rng.gaussianMatrix(rows: nh, cols: nx, std: 0.5), wh: big, wy: wy), batch, "large W_h")
    }

    @Test func automaticBasisIsChosenOnlyWhereItSavesWork() {
        func uses(nx: Int, nh: Int, T: Int, P: Int, mode: OutputMode = .final, blocks: ParameterBlocks = .linearRNN) -> Bool {
            let (net, batch) = randomNetworkAndBatch(nx: nx, nh: nh, ny: 2, T: T, P: P, mode: mode, seed: 1)
            return LinearRNNTangentKernel(for: net, batch: batch, blocks: blocks).usesKrylovBasis
        }
        #expect(uses(nx: 8, nh: 64, T: 20, P: 64))
        #expect(!uses(nx: 8, nh: 64, T: 20, P: 2), "Qᵀ H costs more than it saves for two samples")
        #expect(!uses(nx: 8, nh: 64, T: 20, P: 64, mode: .autoregressive))
        #expect(!uses(nx: 8, nh: 64, T: 20, P: 64, blocks: [.wx, .wy]))
        #expect(!uses(nx: 8, nh: 8, T: 20, P: 64), "N_x ≥ N_h: no coordinate is ever zero")
    }
}
