/// Namespace of the general ODE integrators (Euler, RK4, Dormand–Prince 5(4), Rosenbrock RODAS3) and engine-level reduced theories.
public enum TheoryNamespace {}
