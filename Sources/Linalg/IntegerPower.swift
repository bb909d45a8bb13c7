import Numerics

/// `x^n` for an integer n ≥ 0 by repeated squaring, in any field (real or complex): the one power of the task
/// library and the theories, so a task's s_t = δλ^k and a theory's u·b^k use the same arithmetic and an exact
/// solution gives an exactly zero residual.
@inlinable public func integerPower<S: AlgebraicField>(_ x: S, _ n: Int) -> S {
    precondition(n >= 0, "negative integer power")
    var result: S = 1, base = x, e = n
    while e > 0 {
        if e & 1 == 1 { result *= base }
        e >>= 1
        if e > 0 { base *= base }
    }
    return result
}
