import ExperimentKit
import Foundation
import Linalg

/// `--estimate` of `rnndyn run` and `rnndyn reproduce`: a study's cell count and CPU time from its timing probe
/// (`Study.estimate`), without running the work or writing anything.
public enum RunEstimate {
    /// The estimate of `e` with `preset`, `overrides` and root `seed` (one BLAS thread, as runs use), its probe
    /// networks trained for at most `probeEpochs` epochs (nil: the study's default); nil for an experiment that is not
    /// a study (one run, which only running it times).
    public static func of(_ e: any Experiment, preset: Preset, overrides: ParameterOverrides = .init(), seed: UInt64,
                          probeEpochs: Int? = nil) throws -> StudyEstimate? {
        guard let study = e as? any Study else { return nil }
        BLAS.setThreads(1)
        return try study.estimate(preset, overrides: overrides.tree, seed: seed, probeEpochs: probeEpochs)
    }

    /// The checked `--probe-epochs` value: only with `--estimate`, an integer in 1…100000.
    public static func probeEpochs(_ value: Int?, estimate: Bool) throws -> Int? {
        guard let value else { return nil }
        guard estimate else { throw ConfigError(key: "--probe-epochs", "needs --estimate (allowed: --probe-epochs N with --estimate)") }
        guard (1...100_000).contains(value) else { throw ConfigError(key: "--probe-epochs", "\(value) is out of range (allowed: 1…100000)") }
        return value
    }

    /// One line: `proca2025.figA4 (full): 96 cells, 0.53 CPU-hours (1.9e+03 CPU-s; timed …)`.
    public static func line(_ id: String, preset: Preset, _ estimate: StudyEstimate?) -> String {
        guard let estimate else { return "\(id) (\(preset.rawValue)): 1 run, not estimated (not a study; time it by running it)" }
        return "\(id) (\(preset.rawValue)): \(estimate.cells) cells, \(hours(estimate.cpuHours)) CPU-hours "
            + "(\(String(format: "%.3g", estimate.cpuSeconds)) CPU-s; \(estimate.basis))"
    }

    /// The total line of several estimates.
    public static func total(_ estimates: [StudyEstimate?], preset: Preset) -> String {
        let studies = estimates.compactMap { $0 }
        let plain = estimates.count - studies.count
        return "total (\(preset.rawValue)): \(studies.map(\.cells).reduce(0, +)) cells in \(studies.count) stud\(studies.count == 1 ? "y" : "ies"), "
            + "\(hours(studies.map(\.cpuHours).reduce(0, +))) CPU-hours" + (plain > 0 ? "; \(plain) other experiment\(plain == 1 ? "" : "s") not estimated" : "")
    }

    static func hours(_ h: Double) -> String { String(format: h < 0.01 ? "%.2g" : "%.2f", h) }
}
