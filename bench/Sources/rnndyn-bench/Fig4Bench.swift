// rnndyn-bench --fig4: times the whole Proca et al. Fig. 4 computation (mode-ODE grid over every panel, plus the
// full-matrix sub-grid), writes the grid as JSON for the NumPy peer (bench/peers/fig4_grid.py) and the final
// (b, ac) of every point as raw float64 [n, 2] for the cross-check in bench/run_fig4.sh.
//
//   rnndyn-bench --fig4 [--preset full|quick] [--grid-json PATH] [--results PATH] [--repeats N]
//
// Prints one JSON line per measurement (same style as the GD-step records): the grid on 1 and on 2 threads
// ("what": "fig4-mode-grid"), and the whole experiment ("what": "fig4-experiment").
import Foundation
import RNNDynamics

func runFig4Bench(arguments: [String]) {
    var preset = Preset.full, gridPath: String?, resultsPath: String?, repeats = 3
    var it = arguments.makeIterator()
    while let a = it.next() {
        switch a {
        case "--fig4": continue
        case "--preset":
            guard let v = it.next(), let p = Preset(rawValue: v) else { fig4Fail("--preset needs quick or full") }
            preset = p
        case "--grid-json": gridPath = it.next()
        case "--results": resultsPath = it.next()
        case "--repeats":
            guard let v = it.next(), let n = Int(v), n >= 1 else { fig4Fail("--repeats needs a positive integer") }
            repeats = n
        default: fig4Fail("unknown --fig4 argument \(a)")
        }
    }
    BLAS.setThreads(1)
    let experiment = ProcaFig4()
    do {
        let grid = try experiment.modeGrid(preset)
        if let gridPath { try fig4GridJSON(grid).write(to: URL(fileURLWithPath: gridPath)) }
        var reference: [ModeDescentGrid.Outcome]?
        for threads in [1, 2] {
            var best = Double.infinity
            for _ in 0..<repeats {
                let t0 = DispatchTime.now().uptimeNanoseconds
                let outcomes = grid.run(threads: threads)
                best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9)
                if let reference, reference != outcomes { fig4Fail("grid results differ between thread counts") }
                reference = outcomes
            }
            fig4Emit(["peer": "rnndyn-swift", "what": "fig4-mode-grid", "preset": preset.rawValue, "threads": threads,
                      "seconds": best, "grid_points": grid.points.count, "steps": grid.steps,
                      "learning_rate": grid.learningRate, "repeats": repeats,
                      "versions": ["rnndyn": RNNDynamicsVersion.string]])
        }
        if let resultsPath, let reference {
            var flat: [Double] = []
            flat.reserveCapacity(2 * reference.count)
            for o in reference { flat.append(o.mode.b); flat.append(o.mode.u) }
            let data = flat.withUnsafeBufferPointer { Data(buffer: $0) }   // little-endian on x86-64 / arm64
            try data.write(to: URL(fileURLWithPath: resultsPath))
        }
        var best: Fig4Timing?
        for _ in 0..<repeats {
            let t = try experiment.timed(preset, threads: 2)
            if best == nil || t.totalSeconds < best!.totalSeconds { best = t }
        }
        let t = best!
        fig4Emit(["peer": "rnndyn-swift", "what": "fig4-experiment", "preset": preset.rawValue, "threads": t.threads,
                  "seconds": t.totalSeconds, "grid_seconds": t.gridSeconds, "simulation_seconds": t.simulationSeconds,
                  "grid_points": t.gridPoints, "steps": t.steps, "learning_rate": t.learningRate, "networks": t.networks,
                  "simulated_modes": t.simulatedModes, "checks_hold": t.checksHold, "repeats": repeats,
                  "versions": ["rnndyn": RNNDynamicsVersion.string]])
    } catch {
        fig4Fail("\(error)")
    }
}

/// The grid as JSON: {"learning_rate", "steps", "points": [{"s": [...], "init": [a, b, c]}]}, numbers written with
/// Swift's shortest round-trip form so the peer reads exactly the same doubles.
func fig4GridJSON(_ grid: ModeDescentGrid) -> Data {
    func num(_ v: Double) -> String { precondition(v.isFinite, "non-finite grid value"); return "\(v)" }
    var out = "{\"learning_rate\": \(num(grid.learningRate)), \"steps\": \(grid.steps), \"points\": [\n"
    for (i, p) in grid.points.enumerated() {
        out += "{\"s\": [" + p.singularValues.map(num).joined(separator: ", ") + "], \"init\": ["
            + [p.initial.a, p.initial.b, p.initial.c].map(num).joined(separator: ", ") + "]}"
        out += i + 1 < grid.points.count ? ",\n" : "\n"
    }
    return Data((out + "]}\n").utf8)
}

func fig4Emit(_ obj: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

func fig4Fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("rnndyn-bench --fig4: \(message)\n".utf8))
    exit(2)
}
