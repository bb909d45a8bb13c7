import ArgumentParser
import Foundation
import RNNDynamics

/// `rnndyn ntk`: the exact empirical NTK of a linear RNN from users' own weights and inputs.
struct NTK: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ntk",
        abstract: "The exact empirical NTK of a linear RNN from an .npz of W_x, W_h, W_y and inputs.",
        discussion: """
        The network is h_1 = 0, h_{t+1} = W_h h_t + W_x x_t with readout W_y h_{T+1} (final) or W_y h_{t+1} at every \
        step (autoregressive). FILE holds W_x [N_h, N_x], W_h [N_h, N_h], W_y [N_y, N_h] and inputs [P, T, N_x] \
        (trials, time, inputs), float64 or float32. The kernel is J Jᵀ over the chosen parameter blocks (the closed \
        form of Proca et al., checked against finite differences in the tests).

        Files written (all at once, or nothing):
        \(NTKJob.files.map { "  \($0.name): \($0.doc)" }.joined(separator: "\n"))

        Options:
        \(NTKJob.options.map { "  --\($0.name) \($0.defaultValue)  \($0.help) (\($0.allowed))" }.joined(separator: "\n"))

        Example:
          rnndyn ntk net.npz --readout autoregressive --blocks wh,wy --out out/ntk
        """)

    @Argument(help: "An .npz with W_x, W_h, W_y and inputs.")
    var file: String

    @Argument(parsing: .allUnrecognized, help: "--readout final|autoregressive, --blocks wx,wh,wy (see below).")
    var options: [String] = []

    @Option(name: .long, help: "Output directory.")
    var out: String

    @Flag(name: .long, help: "Replace the files rnndyn wrote in an existing output directory (others are kept).")
    var force = false

    func run() throws {
        let lock: DirectoryLock
        do { lock = try OutputDirectory.check(out, force: force, files: NTKJob.files.map(\.name)) } catch { throw fail(error) }
        defer { lock.release() }
        do {
            let (request, kernel) = try NTKJob.run(file: file, options: options, to: URL(fileURLWithPath: out), force: force)
            printLine("ntk: \(request.network.outputMode.rawValue) readout, blocks \(request.settings.word("blocks")!), "
                      + "\(request.batch.samples) trials × \(request.batch.timeSteps) steps: kernel \(kernel.rows) × \(kernel.cols)")
            printLine("wrote \(out)/" + NTKJob.files.map(\.name).joined(separator: ", "))
        } catch {
            throw fail(error)
        }
    }
}
