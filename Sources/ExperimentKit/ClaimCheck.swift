/// What a claim check tests: a claim of the paper, or rnndyn's own consistency (its theory against its simulation,
/// or the quality of its training runs), which the paper does not state.
public enum ClaimKind: String, Sendable, Codable, CaseIterable {
    /// A claim the paper makes.
    case paper
    /// An internal check of rnndyn: theory vs simulation, or every run finished.
    case selfConsistency = "self-consistency"
}

/// The verdict of a claim check.
public enum ClaimOutcome: String, Sendable, Codable {
    /// The data support the claim.
    case holds
    /// The data do not support the claim: rnndyn (or its settings) is wrong; `reproduce` exits with status 4.
    case fails
    /// The data do not support a claim of the paper that rnndyn declares it does not reproduce (with the reason): a
    /// finding reported beside the others, not a failure of rnndyn.
    case doesNotReproduce = "does not reproduce"
}

/// A programmatic check of one claim, with the numbers that decide it.
///
/// `holds` is always computed from the run's data. A paper claim that rnndyn's data are known not to reproduce
/// carries `knownNonReproduction` (why): when it does not hold it is reported as "does not reproduce" instead of
/// failing; when the data come to support it, it holds and its report says the declaration is out of date, so the
/// declaration can never hide a change in either direction.
public struct ClaimCheck: Sendable, Equatable, Codable {
    /// The claim in words.
    public var claim: String
    /// Whether the run's data support it.
    public var holds: Bool
    /// The deciding numbers, e.g. "loss at T' = 100 is 3e-9 vs 0.41 for mean".
    public var evidence: String
    /// A claim of the paper, or a self-consistency check of rnndyn.
    public var kind: ClaimKind
    /// Why rnndyn's data are known not to reproduce this claim of the paper (nil: they are expected to).
    public var knownNonReproduction: String?
    /// True when the declaration is only that the run is below the paper's scale (fewer seeds, narrower networks,
    /// looser thresholds): the claim is measured and reported but cannot confirm or contradict the paper.
    public var belowPaperScale: Bool?

    /// A check.
    public init(claim: String, holds: Bool, evidence: String, kind: ClaimKind = .paper, knownNonReproduction: String? = nil,
                belowPaperScale: Bool? = nil) {
        self.claim = claim; self.holds = holds; self.evidence = evidence
        self.kind = kind; self.knownNonReproduction = knownNonReproduction; self.belowPaperScale = belowPaperScale
    }

    /// The verdict: holds, fails, or (for a declared non-reproduction that the data confirm) does not reproduce.
    public var outcome: ClaimOutcome {
        if holds { return .holds }
        return knownNonReproduction == nil ? .fails : .doesNotReproduce
    }

    /// True when the check fails (and `run` / `reproduce` exit with status 4).
    public var fails: Bool { outcome == .fails }

    /// The verdict in words: "holds", "FAILS", "does not reproduce (paper claim)", or "holds — now reproduces" for a
    /// declared non-reproduction that the data no longer confirm; below the paper's scale "holds at this scale" and
    /// "not reproduced at this scale (paper claim)".
    public var verdictText: String {
        let scaled = belowPaperScale == true
        switch outcome {
        case .holds: return knownNonReproduction == nil ? "holds" : scaled ? "holds at this scale (below the paper's)" : "holds — now reproduces (declared not to)"
        case .fails: return "FAILS"
        case .doesNotReproduce: return scaled ? "not reproduced at this scale (paper claim)" : "does not reproduce (paper claim)"
        }
    }
}

/// Counts of a set of checks by kind and verdict, and their one-line summary.
public struct ClaimTally: Sendable, Equatable {
    /// Paper claims: holding, failing, not reproduced (declared), total.
    public var paperHolding = 0, paperFailing = 0, paperNotReproduced = 0, paperTotal = 0
    /// Self-consistency checks: holding, failing, total.
    public var selfHolding = 0, selfFailing = 0, selfTotal = 0

    /// The tally of `checks`.
    public init(_ checks: [ClaimCheck]) {
        for c in checks {
            switch c.kind {
            case .paper:
                paperTotal += 1
                switch c.outcome {
                case .holds: paperHolding += 1
                case .fails: paperFailing += 1
                case .doesNotReproduce: paperNotReproduced += 1
                }
            case .selfConsistency:
                selfTotal += 1
                if c.holds { selfHolding += 1 } else { selfFailing += 1 }
            }
        }
    }

    /// Checks that fail (a reason for exit status 4).
    public var failing: Int { paperFailing + selfFailing }
    /// All checks.
    public var total: Int { paperTotal + selfTotal }

    /// "paper claims 3/4 hold, 1 does not reproduce; self-consistency 1/1 hold" (parts with no checks left out).
    public var summary: String {
        var parts: [String] = []
        if paperTotal > 0 {
            var p = "paper claims \(paperHolding)/\(paperTotal) hold"
            if paperNotReproduced > 0 { p += ", \(paperNotReproduced) \(paperNotReproduced == 1 ? "does" : "do") not reproduce" }
            parts.append(p)
        }
        if selfTotal > 0 { parts.append("self-consistency \(selfHolding)/\(selfTotal) hold") }
        return parts.isEmpty ? "no checks" : parts.joined(separator: "; ")
    }
}
