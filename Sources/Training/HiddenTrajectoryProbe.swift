import Networks

extension Probe where Model: HiddenTrajectoryModel {
    /// The noise-free hidden trajectories on `probe` at each recorded step, flattened column-major from the
    /// `N × T·P` matrix of `HiddenTrajectories` (states, or rates φ(h) when `rates` is true): N·T·P numbers per
    /// snapshot, so the run must record N, T and P alongside to reshape them. One forward and backward pass each.
    public static func hiddenTrajectories(on probe: SequenceBatch, rates: Bool = false,
                                          name: String = "hidden_trajectories") -> Probe {
        Probe(name) { model in
            let h = model.hiddenTrajectories(probe)
            return rates ? h.rates.storage : h.states.storage
        }
    }
}
