import Linalg
import SequenceData

/// Correlations and whiteness of a dataset, in the means convention of `LossConvention`.
public enum DatasetStatistics {
    /// `Σ^{YX_t} = (1/P) Σ_p y_p x_{p,t}ᵀ` for t = 1…T (final-readout batches, targets `N_y × P`).
    public static func crossCorrelations(_ batch: SequenceBatch) -> [Matrix] {
        precondition(batch.targets.cols == batch.samples, "final-readout correlations need N_y × P targets")
        let p = Double(batch.samples)
        return (1...batch.timeSteps).map { (1 / p) * batch.targets.timesTranspose(batch.input(at: $0)) }
    }

    /// `Σ^{Y_tX_i} = (1/P) Σ_p y_{p,t} x_{p,i}ᵀ` for `i ≤ t`: entry `[t−1][i−1]` (targets `N_y × (T·P)`).
    public static func autoregressiveCrossCorrelations(_ batch: SequenceBatch) -> [[Matrix]] {
        let p = batch.samples, T = batch.timeSteps
        precondition(batch.targets.cols == T * p, "autoregressive correlations need N_y × (T·P) targets")
        return (1...T).map { t in
            let y = batch.targets.columns(((t - 1) * p)..<(t * p))
            return (1...t).map { i in (1 / Double(p)) * y.timesTranspose(batch.input(at: i)) }
        }
    }

    /// The input second moment `(1/P) Σ_p z_p z_pᵀ` of the stacked `z = [x_1; …; x_T]` (`T·N_x × T·N_x`).
    public static func inputSecondMoment(_ batch: SequenceBatch) -> Matrix {
        let z = SequenceLayout.stacked(fromBatched: batch.inputs, timeSteps: batch.timeSteps)
        var m = Matrix(rows: z.rows, cols: z.rows)
        BLAS.gemm(z, z, into: &m, transB: .transpose, alpha: 1 / Double(batch.samples))
        return m
    }

    /// The whitening residual `‖(1/P) Σ_p z_p z_pᵀ − I‖_F` (0 for whitened data).
    public static func whiteningResidual(_ batch: SequenceBatch) -> Double {
        (inputSecondMoment(batch) - .identity(batch.timeSteps * batch.inputDimension)).frobeniusNorm
    }

    /// The norm of the stacked input mean, `‖(1/P) Σ_p z_p‖` (0 for centred data).
    public static func inputMeanNorm(_ batch: SequenceBatch) -> Double {
        let p = Double(batch.samples)
        var s = 0.0
        for t in 1...batch.timeSteps {
            let x = batch.input(at: t)
            for i in 0..<x.rows {
                var m = 0.0
                for j in 0..<x.cols { m += x[i, j] }
                s += (m / p) * (m / p)
            }
        }
        return s.squareRoot()
    }
}
