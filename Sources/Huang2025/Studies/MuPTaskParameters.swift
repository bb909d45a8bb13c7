import ExperimentKit
import Tasks

/// The task and µP network of the learning-regime (Fig. 6) and width (Fig. 7) studies, declared once: one of the four
/// tasks at a complexity level (3-bit flip-flop by default, the task of the paper's dense width sweep in Appendix I),
/// its trial length and threshold, and the µP leaky rate RNN's α and η0 (Adam rate γ·η0).
enum MuPTaskParameters {
    static let task = Parameter.string("task", "flip_flop", allowed: ["flip_flop", "delayed_discrimination", "sine_wave", "path_integration"],
                                       doc: "the task every network learns")
    static let complexity = Parameter.int("complexity", 3, in: 1...64,
                                          doc: "channels (flip-flop bits, discrimination or sine channels) or path-integration dimension (2 or 3)")
    static let trialLength = Parameter.int("trial_length", 30, full: 100, in: 2...100_000, unit: "steps",
                                           doc: "T (flip-flop, sine, path integration); delayed discrimination uses longest delay T − 17")
    static let threshold = Parameter.double("threshold", 0.005, full: 0, in: 0...100,
                                            doc: "train-MSE threshold (0: the task's paper threshold)")
    static let alpha = Parameter.double("alpha", 0.5, full: 0.1, in: 1e-6...1,
                                        doc: "µP leak α = dt/τ (full: the paper's time constant 0.1; quick: 0.5, so 30-step trials suffice)")
    static let eta0 = Parameter.double("eta0", 0.05, in: 1e-8...10,
                                       doc: "µP base Adam rate η0 (rate γ·η0; 0.05: 24-unit networks learn 3-bit flip-flop to 1e-4 in 4000 steps at γ 0.5–2)")

    /// The declarations.
    static let all: [ParameterDeclaration] = [.init(task), .init(complexity), .init(trialLength), .init(threshold), .init(alpha), .init(eta0)]

    /// The task read from the parameters, with the threshold in use and the paper's.
    static func read(_ p: ConfigReader) throws -> (task: NeuroscienceTaskChoice, threshold: Double, alpha: Double, eta0: Double) {
        let key = try p.read(Self.task), level = try p.read(complexity), t = try p.read(trialLength)
        let base: NeuroscienceTaskChoice
        switch key {
        case "flip_flop": base = .flipFlop(FlipFlopTask(trialLength: t))
        case "delayed_discrimination":
            guard t >= 22 else { throw ConfigError(key: "\(p.path).\(trialLength.key)", "\(t) is too short for delayed discrimination (allowed: ≥ 22)") }
            base = .delayedDiscrimination(DelayedDiscriminationTask(maximumDelay: t - 17))
        case "sine_wave": base = .sineWave(SineWaveTask(trialLength: t))
        default:
            guard (2...3).contains(level) else { throw ConfigError(key: "\(p.path).\(complexity.key)", "\(level) is not a path-integration dimension (allowed: 2, 3)") }
            base = .pathIntegration(PathIntegrationTask(trialLength: t))
        }
        let task = base.withComplexity(level), chosen = try p.read(threshold)
        return (task, chosen > 0 ? chosen : task.task.lossThreshold, try p.read(alpha), try p.read(eta0))
    }
}
