import ExperimentKit
import Foundation

/// Bordelon, Cotler, Pehlevan, Zavatone-Veth 2025, "Dynamics of learning to integrate in linear recurrent neural
/// networks" (arXiv 2503.18754): a linear RNN learns to filter white noise (a leaky integrator e^{−c*t}, a damped
/// oscillator, a sum of exponentials). With small initial recurrent weights learning is carried by one outlier
/// eigenvalue (rich); with large ones the network recombines bulk modes (lazy).
///
/// The paper's full text was not available: every experiment here runs **our documented reconstruction** of the
/// model (spec `integration_lazyrich.md`, A.3–A.6) — dh/dt = −h + W h + u x(t), y = vᵀh/N, W_ij ~ N(0, σ²/N),
/// u, v ~ N(0, 1), rates (η_W, η_u, η_v) = (1, N, N), the exact white-noise loss ½∫(g − g*)² — with every
/// normalisation a parameter, and figures labelled "reconstructed model". Experiment ids are the spec's R1–R9.
public enum Bordelon2025 {
    /// The caption line every figure carries.
    public static let reconstructed = "reconstructed model"

    /// The paper, as reports and the index page name it.
    public static let paper = PaperDescription(
        id: "bordelon2025", title: "Dynamics of learning to integrate in linear recurrent neural networks",
        citation: "Bordelon, Cotler, Pehlevan & Zavatone-Veth, arXiv:2503.18754 (2025); run as rnndyn's documented reconstruction of the model")
}

extension Bordelon2025 {
    /// A short number for labels and titles (`%g`: 0.2, 1e-03, 40).
    static func label(_ x: Double) -> String { String(format: "%g", x) }
}
