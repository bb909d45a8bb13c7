import Analysis
import Foundation

/// A sweep's pair stage: which results array of every cell to compare between the seeds of a grid point, and by
/// which distances.
public struct SweepPairSpec: Sendable, Equatable {
    /// Key of a `results.npz` array every cell writes.
    public let array: String
    /// The distances computed for every pair, in the spec's order.
    public let metrics: [ArrayDistance.Metric]

    /// Most pairs a sweep may have.
    public static let maxPairs = 1_000_000

    /// A pair stage.
    public init(array: String, metrics: [ArrayDistance.Metric] = ArrayDistance.Metric.allCases) {
        self.array = array; self.metrics = metrics
    }

    /// Validates the spec's `pairs` object for a sweep of `seeds` seeds at each of `points` grid points.
    init(object raw: Any, seeds: Int, points: Int) throws {
        guard let o = raw as? [String: Any] else {
            throw ConfigError(key: "sweep.pairs", "expected an object {array, metrics}, got \(ConfigReader.describe(raw))")
        }
        let known = ["array", "metrics"]
        if let extra = o.keys.filter({ !known.contains($0) }).sorted().first {
            throw ConfigError(key: "sweep.pairs.\(extra)", "unknown key (allowed: \(known.joined(separator: ", ")))")
        }
        guard let array = o["array"] as? String, !array.isEmpty else {
            throw ConfigError(key: "sweep.pairs.array", "is required (the name of a results.npz array every cell writes)")
        }
        let allowed = ArrayDistance.Metric.allCases.map(\.rawValue).joined(separator: ", ")
        var metrics = ArrayDistance.Metric.allCases
        if let rawMetrics = o["metrics"] {
            guard let list = rawMetrics as? [Any], !list.isEmpty else {
                throw ConfigError(key: "sweep.pairs.metrics", "expected a non-empty list (allowed: \(allowed))")
            }
            metrics = try list.enumerated().map { i, v in
                guard let name = v as? String, let m = ArrayDistance.Metric(rawValue: name) else {
                    throw ConfigError(key: "sweep.pairs.metrics[\(i)]", "\(ConfigReader.describe(v)) is not a metric (allowed: \(allowed))")
                }
                return m
            }
            guard Set(metrics).count == metrics.count else {
                throw ConfigError(key: "sweep.pairs.metrics", "lists a metric twice (allowed: each of \(allowed) once)")
            }
        }
        guard seeds >= 2 else {
            throw ConfigError(key: "sweep.pairs", "compares seeds but the sweep has \(seeds) (allowed: seeds of 2 or more)")
        }
        let count = (seeds * (seeds - 1) / 2).multipliedReportingOverflow(by: points)
        guard !count.overflow, count.partialValue <= Self.maxPairs else {
            throw ConfigError(key: "sweep.pairs", "make \(count.overflow ? "too many" : String(count.partialValue)) pairs (allowed: at most \(Self.maxPairs))")
        }
        self.init(array: array, metrics: metrics)
    }
}

/// Two cells of one grid point (seeds a < b) whose results array a pair stage compares.
public struct SweepPair: Sendable {
    /// Position in the sweep's pair order (grid points outermost, then (a, b) lexicographic).
    public let index: Int
    /// Index along each axis.
    public let point: [Int]
    /// The cell of the first seed.
    public let a: SweepCell
    /// The cell of the second seed (later in the seed list).
    public let b: SweepCell
    /// Deterministic id: the first 16 hex digits of SHA-256 over the canonical JSON of the two cells' ids, the
    /// array and the metrics.
    public let id: String

    /// Positions of the two seeds in the spec's seed list.
    public var seedIndices: (a: Int, b: Int) { (a.seedIndex, b.seedIndex) }
    /// The two cells' ids.
    public var cellIDs: (a: String, b: String) { (a.id, b.id) }
}

extension SweepSpec {
    /// Every pair of `cells` (this spec's, in sweep order) its pair stage compares: grid points outermost, then
    /// seed pairs (a, b), a < b, in lexicographic order; empty when the spec has no pair stage.
    public func pairs(of cells: [SweepCell]) -> [SweepPair] {
        guard let stage = pairSpec else { return [] }
        let n = seeds.count
        precondition(cells.count % n == 0, "cells are not whole grid points of \(n) seeds")
        var out: [SweepPair] = []
        out.reserveCapacity(cells.count / n * n * (n - 1) / 2)
        for start in stride(from: 0, to: cells.count, by: n) {
            for i in 0..<n {
                for j in (i + 1)..<n {
                    let a = cells[start + i], b = cells[start + j]
                    let key = CanonicalJSON.text(["cells": [a.id, b.id], "array": stage.array,
                                                  "metrics": stage.metrics.map(\.rawValue)] as [String: Any])
                    out.append(SweepPair(index: out.count, point: a.point, a: a, b: b, id: String(SHA256.hex(key).prefix(16))))
                }
            }
        }
        return out
    }
}
