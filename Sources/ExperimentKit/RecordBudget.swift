/// The most records an experiment keeps of one recorded run: `steps / record_every` (for its longest `steps` or
/// `*_steps` parameter) may not exceed `perRun`. Checked with the parameters, before any work starts, so a run that
/// would fill the machine's memory with records (figA8 at 10⁸ steps recording every step needs ~16 GB) is refused
/// with exit status 2 instead of aborting hours later; figures plot a few hundred records.
public enum RecordBudget {
    /// Records per recorded run.
    public static let perRun = 1_000_000

    /// Throws a one-line `ConfigError` at `record_every` when the resolved parameters `values` (one experiment's
    /// top level) would keep more than `perRun` records; `key` qualifies a parameter name for the message.
    static func check(_ values: [String: Any], key: (String) -> String) throws {
        guard let every = values["record_every"] as? Int, every > 0,
              let steps = values.filter({ $0.key == "steps" || $0.key.hasSuffix("_steps") }).compactMap({ $0.value as? Int }).max(),
              steps / every > perRun else { return }
        throw ConfigError(key: key("record_every"),
                          "\(every) would keep \(steps / every + 1) records of a \(steps)-step run, more than the \(perRun) rnndyn keeps (allowed: at least \((steps + perRun - 1) / perRun))")
    }
}
