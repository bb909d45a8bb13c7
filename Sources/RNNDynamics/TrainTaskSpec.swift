import ExperimentKit
import Foundation
import Linalg
import Networks
import Tasks
import Training

/// The `model` keys of the task-trained networks (`tanh_rnn`, `leaky_rate_rnn`) beyond `type`, `hidden` and `output`.
public struct RecurrentModelSpec {
    /// PyTorch's second bias b_hh (tanh_rnn).
    public var secondBias: Bool
    /// Learn h_0 (else h_0 = 0).
    public var learnInitialState: Bool
    /// σ of the process noise added to each step's pre-activation (`model.noise.process_std`).
    public var processStd: Double
    /// σ of the noise added to every input entry (`model.noise.input_std`).
    public var inputStd: Double
    /// Euler step α (leaky_rate_rnn).
    public var alpha: Double
    /// Standard or µP scaling (leaky_rate_rnn); nil for tanh_rnn. Its learning rate is the Adam rate.
    public var parameterization: Parameterization?

    /// The noise of a network whose streams hang under `streams`.
    func noise(_ streams: RandomStreams) -> RecurrentNoise {
        processStd == 0 && inputStd == 0 ? .none : RecurrentNoise(processStd: processStd, inputStd: inputStd, streams: streams)
    }

    /// Reads the keys of `m` for `type`; `learningRate` is the Adam rate of a standard leaky network (µP derives its own).
    static func parse(_ m: ConfigReader, type: TrainSpec.ModelType) throws -> (RecurrentModelSpec, muP: (gamma: Double, eta0: Double)?) {
        let learn = try m.bool("learn_h0", default: false)
        let n = try m.object("noise")
        let process = try n.double("process_std", default: 0, in: 0...1e6)
        let input = try n.double("input_std", default: 0, in: 0...1e6)
        guard type == .leakyRateRNN else {
            return (RecurrentModelSpec(secondBias: try m.bool("second_bias", default: true), learnInitialState: learn,
                                       processStd: process, inputStd: input, alpha: 1, parameterization: nil), nil)
        }
        let alpha = try m.double("alpha", default: 0.1, in: 1e-6...1)
        let kind = try m.string("parameterization", default: "standard", allowed: ["standard", "mup"])
        let muP = kind == "mup" ? (gamma: try m.double("gamma", default: 1, in: 1e-6...1e6),
                                   eta0: try m.double("eta0", default: 1e-3, in: 1e-300...1e6)) : nil
        return (RecurrentModelSpec(secondBias: false, learnInitialState: learn, processStd: process, inputStd: input,
                                   alpha: alpha, parameterization: muP.map { .muP(gamma: $0.gamma, eta0: $0.eta0) }), muP)
    }
}

/// `data.type task`: the task's knobs read from the config.
extension NeuroscienceTaskChoice {
    /// Reads task `name`'s knobs from `d` (snake_case, defaults = the task's own) and validates them; a bad knob is a
    /// one-line `ConfigError` at `config.data.<knob>`.
    static func parse(_ name: String, _ d: ConfigReader) throws -> NeuroscienceTaskChoice {
        let big = 1_000_000, real = 1e-300...1e300
        let choice: NeuroscienceTaskChoice
        switch name {
        case "flip_flop":
            let t = FlipFlopTask()
            choice = .flipFlop(FlipFlopTask(
                channels: try d.int("channels", default: t.channels, in: 1...10_000),
                trialLength: try d.int("trial_length", default: t.trialLength, in: 1...big),
                pSwitch: try d.double("p_switch", default: t.pSwitch, in: 0...1),
                forcedFirstPulse: try d.bool("forced_first_pulse", default: t.forcedFirstPulse),
                targetCoding: .init(rawValue: try d.string("target_coding", default: t.targetCoding.rawValue,
                                                           allowed: FlipFlopTask.TargetCoding.allCases.map(\.rawValue)))!,
                maskedTransition: try d.int("masked_transition", default: t.maskedTransition, in: 0...big)))
        case "delayed_discrimination":
            let t = DelayedDiscriminationTask()
            choice = .delayedDiscrimination(DelayedDiscriminationTask(
                channels: try d.int("channels", default: t.channels, in: 1...10_000),
                minimumFrequency: try d.double("frequency_min", default: t.minimumFrequency),
                maximumFrequency: try d.double("frequency_max", default: t.maximumFrequency),
                minimumDelay: try d.int("delay_min", default: t.minimumDelay, in: 0...big),
                maximumDelay: try d.int("delay_max", default: t.maximumDelay, in: 0...big),
                stimulusOnset: try d.int("stimulus_onset", default: t.stimulusOnset, in: 0...big),
                pulseWidth: try d.int("pulse_width", default: t.pulseWidth, in: 1...big),
                responseSteps: try d.int("response_steps", default: t.responseSteps, in: 1...big),
                auxiliaryOutput: try d.bool("auxiliary_output", default: t.auxiliaryOutput),
                scoreResponseOnly: try d.bool("score_response_only", default: t.scoreResponseOnly)))
        case "sine_wave":
            let t = SineWaveTask()
            choice = .sineWave(SineWaveTask(
                channels: try d.int("channels", default: t.channels, in: 1...10_000),
                frequencyCount: try d.int("frequency_count", default: t.frequencyCount, in: 1...big),
                minimumFrequency: try d.double("frequency_min", default: t.minimumFrequency, in: real),
                maximumFrequency: try d.double("frequency_max", default: t.maximumFrequency),
                trialLength: try d.int("trial_length", default: t.trialLength, in: 1...big),
                dt: try d.double("dt", default: t.dt, in: real),
                inputCoding: .init(rawValue: try d.string("input_coding", default: t.inputCoding.rawValue,
                                                          allowed: SineWaveTask.InputCoding.allCases.map(\.rawValue)))!))
        default:
            let t = PathIntegrationTask()
            choice = .pathIntegration(PathIntegrationTask(
                dimension: try d.int("dimension", default: t.dimension, in: 2...3),
                trialLength: try d.int("trial_length", default: t.trialLength, in: 1...big),
                boundary: try d.double("boundary", default: t.boundary, in: real),
                startHalfWidth: try d.double("start_half_width", default: t.startHalfWidth, in: 0...1e300),
                maximumSpeed: try d.double("max_speed", default: t.maximumSpeed, in: real),
                boundaryRule: .init(rawValue: try d.string("boundary_rule", default: t.boundaryRule.rawValue,
                                                           allowed: PathIntegrationTask.Boundary.allCases.map(\.rawValue)))!,
                angleCoding: .init(rawValue: try d.string("angle_coding", default: t.angleCoding.rawValue,
                                                          allowed: PathIntegrationTask.AngleCoding.allCases.map(\.rawValue)))!))
        }
        do { try choice.task.validate() } catch let e as TaskError { throw configError(e, prefix: d.path) }
        return choice
    }

    /// A task's one-line "<task> <knob> = <value>; allowed: …" as a `ConfigError` at `<prefix>.<knob>`.
    static func configError(_ e: TaskError, prefix: String) -> ConfigError {
        if case let .invalidParameter(message) = e {
            let parts = message.split(separator: " ", maxSplits: 2)
            if parts.count == 3, parts[2].hasPrefix("= ") { return ConfigError(key: "\(prefix).\(parts[1])", String(parts[2].dropFirst(2))) }
        }
        return ConfigError(key: prefix, e.description)
    }
}

/// One entry of `training.penalties`: `{"type": "nuclear" | "l1" | "l2", "block": "Wh", "strength": 1e-3}`.
public struct PenaltySpec {
    /// The config names of `type`.
    public static let types = ["nuclear", "l1", "l2"]
    /// nuclear, l1 or l2.
    public var type: String
    /// The penalised block (a name of the model's `parameterNames`).
    public var block: String
    /// λ.
    public var strength: Double

    /// Reads one entry; `blocks` are the model's parameter names.
    static func parse(_ p: ConfigReader, blocks: [String]) throws -> PenaltySpec {
        PenaltySpec(type: try p.string("type", allowed: types), block: try p.string("block", allowed: blocks),
                    strength: try p.double("strength", in: 0...1e6))
    }

    /// The regularizer on block `block` of `M`.
    func regularizer<M: DifferentiableModel>(for model: M.Type) -> any Regularizer {
        switch type {
        case "nuclear": NuclearNormPenalty(strength: strength, blockNames: [block], of: model)
        case "l1": L1Penalty(strength: strength, blockNames: [block], of: model)
        default: L2Penalty(strength: strength, blockNames: [block], of: model)
        }
    }
}

extension TrainSpec.ModelType {
    /// True for the task-trained networks (`tanh_rnn`, `leaky_rate_rnn`).
    public var isTaskNetwork: Bool { self == .tanhRNN || self == .leakyRateRNN }

    /// The model's parameter block names (for `training.penalties`).
    public var parameterNames: [String] {
        switch self {
        case .linearRNN: LinearRNN.parameterNames
        case .deepLinear: DeepLinearNetwork.parameterNames
        case .tanhRNN: TanhRNN.parameterNames
        case .leakyRateRNN: LeakyRateRNN.parameterNames
        }
    }
}
