import Linalg

/// The coordinates of the hidden states in `LinearRNNTangentKernel`'s feature Grams (the kernel is the same in both).
public enum StateBasis: Sendable {
    /// `.krylov` when it saves work (final readout with the W_h block, N_x < N_h, enough steps and samples), else `.states`.
    case automatic
    /// The states `h` as computed.
    case states
    /// `Qᵀ h` in an orthonormal basis of the block Krylov spaces of (W_h, W_x) (`KrylovStateBasis`; only for a final
    /// readout with the W_h block, T ≥ 2 and N_x ≥ 1, otherwise `.states`).
    case krylov
}

/// Orthonormal coordinates in which `h_{k+1}` has only its first `min(N_x·k, N_h)` entries nonzero.
///
/// `h_{k+1} = Σ_{t=1}^{k} W_h^{k−t} W_x x_t` lies in the block Krylov space `span[W_x, W_h W_x, …, W_h^{k−1} W_x]`. The
/// Householder QR of `K = [W_x, W_h W_x, …]` (`N_h × N_x⌈N_h/N_x⌉`) gives an orthogonal Q whose first c columns span
/// K's first c columns for every c (R is upper trapezoidal, whatever K's rank), so in `h̃ = Qᵀ h` the entries past
/// `min(N_x·k, N_h)` vanish up to rounding. Gram matrices are invariant under Q, so the feature Gram of times k ≤ l
/// needs only the leading `N_x + min(N_x·k, N_h)` rows of `[x; h̃]`. Preallocated; `update` does not allocate.
struct KrylovStateBasis: Sendable {
    let hidden: Int, inputs: Int
    /// `K`, `N_h × N_x⌈N_h/N_x⌉`.
    var krylov: Matrix
    /// QR of `K`; its first `N_h` columns are Q after `update`.
    var qr: QRWorkspace
    /// `Qᵀ W_h Q` (block upper Hessenberg up to rounding), `N_h × N_h`.
    var rotatedRecurrence: Matrix
    /// `Qᵀ W_x` (zero below row N_x up to rounding), `N_h × N_x`.
    var rotatedInput: Matrix
    /// `Qᵀ W_h`, `N_h × N_h`.
    var scratch: Matrix

    init(hidden nh: Int, inputs nx: Int) {
        precondition(nh > 0 && nx > 0, "KrylovStateBasis needs N_h, N_x ≥ 1")
        hidden = nh; inputs = nx
        let columns = nx * ((nh + nx - 1) / nx)
        krylov = Matrix(rows: nh, cols: columns)
        qr = QRWorkspace(rows: nh, cols: columns)
        rotatedRecurrence = Matrix(rows: nh, cols: nh)
        rotatedInput = Matrix(rows: nh, cols: nx)
        scratch = Matrix(rows: nh, cols: nh)
    }

    /// Nonzero leading coordinates of `h̃_{k+1}` (k = 0-based input index).
    func support(_ k: Int) -> Int { Swift.min(inputs * k, hidden) }

    /// Whether the basis pays for itself: the Gram rows it saves against `Qᵀ H`, the QR and building K.
    static func saves(hidden nh: Int, inputs nx: Int, timeSteps T: Int, samples p: Int) -> Bool {
        guard nx < nh, T > 1 else { return false }
        var saved = 0.0
        for k in 0..<T { saved += Double((T - k) * (nh - Swift.min(nx * k, nh))) * Double(p * p) }
        let columns = Double(nx * ((nh + nx - 1) / nx)), h = Double(nh)
        return saved > 2 * (h * h * Double(T * p) + 4 * h * h * columns)
    }

    /// Builds K from the weights (`W_x`: `N_h × N_x`, `W_h`: `N_h × N_h`), factors it and rotates the weights.
    mutating func update(wx: Matrix, wh: Matrix) {
        let nh = hidden, nx = inputs, columns = krylov.cols
        wx.storage.withUnsafeBufferPointer { x in
        wh.storage.withUnsafeBufferPointer { h in
        krylov.storage.withUnsafeMutableBufferPointer { kp in
            let k = kp.baseAddress!
            k.update(from: x.baseAddress!, count: nh * nx)
            for j in stride(from: nx, to: columns, by: nx) {
                BLAS.gemm(.none, .none, m: nh, n: nx, k: nh, alpha: 1, a: h.baseAddress!, lda: nh, b: k + (j - nx) * nh,
                          ldb: nh, beta: 0, c: k + j * nh, ldc: nh)
                // Rescale the block (its span is what matters) so powers of W_h neither overflow nor underflow.
                var largest = 0.0
                for i in 0..<(nh * nx) { largest = Swift.max(largest, abs(k[j * nh + i])) }
                if largest > 0 && largest.isFinite { for i in 0..<(nh * nx) { k[j * nh + i] /= largest } }
            }
        }}}
        krylov.storage.withUnsafeBufferPointer { qr.factor($0.baseAddress!) }
        qr.q.storage.withUnsafeBufferPointer { qp in
        wx.storage.withUnsafeBufferPointer { x in
        wh.storage.withUnsafeBufferPointer { h in
        scratch.storage.withUnsafeMutableBufferPointer { sp in
        rotatedRecurrence.storage.withUnsafeMutableBufferPointer { rp in
        rotatedInput.storage.withUnsafeMutableBufferPointer { ip in
            let q = qp.baseAddress!
            BLAS.gemm(.transpose, .none, m: nh, n: nh, k: nh, alpha: 1, a: q, lda: nh, b: h.baseAddress!, ldb: nh,
                      beta: 0, c: sp.baseAddress!, ldc: nh)
            BLAS.gemm(.none, .none, m: nh, n: nh, k: nh, alpha: 1, a: sp.baseAddress!, lda: nh, b: q, ldb: nh,
                      beta: 0, c: rp.baseAddress!, ldc: nh)
            BLAS.gemm(.transpose, .none, m: nh, n: nx, k: nh, alpha: 1, a: q, lda: nh, b: x.baseAddress!, ldb: nh,
                      beta: 0, c: ip.baseAddress!, ldc: nh)
        }}}}}}
    }
}
