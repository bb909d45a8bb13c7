/// One run as the report shows it.
public struct ReportEntry {
    /// The run's `config.json`.
    public var record: RunRecord
    /// The figure's SVG file text.
    public var svg: String
    /// The run directory relative to the report ("" when the report is inside it).
    public var link: String
    /// Files to link, relative to the run directory (only those that exist).
    public var files: [String]
    /// The arrays of `results.npz` (key and shape), in file order; empty when not known.
    public var arrays: [ReportArray]
    /// Keys of the arrays the figure draws, in panel order (the snippet loads the first).
    public var plotted: [String]

    /// An entry.
    public init(record: RunRecord, svg: String, link: String, files: [String], arrays: [ReportArray] = [],
                plotted: [String] = []) {
        self.record = record; self.svg = svg; self.link = link; self.files = files
        self.arrays = arrays; self.plotted = plotted
    }

    /// The paper figure without its source (`Proca et al. 2025, Fig. A1` → `Fig. A1`).
    public var figureLabel: String {
        guard let comma = record.paperFigure.range(of: ", ") else { return record.paperFigure }
        return String(record.paperFigure[comma.upperBound...])
    }

    /// The source part of the paper figure (`Proca et al. 2025`).
    public var source: String {
        record.paperFigure.range(of: ", ").map { String(record.paperFigure[..<$0.lowerBound]) } ?? record.paperFigure
    }

    /// The section's anchor.
    public var anchor: String { HTMLText.anchor(record.experiment) }

    /// The href of `file` as seen from the report.
    public func href(_ file: String) -> String {
        link.isEmpty || link == "." ? file : link + "/" + file
    }
}

/// One array of a run's `results.npz` as the report lists it.
public struct ReportArray: Sendable, Equatable {
    /// Key in `results.npz`.
    public var name: String
    /// Shape (C order).
    public var shape: [Int]

    /// An array listing.
    public init(_ name: String, shape: [Int]) { self.name = name; self.shape = shape }
}
