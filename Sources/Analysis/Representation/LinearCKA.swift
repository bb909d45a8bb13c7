import Foundation
import Linalg

/// Linear centred kernel alignment (Kornblith et al. 2019) between two response matrices, and netrep's angular form.
///
/// With column-centred X (m × p) and Y (m × q), `similarity = ‖YᵀX‖²_F / (‖XᵀX‖_F ‖YᵀY‖_F)`, computed in feature
/// space (p × q products; cheap when m ≫ p, q). It equals the cosine between the centred Gram matrices XXᵀ and YYᵀ,
/// lies in [0, 1], is 1 for identical inputs, and is invariant to orthogonal maps and isotropic scaling of either side
/// (not to general invertible maps).
public struct LinearCKA: Sendable, Equatable {
    /// CKA in [0, 1] (1 = identical up to rotation and scale).
    public let similarity: Double

    /// netrep's metric: `arccos(similarity)` in [0, π/2], the angle between the centred Gram matrices (0 = identical).
    public var angularDistance: Double { acos(min(1, max(0, similarity))) }
    /// `1 − similarity` in [0, 1] (not a metric; 0 = identical).
    public var complementDistance: Double { 1 - similarity }

    /// CKA between X (m × p) and Y (m × q); throws on a row mismatch, m < 2, non-finite entries or a constant side.
    public init(_ x: Matrix, _ y: Matrix) throws {
        self = try LinearCKA(CentredResponses(x, field: "X"), CentredResponses(y, field: "Y"))
    }

    /// CKA between two trajectory sets, flattened by `samples`.
    public init(_ x: TrialTrajectories, _ y: TrialTrajectories, samples: TrajectorySamples = .everyStep) throws {
        try self.init(x.responseMatrix(samples), y.responseMatrix(samples))
    }

    /// CKA between prepared systems.
    init(_ x: CentredResponses, _ y: CentredResponses) throws {
        try ResponseChecks.requireSameRows(x.centred.rows, y.centred.rows, fields: (x.field, y.field))
        let cross = x.centred.transposeTimes(y.centred).frobeniusNorm
        similarity = (cross / x.gramNorm) * (cross / y.gramNorm)
    }
}

/// One system's column-centred responses and `‖XᵀX‖_F`, computed once for all of its pairs.
struct CentredResponses: Sendable {
    /// Column-centred X.
    let centred: Matrix
    /// `‖XᵀX‖_F` (> 0).
    let gramNorm: Double
    /// Name used in errors.
    let field: String

    init(_ x: Matrix, field: String) throws {
        try ResponseChecks.validate(x, field: field, minimumRows: 2)
        centred = ResponseChecks.centredColumns(x)
        gramNorm = centred.transposeTimes(centred).frobeniusNorm
        guard gramNorm > 0 else { throw RepresentationError.zeroVariance(field: field) }
        self.field = field
    }
}
