/// What a sweep worker computes: the cells (one experiment run per grid point × seed), then, for a spec with a
/// pair stage, the pairs of cells it compares once every cell is done. Locally each is a round of worker
/// processes; on Slurm each is an array job.
public enum SweepStage: String, Sendable, CaseIterable, Codable {
    /// The grid's cells.
    case cells
    /// The pairs of cells of the spec's pair stage.
    case pairs
}
