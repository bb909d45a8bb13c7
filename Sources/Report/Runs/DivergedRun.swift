import DataIO
import ExperimentKit
import Foundation

/// The directory of an experiment run that diverged: `diverged.npz` (the last good state), `DATA.md` describing it,
/// and, last, `config.json` with the `stop` object and `complete: false`. Without the completion marker the directory
/// is an incomplete run (`RunDirectoryState.incomplete`), so `rnndyn run` replaces it without `--force` and
/// `rnndyn reproduce` recomputes it.
public enum DivergedRun {
    /// The file of the last good state.
    public static let state = "diverged.npz"

    /// Writes the diverged run of `divergence` (described by `record`, whose marker stays false) to `directory`,
    /// atomically; an existing non-empty directory is an error unless `replace`.
    public static func write(_ divergence: ExperimentDivergence, record: RunRecord, to directory: URL, replace: Bool) throws {
        var record = record
        record.complete = false
        record.stop = divergence.stopRecord
        let arrays = try ExperimentOutput.documentedArrays(divergence.lastGoodState)
        let config = try record.jsonData()
        try StagedDirectory.withStaging(final: directory, replace: replace) { stage in
            try stage.write(try NPZ.encode(arrays.map { ($0.name, $0.array) }), to: state)
            try stage.write(Data(markdown(divergence, arrays: arrays).utf8), to: RunFiles.dataDoc)
            try stage.write(config, to: RunFiles.config)
        }
    }

    /// The `DATA.md` of a diverged run.
    static func markdown(_ d: ExperimentDivergence, arrays: [RunArray]) -> String {
        var s = "# `\(d.experiment)` diverged\n\n\(d.process) diverged at step \(d.step) on \(d.stage) (\(d.diagnostic)). "
        s += "Lower `\(d.key)` (now \(d.value)) and run again; this directory is not a complete run and is replaced by the next one.\n\n"
        s += "## `\(state)`\n\nThe last good state (step \(d.lastGoodStep)), float64 arrays in C order (`np.load(\"\(state)\")[key]`):\n\n"
        s += "| key | shape | contents |\n|---|---|---|\n"
        for a in arrays {
            s += "| `\(a.name)` | \(a.array.shape.map(String.init).joined(separator: " × ")) | \(RunDocumentation.cell(a.doc)) |\n"
        }
        s += "\n## Other files\n\n| file | contents |\n|---|---|\n"
        s += "| `\(RunFiles.config)` | the run's record as in a complete run (parameters, seed, preset, provenance), with `complete: false` and `stop` (`reason` diverged, `step`, `diagnostic`, `kept_state_from_step`, `stage`, `process`, `parameter`, `value`) |\n"
        return s
    }
}
