/// Namespace of the general ODE integrators (Euler, RK4, Dormand–Prince 5(4)) the per-paper theories run on.
public enum TheoryNamespace {}
