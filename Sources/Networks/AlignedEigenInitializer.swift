import Linalg
import Numerics
import SequenceData

extension Initializer {
    /// Eigen-aligned square LRNN (`N_x = N_h = N_y`): every block carries complex mode values `a`, `b`, `c`.
    public static func alignedEigen(a: [Complex<Double>], b: [Complex<Double>], c: [Complex<Double>],
                                    basis: EigenBasis, outputMode: OutputMode = .final) -> LinearRNN {
        LinearRNN(wx: basis.matrix(a), wh: basis.matrix(b), wy: basis.matrix(c), outputMode: outputMode)
    }
}
