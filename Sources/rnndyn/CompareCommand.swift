import ArgumentParser
import Foundation
import RNNDynamics

/// `rnndyn compare`: distances between users' own networks (trajectories or weights from `.npz`/`.npy`), their MDS
/// embedding and figures.
struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Distances between every pair of your networks (dynamics or weights from .npz/.npy), with MDS and figures.",
        discussion: """
        rnndyn compare METRIC FILES… --out DIR [metric options]

        Each FILE is an .npz or .npy file, or an rnndyn train run directory (its results.npz). Arrays are float64 \
        (float32 is widened exactly; other dtypes are refused) and finite.
          dynamics metrics: one network's states [trials, time, units] under --key (default: hidden, then \
        probe_hidden, then the file's only array), or a stack [networks, trials, time, units]. --layout \
        time-trials-units reads [time, trials, units] instead; the default auto does so for probe_* keys, the \
        [T, B, N] arrays rnndyn train writes, so a train run directory feeds dsa as it is.
          weight metrics: one square recurrent matrix [n, n] under --key (default: W_h, then Wh, then J — rnndyn \
        train's tanh/linear and leaky networks — then the only array), or a stack [networks, n, n]. pif \
        --blocks all_unit_indexed also permutes the unit-indexed blocks beside it: Wx/W_x, b, bhh/b_hh, h0 (rows) \
        and Wy/W_y (columns), or U, h0 and W beside J.
        At least 2 networks are needed. Labels are the file names (run directories: the folder name; stacks add \
        [k]) unless --labels a,b,… names them.

        Metrics and their options (defaults shown):
        \(PairwiseMetrics.help)

        Outputs in --out (keys also in DIR/DATA.md):
        \(CompareOutput.files.map { "  \($0.name): \($0.doc)" }.joined(separator: "\n"))

        Pair (i, j) draws its random starts from stream compare.<metric>.pair-i-j of --seed, so the same seed gives \
        bit-identical distances, MDS, CSV and figures for any --threads (compare.json also records the thread \
        count and wall time). Bad input exits with status 2 and one line naming the file, key or option and the \
        allowed values; nothing is written. --force replaces only the files rnndyn wrote in --out.

        Examples:
          rnndyn compare dsa a.npz b.npz c.npz --out out/cmp
          rnndyn compare dsa stack.npz --key hidden --n-delays 10 --rank 30 --seed 1 --out out/cmp
          rnndyn compare dsa out/run1 out/run2 --score wasserstein --out out/cmp-w
          rnndyn compare pif out/run1 out/run2 out/run3 --blocks all_unit_indexed --out out/pif
        """)

    @Argument(help: "The metric: \(PairwiseMetrics.all.map(\.name).joined(separator: " | ")).")
    var metric: String

    @Argument(parsing: .allUnrecognized, help: "FILES… and the metric's options (see below).")
    var arguments: [String] = []

    @Option(name: .long, help: "Output directory.")
    var out: String

    @Option(name: .long, help: "Array key in every .npz file (default: see below).")
    var key: String?

    @Option(name: .long, help: "Axis order of trajectory arrays: auto | trials-time-units | time-trials-units.")
    var layout: String = "auto"

    @Option(name: .long, help: "Comma-separated names of the networks, in order (default: file names).")
    var labels: String?

    @Option(name: .long, help: "MDS axes k (1 … the number of networks).")
    var mdsDimensions: Int = 2

    @Option(name: .long, parsing: .unconditional, help: "Root seed of the metric's random starts (default 0).", transform: SeedOption.parse)
    var seed: UInt64 = 0

    @Flag(name: .long, help: "Replace the files rnndyn wrote in an existing output directory (others are kept).")
    var force = false

    @OptionGroup var threadOptions: ThreadOptions

    func run() throws {
        let request: CompareRequest, lock: DirectoryLock
        do {
            request = try CompareJob.request(metric: metric, arguments: arguments, key: key, layout: layout, labels: labels, seed: seed,
                                             threads: try threadOptions.count(), mdsDimensions: mdsDimensions)
            lock = try OutputDirectory.check(out, force: force, files: CompareOutput.written)
        } catch {
            throw fail(error)
        }
        defer { lock.release() }
        let kept = force ? OutputLocation.keptNote(URL(fileURLWithPath: out)) : nil
        let bar = ProgressBar(total: 1, label: "compare \(request.metric.name)")
        let outcome: CompareOutcome
        do {
            outcome = try CompareJob.run(request) { bar.update(fraction: $0) }
            bar.finish()
            try CompareOutput.write(outcome, to: URL(fileURLWithPath: out), force: force)
        } catch {
            bar.finish()
            throw fail(error)
        }
        for line in CompareJob.summary(outcome) { printLine(line) }
        if let kept { printLine(kept) }
        printLine("wrote \(out)/" + CompareOutput.written.joined(separator: ", "))
    }
}
