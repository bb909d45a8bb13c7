import Analysis
import DataIO
import Foundation

/// Behavioural degeneracy of the compared networks when every input is one `rnndyn train` task run: each network's
/// OOD loss (`ood_mse`), whether it converged (`eval_mse` ≤ `loss_threshold`, the run's own record) and σ_OOD, the
/// population standard deviation of the OOD loss over the converged networks (arXiv 2410.03972 §1.3).
public struct CompareBehaviour: Sendable, Equatable {
    /// OOD MSE per network, in input order.
    public let oodLosses: [Double]
    /// Whether each network reached its training threshold.
    public let converged: [Bool]
    /// σ_OOD and the mean OOD loss over the converged networks; nil when none converged.
    public let spread: BehaviouralSpread?

    /// The behaviour of `inputs`, or nil unless each is a whole file holding the scalars `ood_mse`, `eval_mse` and
    /// `loss_threshold` (what `rnndyn train` writes for a task with an OOD variant); `load` gives a file's arrays (from
    /// disk, or from memory for the library).
    static func read(_ inputs: [CompareInput],
                     arrays load: (String) throws -> [(name: String, array: NumpyArray)] = { try CompareInputReader.load($0).1 }) throws
        -> CompareBehaviour? {
        var losses: [Double] = [], converged: [Bool] = []
        for input in inputs {
            guard input.stackIndex == nil, !input.file.hasSuffix(".npy") else { return nil }
            let arrays = try load(input.file)
            func scalar(_ key: String) -> Double? {
                guard let a = arrays.first(where: { $0.name == key })?.array, a.shape.isEmpty,
                      let v = try? a.asDoubles().first, v.isFinite else { return nil }
                return v
            }
            guard let ood = scalar("ood_mse"), let eval = scalar("eval_mse"), let threshold = scalar("loss_threshold") else { return nil }
            losses.append(ood)
            converged.append(eval <= threshold)
        }
        let spread = converged.contains(true) ? try BehaviouralSpread(losses: losses, converged: converged) : nil
        return CompareBehaviour(oodLosses: losses, converged: converged, spread: spread)
    }

    /// The `compare.json` entry.
    var json: [String: Any] {
        var record: [String: Any] = ["ood_mse": oodLosses, "converged": converged, "converged_count": converged.filter { $0 }.count,
                                     "definition": "sigma_ood: population standard deviation of ood_mse over the converged networks "
                                        + "(eval_mse <= loss_threshold)"]
        if let spread { record["sigma_ood"] = spread.standardDeviation; record["mean_ood_mse"] = spread.mean }
        return record
    }

    /// One line for the terminal.
    var line: String {
        guard let spread else { return "behaviour: none of the \(converged.count) networks reached its training threshold; σ_OOD undefined" }
        return String(format: "behaviour: σ_OOD %.6g, mean OOD MSE %.6g over the %d of %d networks that reached their threshold",
                      spread.standardDeviation, spread.mean, spread.count, converged.count)
    }
}
