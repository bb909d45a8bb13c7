import Linalg

/// Distances between two equally shaped float64 arrays (read flat, in the same element order), for comparing
/// what two trained networks learned.
public enum ArrayDistance {
    /// A named distance; adding one is one case here (its name, formula and description).
    public enum Metric: String, CaseIterable, Sendable {
        /// `‖A − B‖_F`.
        case frobenius
        /// `‖A − B‖_F / √(‖A‖_F ‖B‖_F)`; 0 when both are zero, +∞ when only one is.
        case relativeFrobenius = "relative_frobenius"
        /// `1 − ⟨A, B⟩_F / (‖A‖_F ‖B‖_F)`, in [0, 2]; NaN when either is zero.
        case cosineDistance = "cosine_distance"

        /// The distance between `a` and `b` (equal lengths).
        public func callAsFunction(_ a: [Double], _ b: [Double]) -> Double {
            switch self {
            case .frobenius: return ArrayDistance.frobenius(a, b)
            case .relativeFrobenius: return ArrayDistance.relativeFrobenius(a, b)
            case .cosineDistance: return ArrayDistance.cosineDistance(a, b)
            }
        }

        /// What the metric measures, for data documentation.
        public var formula: String {
            switch self {
            case .frobenius: return "‖A − B‖_F"
            case .relativeFrobenius: return "‖A − B‖_F / √(‖A‖_F ‖B‖_F) (0 when both are zero)"
            case .cosineDistance: return "1 − ⟨A, B⟩_F / (‖A‖_F ‖B‖_F) (NaN when either is zero)"
            }
        }
    }

    /// `‖A − B‖_F` (scaled accumulation, so large entries do not overflow).
    public static func frobenius(_ a: [Double], _ b: [Double]) -> Double {
        (column(a) - column(b)).frobeniusNorm
    }

    /// `‖A − B‖_F / √(‖A‖_F ‖B‖_F)`: the distance relative to the geometric mean of the sizes; 0 when both
    /// arrays are zero, +∞ when only one is.
    public static func relativeFrobenius(_ a: [Double], _ b: [Double]) -> Double {
        let d = frobenius(a, b), scale = (column(a).frobeniusNorm * column(b).frobeniusNorm).squareRoot()
        if scale == 0 { return d == 0 ? 0 : .infinity }
        return d / scale
    }

    /// The cosine distance `1 − ⟨A, B⟩_F / (‖A‖_F ‖B‖_F)`, evaluated as `KernelMetrics.distance` does (a sum of
    /// squares of the normalised difference: never negative, accurate for nearly parallel arrays); NaN when either
    /// array is zero or not finite.
    public static func cosineDistance(_ a: [Double], _ b: [Double]) -> Double {
        KernelMetrics.distance(column(a), column(b))
    }

    /// `values` as an n × 1 matrix.
    static func column(_ values: [Double]) -> Matrix {
        Matrix(rows: values.count, cols: 1, columnMajor: values)
    }
}
