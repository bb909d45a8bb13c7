import Linalg
import SequenceData

/// What a dataset says about the theory's assumptions: its correlations, their shared-vector decompositions
/// (SVD form, and eigen form when square), the alignment residuals and the whitening residual.
public struct DatasetAnalysis: Sendable {
    /// Trajectory length T.
    public let timeSteps: Int
    /// True when the batch has targets at every step.
    public let isAutoregressive: Bool
    /// Final readout: `Σ^{YX_t}` for t = 1…T. Autoregressive: `Σ^{Y_tX_i}` for `i ≤ t`, flattened row by row
    /// (`index(t:i:)`).
    public let crossCorrelations: [Matrix]
    /// `U_y`, `S`, `V_x` fitted to all of `crossCorrelations` (columns of `singularValues` in the same order).
    public let singularVectors: SharedSingularVectors
    /// `Q`, `D` fitted to all of `crossCorrelations` when N_x = N_y; nil otherwise.
    public let eigenbasis: SharedEigenbasis?
    /// `‖(1/P) Σ_p z_p z_pᵀ − I‖_F` over the stacked inputs.
    public let whiteningResidual: Double
    /// `‖(1/P) Σ_p z_p‖` over the stacked inputs.
    public let inputMeanNorm: Double

    /// Measures `batch` (means over its P samples).
    public init(_ batch: SequenceBatch) throws {
        timeSteps = batch.timeSteps
        isAutoregressive = batch.hasTargetsAtEveryStep
        crossCorrelations = isAutoregressive ? DatasetStatistics.autoregressiveCrossCorrelations(batch).flatMap { $0 }
                                             : DatasetStatistics.crossCorrelations(batch)
        singularVectors = try SharedSingularVectors(correlations: crossCorrelations)
        eigenbasis = batch.inputDimension == batch.outputDimension ? try SharedEigenbasis(correlations: crossCorrelations) : nil
        whiteningResidual = DatasetStatistics.whiteningResidual(batch)
        inputMeanNorm = DatasetStatistics.inputMeanNorm(batch)
    }

    /// Position of `Σ^{Y_tX_i}` (1-based, `i ≤ t`) in the flattened autoregressive list.
    public static func index(t: Int, i: Int) -> Int { t * (t - 1) / 2 + i - 1 }

    /// The fitted singular values as `s_{α,t}` (final readout; rows are modes).
    public var singularValues: [[Double]] { singularVectors.singularValues }
}
