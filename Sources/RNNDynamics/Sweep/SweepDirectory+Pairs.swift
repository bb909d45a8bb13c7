import Analysis
import DataIO
import ExperimentKit
import Foundation
import Report

extension SweepDirectory {
    /// The state of one pair.
    public enum PairState: Equatable, Sendable {
        /// Not computed yet (or in flight).
        case pending
        /// `pairs/<id>.json` exists and holds every metric.
        case done
        /// Its last attempt failed with this message (e.g. one of its cells is not done).
        case failed(String)

        /// Whether a worker should (re)compute the pair: pending or failed.
        public var needsWork: Bool { self != .done }
    }

    /// The state of `pair` on disk.
    public func pairState(_ pair: SweepPair) -> PairState {
        if pairValues(pair) != nil { return .done }
        if let message = try? String(contentsOf: failureURL(pair), encoding: .utf8) { return .failed(message) }
        return .pending
    }

    /// The metric values of a done pair, in the order of the spec's metrics (nil unless `pairs/<id>.json` exists,
    /// parses and holds every metric). Non-finite values are stored as the strings `nan`, `inf`, `-inf`.
    public func pairValues(_ pair: SweepPair) -> [Double]? {
        guard let stage = spec.pairSpec, let data = try? Data(contentsOf: pairURL(pair)),
              let object = (try? ExactJSON.parse(data)) as? [String: Any],
              let metrics = object["metrics"] as? [String: Any] else { return nil }
        var values: [Double] = []
        for m in stage.metrics {
            switch metrics[m.rawValue] {
            case let text as String:
                guard let v = Double(text), !v.isFinite else { return nil }
                values.append(v)
            case let n as NSNumber where !ConfigReader.isBool(n): values.append(n.doubleValue)
            default: return nil
            }
        }
        return values
    }

    /// Compares the two cells of `pair` on the spec's array and writes `pairs/<id>.json` atomically (numbers in
    /// shortest round-trip form); throws a one-line error naming the cell when one of them is not done, lacks the
    /// array, or the shapes differ.
    func computePair(_ pair: SweepPair) throws {
        guard let stage = spec.pairSpec else { throw ConfigError(key: "sweep.pairs", "the spec has no pair stage") }
        let (a, b) = (try pairArray(pair.a, stage.array), try pairArray(pair.b, stage.array))
        guard a.shape == b.shape else {
            throw ConfigError(key: "sweep.pairs.array", "'\(stage.array)' has shape \(a.shape) in cell \(pair.a.id) but \(b.shape) in cell \(pair.b.id) (allowed: an array of one shape in every cell)")
        }
        let (x, y) = (try a.doubles(order: .c), try b.doubles(order: .c))
        var metrics: [String: Any] = [:]
        for m in stage.metrics {
            let v = m(x, y)
            metrics[m.rawValue] = v.isFinite ? v as Any : "\(v)" as Any
        }
        let record: [String: Any] = [
            "array": stage.array, "cells": [pair.a.id, pair.b.id], "seeds": [Int(pair.a.seed), Int(pair.b.seed)],
            "point": pair.point, "metrics": metrics,
        ]
        try FileManager.default.createDirectory(at: pairURL(pair).deletingLastPathComponent(), withIntermediateDirectories: true)
        try AtomicFile.write(CanonicalJSON.text(record) + "\n", to: pairURL(pair))
    }

    /// Array `name` of a done cell's `results.npz`.
    func pairArray(_ cell: SweepCell, _ name: String) throws -> NumpyArray {
        let at = zip(spec.axes, cell.point).map { "\($0.name)=\($0.values[$1].text)" } + ["seed=\(cell.seed)"]
        let where_ = "cell \(cell.id) (\(at.joined(separator: " ")))"
        switch state(cell) {
        case .done: break
        case .pending: throw SweepPairError("\(where_) is not done yet: a pair needs both its cells done")
        case .failed(let m): throw SweepPairError("\(where_) failed, so the pair cannot be compared: \(m.trimmingCharacters(in: .whitespacesAndNewlines))")
        case .diverged(let m): throw SweepPairError("\(where_) diverged, so the pair cannot be compared: \(m.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        let arrays = try NPZ.read(from: cellURL(cell).appendingPathComponent(RunFiles.results))
        guard let found = arrays.first(where: { $0.name == name }) else {
            throw ConfigError(key: "sweep.pairs.array", "'\(name)' is not an array of \(where_) (allowed: \(arrays.map(\.name).joined(separator: ", ")))")
        }
        return found.array
    }
}

/// Why a pair could not be computed (one line).
struct SweepPairError: Error, CustomStringConvertible {
    /// The message.
    let description: String
    init(_ description: String) { self.description = description }
}
