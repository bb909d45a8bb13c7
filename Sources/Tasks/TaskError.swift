/// Errors thrown when a task is asked for something its definition cannot provide.
public enum TaskError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A parameter is outside the allowed range (the message names it and what is allowed).
    case invalidParameter(String)
    /// A profile given as explicit values was asked for a different trajectory length.
    case lengthMismatch(expected: Int, requested: Int)

    /// One-line explanation.
    public var description: String {
        switch self {
        case let .invalidParameter(message): return "Invalid task parameter: \(message)"
        case let .lengthMismatch(expected, requested):
            return "the profile is given as \(expected) explicit values and cannot be evaluated at T = \(requested)"
        }
    }
}
