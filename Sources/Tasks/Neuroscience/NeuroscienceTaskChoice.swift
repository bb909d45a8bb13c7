/// One of the four neuroscience tasks with its knobs, as a value: what `rnndyn train`'s `data.task` chooses and
/// what a degeneracy study trains its networks on.
public enum NeuroscienceTaskChoice: Sendable, Equatable {
    case flipFlop(FlipFlopTask)
    case delayedDiscrimination(DelayedDiscriminationTask)
    case sineWave(SineWaveTask)
    case pathIntegration(PathIntegrationTask)

    /// The snake_case keys, in case order (config names, dataset key prefixes, stream-node names).
    public static let names = ["flip_flop", "delayed_discrimination", "sine_wave", "path_integration"]

    /// The task.
    public var task: any NeuroscienceTask {
        switch self {
        case let .flipFlop(t): t
        case let .delayedDiscrimination(t): t
        case let .sineWave(t): t
        case let .pathIntegration(t): t
        }
    }

    /// The snake_case key of the task (`flip_flop`, …).
    public var key: String {
        switch self {
        case .flipFlop: Self.names[0]
        case .delayedDiscrimination: Self.names[1]
        case .sineWave: Self.names[2]
        case .pathIntegration: Self.names[3]
        }
    }

    /// The task's complexity knob: channels N for flip-flop, discrimination and sine, the dimension D for path
    /// integration.
    public var complexityName: String {
        if case .pathIntegration = self { return "dimension" }
        return "channels"
    }

    /// The same task with its complexity knob at `level` (channels, or the path-integration dimension).
    public func withComplexity(_ level: Int) -> NeuroscienceTaskChoice {
        switch self {
        case var .flipFlop(t): t.channels = level; return .flipFlop(t)
        case var .delayedDiscrimination(t): t.channels = level; return .delayedDiscrimination(t)
        case var .sineWave(t): t.channels = level; return .sineWave(t)
        case var .pathIntegration(t): t.dimension = level; return .pathIntegration(t)
        }
    }
}
