import CKernels

/// The vectorised double-precision tanh of the tanh RNNs (the C kernel of `rnndyn_tanh.h`, a few ulp from libm).
public enum TanhKernel {
    /// tanh(x) by the kernel (the CPU path `usesAVX2` names).
    public static func tanh(_ x: Double) -> Double { rnndyn_tanh(x) }

    /// True when the AVX2+FMA path runs on this CPU (else the portable C path).
    public static var usesAVX2: Bool { rnndyn_tanh_uses_avx2() != 0 }
}
