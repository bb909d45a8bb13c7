import CKernels

/// A left GEMM operand packed once for many products with the same matrix (the recurrent `W_h h_{t−1}` and
/// `W_hᵀ δ_{t+1}` of BPTT): `C (+)= scale·op(A) · B` without re-packing A at every call, as a general BLAS call
/// must. C kernel (AVX2+FMA 8 × 6 register tiles, portable C otherwise); each entry of C is one FMA chain over the
/// inner index, so results are deterministic and allocation-free after `init`.
public struct PackedOperand: Sendable {
    /// Rows of op(A).
    public private(set) var rows: Int
    /// Columns of op(A) (the inner dimension of the product).
    public private(set) var inner: Int
    /// The packed panels (`rnndyn_pack`'s layout).
    private var storage: [Double]

    /// Storage for an `rows × inner` operand (nothing packed yet: zeros).
    public init(rows: Int, inner: Int) {
        precondition(rows >= 0 && inner >= 0, "packed operand shape must be non-negative")
        self.rows = rows; self.inner = inner
        storage = [Double](repeating: 0, count: rnndyn_packed_size(rows, inner))
    }

    /// Packs `scale · op(a)`; op(a) must be `rows × inner`. Allocation-free.
    public mutating func pack(_ a: Matrix, _ op: Transpose = .none, scale: Double = 1) {
        let shape = op == .none ? a.shape : (a.cols, a.rows)
        precondition(shape == (rows, inner), "op(A) is \(shape), packed operand holds \(rows)×\(inner)")
        let (m, k) = (rows, inner)
        storage.withUnsafeMutableBufferPointer { s in
            a.storage.withUnsafeBufferPointer { ap in
                rnndyn_pack(op == .none ? 0 : 1, m, k, scale, ap.baseAddress, max(a.rows, 1), s.baseAddress)
            }
        }
    }

    /// `C ← (accumulate ? C : 0) + scale·op(A) · B` for B `inner × n` (leading dimension ldb) and C `rows × n`
    /// (leading dimension ldc); C must not overlap B.
    public func multiply(_ b: UnsafePointer<Double>, ldb: Int, columns n: Int, accumulate: Bool,
                         into c: UnsafeMutablePointer<Double>, ldc: Int) {
        storage.withUnsafeBufferPointer { s in
            rnndyn_packed_gemm(rows, n, inner, s.baseAddress, b, ldb, accumulate ? 1 : 0, c, ldc)
        }
    }

    /// Calls `body` with the packed panels (`rnndyn_pack`'s layout, nil when empty), for the fused C step kernels.
    public func withUnsafePanels<R>(_ body: (UnsafePointer<Double>?) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer { try body($0.baseAddress) }
    }

    /// The portable C path of `multiply` (for testing it on machines that use AVX2).
    public func multiplyPortable(_ b: UnsafePointer<Double>, ldb: Int, columns n: Int, accumulate: Bool,
                                 into c: UnsafeMutablePointer<Double>, ldc: Int) {
        storage.withUnsafeBufferPointer { s in
            rnndyn_packed_gemm_portable(rows, n, inner, s.baseAddress, b, ldb, accumulate ? 1 : 0, c, ldc)
        }
    }
}
