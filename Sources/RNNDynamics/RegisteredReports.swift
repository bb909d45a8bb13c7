import Foundation
import Papers
import Report

// Report knows no paper: the registry's experiment ids (run order, missing runs) are passed in here.
extension ReportBuilder {
    /// `rebuild(_:builtBy:registered:)` with every registered experiment.
    public static func rebuild(_ directory: URL, builtBy: Provenance) throws -> Outcome {
        try rebuild(directory, builtBy: builtBy, registered: ExperimentRegistry.all.map(\.id))
    }

    /// `summarize(_:builtBy:registered:)` with every registered experiment.
    public static func summarize(_ directory: URL, builtBy: Provenance) throws -> Outcome {
        try summarize(directory, builtBy: builtBy, registered: ExperimentRegistry.all.map(\.id))
    }
}
