import Foundation
import Linalg
#if canImport(Glibc)
import Glibc
#endif

/// What a study run will cost, from a short timing probe: its cell count and the CPU time of all its cells.
public struct StudyEstimate: Sendable, Equatable {
    /// Cells of the run.
    public var cells: Int
    /// CPU seconds of all cells (one thread each), extrapolated from the probe.
    public var cpuSeconds: Double
    /// How the number was obtained (`timed 2 of 12 cells: 0.41 s each on average`).
    public var basis: String

    /// An estimate.
    public init(cells: Int, cpuSeconds: Double, basis: String) { self.cells = cells; self.cpuSeconds = cpuSeconds; self.basis = basis }

    /// `cpuSeconds` in hours.
    public var cpuHours: Double { cpuSeconds / 3600 }

    /// CPU seconds this process spends in `body` (every thread of it).
    public static func cpuSeconds(_ body: () throws -> Void) rethrows -> Double {
        let start = processCPUTime()
        try body()
        return processCPUTime() - start
    }

    static func processCPUTime() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}

extension Study {
    /// The default probe: runs the first and the last cell (one when they are the same) on their own nodes and
    /// multiplies their mean CPU time by the cell count. A study whose cells take minutes overrides `estimate` with a
    /// shorter probe (a few steps of one cell, extrapolated); whole cells have no probe epochs to cap.
    public func estimate(_ plan: Plan, streams: RandomStreams, probeEpochs: Int? = nil) throws -> StudyEstimate {
        let cells = cells(plan)
        guard let first = cells.first, let last = cells.last else { return StudyEstimate(cells: 0, cpuSeconds: 0, basis: "no cells") }
        let probe = first.name == last.name ? [first] : [first, last]
        var total = 0.0
        for cell in probe {
            total += try StudyEstimate.cpuSeconds { _ = try runCell(cell, plan: plan, streams: cellStreams(cell, plan: plan, experiment: streams)) }
        }
        let each = total / Double(probe.count)
        return StudyEstimate(cells: cells.count, cpuSeconds: each * Double(cells.count),
                             basis: "timed \(probe.map(\.name).joined(separator: " and ")): \(String(format: "%.3g", each)) CPU-s per cell")
    }

    /// `estimate` for `preset` with `overrides` and root `seed`: plans (a bad parameter throws the `ConfigError`
    /// `run` would) and runs the probe, on the experiment's node of the seed tree, with at most `probeEpochs` epochs of
    /// training per probe network when the study trains some (nil: its default).
    public func estimate(_ preset: Preset, overrides: [String: Any] = [:], seed: UInt64 = 0, probeEpochs: Int? = nil) throws -> StudyEstimate {
        let reader = ConfigReader(object: ParameterOverrides.deepMerge(parameters(preset), overrides), path: id)
        reader.checksRecordBudget = true
        return try estimate(try plan(reader), streams: RandomStreams(seed: seed).node(id), probeEpochs: probeEpochs)
    }
}
