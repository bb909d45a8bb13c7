import DataIO
import FigureData
import Foundation
import Plot

/// Everything one run directory holds, as `RunDirectoryWriter` writes it.
public struct RunDirectoryContents {
    /// The arrays of `results.npz`, in file order, each with its `DATA.md` description.
    public var arrays: [RunArray]
    /// The rest of `DATA.md`: heading, summary and the other files.
    public var documentation: RunDocument
    /// The figure (`figure.json` and `figures/<stem>.svg`), if the run has one.
    public var figure: RunFigure?
    /// The rows of `metrics.csv` (columns `metric,value,description`).
    public var metrics: [RunMetric]
    /// Further files, written in order after `metrics.csv` and before `config.json`.
    public var extraFiles: [RunExtraFile]
    /// The `config.json` bytes, written last (they carry the completion marker, if any).
    public var config: Data

    /// The contents of a run directory.
    public init(arrays: [RunArray], documentation: RunDocument, figure: RunFigure?, metrics: [RunMetric],
                extraFiles: [RunExtraFile] = [], config: Data) {
        self.arrays = arrays; self.documentation = documentation; self.figure = figure
        self.metrics = metrics; self.extraFiles = extraFiles; self.config = config
    }
}

/// A named array of `results.npz` with its one-line description for `DATA.md`.
public struct RunArray {
    /// Key in `results.npz`.
    public var name: String
    /// The array (any dtype and order NPZ writes).
    public var array: NumpyArray
    /// What it holds (units, axes).
    public var doc: String

    /// A documented array.
    public init(_ name: String, _ array: NumpyArray, doc: String) {
        self.name = name; self.array = array; self.doc = doc
    }

    /// `arrays` as a plotting dataset (values as float64 in C order; integer arrays converted).
    public static func dataset(_ arrays: [RunArray]) throws -> Dataset {
        var data = Dataset()
        for a in arrays { data.add(DataArray(a.name, shape: a.array.shape, values: try a.array.doubles(order: .c), doc: a.doc)) }
        return data
    }
}

/// A run's figure: its layout (`figure.json`) and its drawing (`figures/<stem>.svg`, plus a PNG when possible).
public struct RunFigure {
    /// The layout, naming arrays of `results.npz`.
    public var spec: FigureSpec
    /// The file stem source: the experiment id, or `train` (see `RunFiles.svg`).
    public var stem: String
    /// The SVG text.
    public var svg: String

    /// Draws `spec` from `dataset` (which must hold the arrays the figure names).
    public init(_ spec: FigureSpec, stem: String, dataset: Dataset) throws {
        self.spec = spec; self.stem = stem
        self.svg = try FigureRenderer.render(spec, dataset: dataset)
    }
}

/// A further file of a run directory; `contents` receives the staging directory, so it can see the files already
/// written (a report linking them, say).
public struct RunExtraFile {
    /// Path inside the run directory.
    public var path: String
    /// The bytes, computed when the file is written.
    public var contents: (URL) throws -> Data

    /// A file computed from the staging directory.
    public init(_ path: String, contents: @escaping (URL) throws -> Data) {
        self.path = path; self.contents = contents
    }

    /// A file with fixed bytes.
    public init(_ path: String, data: Data) {
        self.init(path) { _ in data }
    }
}

/// The one writer of run directories (`rnndyn run`, `reproduce` and `train`): stages the directory beside its
/// destination, writes `results.npz`, `DATA.md`, `figure.json` and `figures/<stem>.svg` (when there is a figure),
/// `metrics.csv`, the extra files and, last, `config.json`, then renames the staged directory into place.
public enum RunDirectoryWriter {
    /// Writes `contents` to `directory` atomically (all files appear at once or none do); an existing non-empty
    /// directory is an error (`DataIOError.destinationExists`) unless `replace`.
    public static func write(_ contents: RunDirectoryContents, to directory: URL, replace: Bool) throws {
        let names = contents.arrays.map(\.name)
        guard Set(names).count == names.count else {
            throw DataIOError.io(path: directory.path, operation: "write run", detail: "duplicate array names in \(names)")
        }
        let metrics = try RunMetric.table(contents.metrics)
        try StagedDirectory.withStaging(final: directory, replace: replace) { stage in
            try stage.write(try NPZ.encode(contents.arrays.map { ($0.name, $0.array) }), to: RunFiles.results)
            let doc = RunDocumentation.markdown(contents.documentation, arrays: contents.arrays)
            try stage.write(Data(doc.utf8), to: RunFiles.dataDoc)
            if let figure = contents.figure {
                try stage.write(try JSONIO.encode(figure.spec, source: RunFiles.figure), to: RunFiles.figure)
                try FigureFiles.write(svg: figure.svg, experiment: figure.stem, in: stage.url)
            }
            try stage.write(metrics.data, to: RunFiles.metrics)
            for file in contents.extraFiles { try stage.write(try file.contents(stage.url), to: file.path) }
            try stage.write(contents.config, to: RunFiles.config)
        }
    }
}
