import ExperimentKit
import Bordelon2025
import Huang2025
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
        BordelonR1(),
        BordelonR2(),
        BordelonR3(),
        BordelonR4(),
        BordelonR5(),
        BordelonR6(),
        BordelonR7(),
        BordelonR8(),
        BordelonR9(),
        BordelonFeedforwardLimits(),
        HuangFig3(),
        HuangFig4(),
        HuangFig6(),
        HuangFig7(),
        HuangFig8(),
    ]

    /// The experiment with `id`, if registered.
    public static func experiment(_ id: String) -> (any Experiment)? { all.first { $0.id == id } }

    /// Experiments whose id starts with `prefix` (e.g. `proca2025.`).
    public static func experiments(prefix: String) -> [any Experiment] { all.filter { $0.id.hasPrefix(prefix) } }

    /// Titles and citations of the registered papers (a paper missing here is named by its figures' source).
    public static let descriptions: [PaperDescription] = [
        ProcaPaper.description,
        Bordelon2025.paper,
        Huang2025.paper,
    ]

    /// The experiment `name` names: its full id (`proca2025.fig5`) or its id without the paper prefix (`fig5`),
    /// looked up among `paper`'s experiments, or among all when `paper` is nil (then a short id must belong to one
    /// paper only). Otherwise a one-line `ConfigError` at `key` listing the allowed ids.
    public static func resolve(_ name: String, key: String, paper: String? = nil) throws -> any Experiment {
        try resolve(name, key: key, among: paper.map { [$0] })
    }

    /// `resolve(_:key:paper:)` among the experiments of `papers` (all when nil): the allowed ids are listed short
    /// for one paper, in full otherwise.
    public static func resolve(_ name: String, key: String, among papers: [String]?) throws -> any Experiment {
        let pool = papers.map { chosen in all.filter { chosen.contains(Paper.of($0.id)) } } ?? all
        func short(_ e: any Experiment) -> Substring { e.id.dropFirst(Paper.of(e.id).count + 1) }
        if let exact = pool.first(where: { $0.id == name }) { return exact }
        let matches = pool.filter { short($0) == name }
        if matches.count == 1 { return matches[0] }
        if matches.count > 1 {
            throw ConfigError(key: key, "'\(name)' is ambiguous (allowed: one of \(matches.map(\.id).joined(separator: ", ")))")
        }
        let allowed = papers?.count == 1 ? pool.map { String(short($0)) } : pool.map(\.id)
        let scope = papers.map { " of \($0.joined(separator: ", "))" } ?? ""
        throw ConfigError(key: key, "'\(name)' is not an experiment\(scope) (allowed: \(allowed.joined(separator: ", ")))")
    }
}

extension Paper {
    /// Every paper with a registered experiment, in registry order.
    public static var all: [String] {
        var out: [String] = []
        for e in ExperimentRegistry.all where !out.contains(of(e.id)) { out.append(of(e.id)) }
        return out
    }

    /// The registered description of `paper`, else one naming it by its figures' source (`Huang et al. 2025`).
    public static func description(_ paper: String) -> PaperDescription {
        if let known = ExperimentRegistry.descriptions.first(where: { $0.id == paper }) { return known }
        let figure = ExperimentRegistry.experiments(prefix: paper + ".").first?.paperFigure ?? paper
        let source = figure.range(of: ", ").map { String(figure[..<$0.lowerBound]) } ?? figure
        return PaperDescription(id: paper, title: source, citation: "")
    }
}
