// TEMPORARY until the pairs branch merges
import ExperimentKit
public struct SweepPair: Sendable { public let id: String }
extension SweepDirectory {
    public var pairs: [SweepPair] { [] }
    public func pairState(_ p: SweepPair) -> CellState { .pending }
}
extension SweepMerge {
    public static func files(_ dir: SweepDirectory) -> [String] { ["sweep.csv", "sweep.npz", "DATA.md", "timings.csv", "figures/sweep.svg"] }
}
extension SweepDirectory {
    public func pairLabel(_ p: SweepPair) -> String { "" }
    public func pairLockURL(_ p: SweepPair) -> URL { url }
}
import Foundation
extension SweepWorker {
    @discardableResult public static func runPairs(_ dir: SweepDirectory, only: Set<String>? = nil) -> Summary { Summary() }
}
