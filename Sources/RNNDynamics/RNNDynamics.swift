@_exported import Linalg
@_exported import Networks
@_exported import Tasks
@_exported import Training
@_exported import Theory
@_exported import Analysis
@_exported import Experiments
@_exported import Report
