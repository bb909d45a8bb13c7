import Foundation
import Report

/// Memory and time a `rnndyn train` run needs, estimated from its sizes before anything is allocated, so that a
/// config too large for the machine is refused with the estimate (exit 2) instead of dying in the allocator.
///
/// Memory counts 8-byte doubles: the data (inputs T·N_x·P, targets), the parameters with the model copy, gradients,
/// last good state and optimizer state (Adam: two more), the activations of one gradient evaluation (hidden
/// states and their back-propagated errors over T steps for the batch; for population gradients the
/// moment workspaces), the records (a copy of every parameter and the probes per record, copied twice more when
/// written), and the per-step loss history (`loss`, `step`, `loss.csv` and the loss curve, about
/// `bytesPerStep` a step), plus `baseBytes` for the program. Time is the floating-point work of the steps at an
/// assumed `assumedFlopsPerSecond` plus `secondsPerStep` a step; a long run gets a note, never a refusal
/// (`training.stop.wall_time_seconds` bounds a run).
public struct TrainResources: Equatable {
    /// Estimated peak memory in bytes.
    public var bytes: Double
    /// Estimated floating-point operations of all steps.
    public var flops: Double
    /// The step budget.
    public var steps: Int

    /// Bytes of the per-step loss history per step: the loss in memory, `loss`/`step` arrays and their npz
    /// encoding, a `loss.csv` line and the figure's loss-curve point.
    /// (Measured: 175 bytes a step over 10⁷ steps of a tiny network, debug build.)
    public static let bytesPerStep = 200.0
    /// Memory of the program itself.
    public static let baseBytes = 64.0 * 1_048_576
    /// The assumed sustained rate of one core on these small dense kernels.
    public static let assumedFlopsPerSecond = 2e9
    /// The assumed cost of a step besides its arithmetic (loss bookkeeping, stopping rules, a tiny network's
    /// overheads; measured: 34 µs in a debug build, a few µs in a release build).
    public static let secondsPerStep = 1e-5
    /// Runs estimated to take longer than this get a note.
    public static let longRunSeconds = 3600.0

    /// The estimate for `spec` on data of `timeSteps` T, `inputs` N_x, `outputs` N_y and `samples` P (0: exact
    /// population gradients), with `perStepTargets` when targets have a value per time step.
    public init(_ spec: TrainSpec, timeSteps T: Int, inputs nx: Int, outputs ny: Int, samples P: Int, perStepTargets: Bool = false) {
        let (t, x, y, h) = (Double(T), Double(nx), Double(ny), Double(spec.hidden))
        let rnn = spec.model == .linearRNN
        let parameters = h * x + h * y + (rnn ? h * h : 0)
        let copies = 4.0 + (spec.optimizer == .adam ? 2 : 0)
        let targetSteps = perStepTargets ? t : 1
        var doubles = parameters * copies
        let batch: Double, stepFlops: Double
        if P == 0 && rnn {
            batch = 0
            doubles += 3 * h * t * x + 6 * h * h + 2 * h * x + 2 * y * t * x + (t * x) * (t * x)
            stepFlops = 4 * t * h * h * x + 4 * t * y * h * x
        } else {
            let p = Double(P == 0 ? 2 * nx + 1 : P)
            batch = spec.batchSize == 0 ? p : Double(spec.batchSize)
            doubles += p * (t * x + targetSteps * y)
            doubles += batch * (2 * (t + 1) * h + 2 * targetSteps * y + (spec.batchSize == 0 ? 0 : t * x))
            stepFlops = 6 * batch * t * (h * x + (rnn ? h * h : 0)) + 6 * batch * targetSteps * y * h
        }
        let records = Double(min(spec.recordPoints, spec.steps + 1) + 1)
        let probes = rnn ? 2 * h + 3 * min(x, h, y) : 0
        doubles += 3 * records * (parameters + probes) + (rnn ? 4 * h * h : 0)
        bytes = 8 * doubles + Self.bytesPerStep * Double(spec.steps + 1) + Self.baseBytes
        flops = Double(spec.steps) * stepFlops
        steps = spec.steps
    }

    /// The estimate for a task-trained network (`tanh_rnn`, `leaky_rate_rnn`) on batches of `batch` trials of `T`
    /// steps, with a final evaluation over `evaluationColumns` (trials × steps, the OOD trials included): parameters
    /// and their copies as above; per batch column the states and adjoints (2N, 4N for the leaky network), noise (N +
    /// N_x), inputs, targets and weights, twice (the trial generator's arrays and the batch); the evaluation's
    /// columns the same; 6·B·T·(N·N_x + N² + N_y·N) flops a step.
    public init(taskNetwork spec: TrainSpec, timeSteps T: Int, inputs nx: Int, outputs ny: Int, batch B: Int,
                evaluationColumns E: Int) {
        let (x, y, h) = (Double(nx), Double(ny), Double(spec.hidden))
        let parameters = h * x + h * h + 3 * h + y * h + y
        let copies = 4.0 + (spec.optimizer == .adam ? 2 : 0)
        let perColumn = (spec.model == .leakyRateRNN ? 4 : 2) * h + h + x + 2 * (x + 3 * y)
        let records = Double(min(spec.recordPoints, spec.steps + 1) + 1)
        let doubles = parameters * copies + Double(B * T) * perColumn + Double(E) * perColumn + 3 * records * parameters
        bytes = 8 * doubles + Self.bytesPerStep * Double(spec.steps + 1) + Self.baseBytes
        flops = Double(spec.steps) * 6 * Double(B * T) * (h * x + h * h + y * h)
        steps = spec.steps
    }

    /// The estimate for `spec` before its data exist (sv_task: sizes from the config), or nil for npz data,
    /// whose sizes are known once the file is read.
    public init?(_ spec: TrainSpec) {
        guard case let .singularValueTask(s, nx, ny, samples) = spec.data else { return nil }
        self.init(spec, timeSteps: s[0].count, inputs: nx, outputs: ny, samples: samples)
    }

    /// Estimated seconds: the work at `assumedFlopsPerSecond` plus `secondsPerStep` a step.
    public var seconds: Double { flops / Self.assumedFlopsPerSecond + Double(steps) * Self.secondsPerStep }

    /// Throws a one-line `ConfigError` when the estimate exceeds `available` bytes (default: the memory the system
    /// has available now).
    public func requireMemory(available: Double = SystemMemory.availableBytes()) throws {
        guard bytes > available else { return }
        throw ConfigError(key: "config", "the run needs about \(Self.gib(bytes)) of memory but \(Self.gib(available)) is available (allowed: smaller model.hidden, data.samples, training.batch_size, training.steps or training.record_points)")
    }

    /// A note for runs estimated to take longer than `longRunSeconds`, else nil.
    public var timeNote: String? {
        guard seconds > Self.longRunSeconds else { return nil }
        return "note: this run is estimated to take about \(HTMLText.duration(seconds)) (\(String(format: "%.2g", flops)) floating-point operations at an assumed \(String(format: "%.0g", Self.assumedFlopsPerSecond)) per second); training.stop.wall_time_seconds bounds it"
    }

    /// `bytes` in GiB: whole GiB from 10 on ("15073 GiB"), else two significant digits ("2.5 GiB", "0.031 GiB").
    static func gib(_ bytes: Double) -> String {
        let g = bytes / 1_073_741_824
        return String(format: g >= 10 ? "%.0f GiB" : "%.2g GiB", g)
    }
}

/// The memory the system can give a new process.
public enum SystemMemory {
    /// `MemAvailable` of `/proc/meminfo` (Linux), or the physical memory where that cannot be read.
    public static func availableBytes() -> Double {
        if let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
           let line = text.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }),
           let kib = line.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) {
            return kib * 1024
        }
        return Double(ProcessInfo.processInfo.physicalMemory)
    }
}
