import ArgumentParser

/// Reads `--seed`: an integer in 0…2⁶⁴−1. Declared with `parsing: .unconditional`, so `--seed -1` reaches this
/// check (and is refused with the allowed range) instead of being taken for an option.
enum SeedOption {
    /// The allowed values, for messages.
    static let allowed = "allowed: an integer in 0…\(UInt64.max)"

    /// The seed written in `text`, or a one-line `ValidationError` with the allowed range.
    static func parse(_ text: String) throws -> UInt64 {
        guard let seed = UInt64(text) else { throw ValidationError("not a seed (\(allowed))") }
        return seed
    }
}
