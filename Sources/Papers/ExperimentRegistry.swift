import ExperimentKit
import Proca2025

/// Every registered experiment, in paper-figure order; ids are unique.
public enum ExperimentRegistry {
    /// All experiments.
    public static let all: [any Experiment] = [
        ProcaFig2(),
        ProcaFig3(),
        ProcaFig4(),
        ProcaFig5(),
        ProcaFig6(),
        ProcaExtrapolation(),
        ProcaFigA1(),
        ProcaFigA2(),
        ProcaFigA3(),
        ProcaFigA4(),
        ProcaFigA5(),
        ProcaFigA6(),
        ProcaFigA7(),
        ProcaFigA8(),
        ProcaFigA9(),
        ProcaFigA10(),
        ProcaFigA11(),
    ]

    /// The experiment with `id`, if registered.
    public static func experiment(_ id: String) -> (any Experiment)? { all.first { $0.id == id } }

    /// The experiment called `name`: its full id (`proca2025.figA1`) or, as `reproduce --only` accepts, its id
    /// without the paper prefix (`figA1`) when exactly one paper has it.
    public static func resolve(_ name: String) -> (any Experiment)? {
        if let e = experiment(name) { return e }
        let matches = all.filter { $0.id.hasSuffix("." + name) && $0.id.dropLast(name.count + 1) == Paper.of($0.id) }
        return matches.count == 1 ? matches[0] : nil
    }

    /// Experiments whose id starts with `prefix` (e.g. `proca2025.`).
    public static func experiments(prefix: String) -> [any Experiment] { all.filter { $0.id.hasPrefix(prefix) } }
}

extension Paper {
    /// Every paper with a registered experiment, in registry order.
    public static var all: [String] {
        var out: [String] = []
        for e in ExperimentRegistry.all where !out.contains(of(e.id)) { out.append(of(e.id)) }
        return out
    }
}
