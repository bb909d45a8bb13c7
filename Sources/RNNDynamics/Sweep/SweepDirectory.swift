import DataIO
import ExperimentKit
import FigureData
import Papers
import Plot
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Report

/// The files of a sweep directory.
///
/// `sweep.json` (the plan: spec, axes, seeds, every cell's id), `spec.<ext>` (the spec as given), `cells/<id>/`
/// (one complete experiment run directory per cell, written atomically), `locks/<id>.lock` (held while a worker
/// computes the cell), `failed/<id>.txt` (the last error of a failed cell, or `diverged: ` and the diagnostic of a diverged one), `events.log` (which process started
/// and finished which cell, when and where); with a pair stage, `pairs/<id>.json` (one pair's distances),
/// `locks/pair-<id>.lock` and `failed/pair-<id>.txt`; `rnndyn sweep merge` adds `sweep.csv`, `sweep.npz`,
/// `DATA.md`, `timings.csv`, `figures/`, `report.html` and, with pairs, `pairs.csv`.
public struct SweepDirectory: Sendable {
    /// The sweep's root.
    public let url: URL
    /// The spec.
    public let spec: SweepSpec
    /// Every cell, in sweep order.
    public let cells: [SweepCell]
    /// Every pair of the spec's pair stage, in pair order (empty without one).
    public let pairs: [SweepPair]

    /// The sweep of `spec` at `url` with its `cells` (in sweep order).
    public init(url: URL, spec: SweepSpec, cells: [SweepCell]) {
        self.url = url; self.spec = spec; self.cells = cells; self.pairs = spec.pairs(of: cells)
    }

    /// `sweep.json`.
    public var planURL: URL { url.appendingPathComponent("sweep.json") }
    /// `cells/<id>` (a study sweep's: `cells/<id>.npz`).
    public func cellURL(_ cell: SweepCell) -> URL {
        url.appendingPathComponent("cells").appendingPathComponent(cell.id + (cell.studyCell == nil ? "" : ".npz"))
    }
    /// `locks/<id>.lock`.
    public func lockURL(_ cell: SweepCell) -> URL { url.appendingPathComponent("locks").appendingPathComponent(cell.id + ".lock") }
    /// `failed/<id>.txt`.
    public func failureURL(_ cell: SweepCell) -> URL { url.appendingPathComponent("failed").appendingPathComponent(cell.id + ".txt") }
    /// `pairs/<id>.json`.
    public func pairURL(_ pair: SweepPair) -> URL { url.appendingPathComponent("pairs").appendingPathComponent(pair.id + ".json") }
    /// `locks/pair-<id>.lock`.
    public func lockURL(_ pair: SweepPair) -> URL { url.appendingPathComponent("locks").appendingPathComponent("pair-" + pair.id + ".lock") }
    /// `failed/pair-<id>.txt`.
    public func failureURL(_ pair: SweepPair) -> URL { url.appendingPathComponent("failed").appendingPathComponent("pair-" + pair.id + ".txt") }
    /// How status lines name `cell`: its axis values and seed (`learning_rate=0.01 seed=3`), or a study cell's name
    /// (`cell=aligned-T4-draw1 seed=0`).
    public func label(_ cell: SweepCell) -> String {
        let point = zip(spec.axes, cell.point).map { "\($0.name)=\($0.values[$1].text)" } + (cell.studyCell.map { ["cell=\($0)"] } ?? [])
        return (point + ["seed=\(cell.seed)"]).joined(separator: " ")
    }

    /// `events.log`.
    public var eventsURL: URL { url.appendingPathComponent("events.log") }

    /// The plan as canonical JSON: experiment, preset, axes, seeds, the cells' ids and, only with a pair stage,
    /// its array and metrics (what resuming compares; plans without pairs are as before pairs existed).
    public var planText: String {
        var plan: [String: Any] = [
            "experiment": spec.experiment, "preset": spec.preset.rawValue,
            "overrides": spec.overrides as [String: Any],
            "axes": spec.axes.map { ["name": $0.name, "values": $0.values.map(\.json)] as [String: Any] },
            "seeds": spec.seeds.map { Int($0) },
            "cells": cells.map { c in
                var entry: [String: Any] = ["id": c.id, "point": c.point, "seed": Int(c.seed)]
                if let name = c.studyCell { entry["name"] = name }
                return entry
            },
        ]
        if spec.study { plan["study"] = true }
        if let stage = spec.pairSpec {
            plan["pairs"] = ["array": stage.array, "metrics": stage.metrics.map(\.rawValue), "count": pairs.count] as [String: Any]
        }
        return CanonicalJSON.text(plan) + "\n"
    }

    /// Plans the sweep of `specPath` into `url`, creating the directory and its plan; resuming one with the same
    /// plan is fine, anything else in the way is a one-line `ConfigError`.
    public static func create(spec specPath: String, at url: URL) throws -> SweepDirectory {
        let spec = try SweepSpec.load(specPath)
        let dir = SweepDirectory(url: url, spec: spec, cells: try spec.cells(validate: true))
        let fm = FileManager.default
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: url.path, isDirectory: &isDir) {
            guard isDir.boolValue else { throw ConfigError(key: "--out", "'\(url.relativePath)' is a file (allowed: a directory path)") }
            let items = (try? fm.contentsOfDirectory(atPath: url.path)) ?? []
            if fm.fileExists(atPath: dir.planURL.path) {
                let existing = (try? String(contentsOf: dir.planURL, encoding: .utf8)) ?? ""
                guard existing == dir.planText else {
                    throw ConfigError(key: "--out", "'\(url.relativePath)' holds a sweep of another spec (allowed: the same spec to resume it, or another --out)")
                }
                return dir
            }
            guard items.isEmpty else {
                throw ConfigError(key: "--out", "'\(url.relativePath)' holds files rnndyn did not write (allowed: an empty or new directory)")
            }
        }
        try OutputLocation.requireWritable(url)
        // Staged and renamed into place: a sweep directory exists complete with its plan, or not at all.
        StagedDirectory.removeStale(besides: url)
        let ext = (specPath as NSString).pathExtension.lowercased()
        let specData: Data
        do { specData = try Data(contentsOf: URL(fileURLWithPath: specPath)) } catch {
            throw ConfigError(key: "sweep spec", "cannot read '\(specPath)' (\(error.localizedDescription))")
        }
        try StagedDirectory.withStaging(final: url) { stage in
            for sub in ["cells", "locks", "failed"] + (spec.pairSpec == nil ? [] : ["pairs"]) { try stage.write(Data(), to: "\(sub)/.keep") }
            try stage.write(specData, to: "spec.\(ext)")
            try stage.write(Data(dir.planText.utf8), to: "sweep.json")
        }
        return dir
    }

    /// Opens an existing sweep directory from its saved spec; throws when `url` holds no sweep.
    public static func open(_ url: URL) throws -> SweepDirectory {
        let fm = FileManager.default
        guard fm.fileExists(atPath: url.appendingPathComponent("sweep.json").path),
              let spec = ["yaml", "yml", "json"].map({ url.appendingPathComponent("spec.\($0)") }).first(where: { fm.fileExists(atPath: $0.path) })
        else { throw ConfigError(key: "DIR", "'\(url.relativePath)' is not a sweep directory (allowed: the --out of rnndyn sweep)") }
        let s = try SweepSpec.load(spec.path)
        let dir = SweepDirectory(url: url, spec: s, cells: try s.cells())
        guard (try? String(contentsOf: dir.planURL, encoding: .utf8)) == dir.planText else {
            throw ConfigError(key: "DIR", "'\(url.relativePath)/sweep.json' does not match its spec (allowed: a sweep directory rnndyn wrote)")
        }
        return dir
    }

    /// The state of one cell.
    public enum CellState: Equatable, Sendable {
        /// Not computed yet (or in flight).
        case pending
        /// Its run directory is complete.
        case done
        /// Its last attempt failed with this message.
        case failed(String)
        /// Its computation diverged (this one-line diagnostic); the last good state is in its cell directory. Runs
        /// are deterministic, so a diverged cell is not retried.
        case diverged(String)

        /// Whether a worker should (re)compute the cell: pending or failed.
        public var needsWork: Bool {
            switch self {
            case .pending, .failed: return true
            case .done, .diverged: return false
            }
        }
    }

    /// The first line of `failed/<id>.txt` for a cell whose computation diverged.
    static let divergedPrefix = "diverged: "

    /// The state of `cell` on disk.
    public func state(_ cell: SweepCell) -> CellState {
        if cell.studyCell != nil {
            if FileManager.default.fileExists(atPath: cellURL(cell).path) { return .done }
        } else if case .complete = RunDirectoryState.inspect(cellURL(cell)) { return .done }
        if let message = try? String(contentsOf: failureURL(cell), encoding: .utf8) {
            return message.hasPrefix(Self.divergedPrefix) ? .diverged(String(message.dropFirst(Self.divergedPrefix.count))) : .failed(message)
        }
        return .pending
    }

    /// Appends one line to `events.log` (a single `write(2)` with `O_APPEND`, so lines from workers never interleave).
    public func log(_ event: String) {
        let fd = Glibc.open(eventsURL.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let line = Array("\(Timestamp.now()) \(ProcessInfo.processInfo.hostName) pid=\(getpid()) \(event)\n".utf8)
        _ = line.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
    }
}
