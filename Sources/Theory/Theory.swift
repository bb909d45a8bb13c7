/// Namespace of the per-paper theories (mode ODEs, closed forms, reduced systems) and their ODE integrators.
public enum TheoryNamespace {}
