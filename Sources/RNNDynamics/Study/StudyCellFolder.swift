import DataIO
import ExperimentKit
import Foundation
import Report

/// A folder of finished study cells, one `.npz` per cell with its `StudyCellKey` inside (`StudyCellArrays`): a
/// run directory's `cells/<cell name>.npz` (in-process runs), or a study sweep's `cells/<id>.npz` (workers and Slurm
/// tasks). A file is reused only when its stored key is the cell's key exactly; files are written atomically.
public struct StudyCellFolder: StudyCellStore {
    /// How cell files are named.
    public enum Naming: Sendable {
        /// `<cell name>.npz`: one file per cell, overwritten when its key changes.
        case cellName
        /// `<first 16 hex digits of SHA-256(key)>.npz`: content-addressed, as a sweep's cells.
        case keyID
    }

    /// The folder.
    public let folder: URL
    /// File naming.
    public let naming: Naming
    /// False for a reduce that only reads (a sweep's merge).
    public let computesMissing: Bool

    /// A store in `folder`.
    public init(folder: URL, naming: Naming, computesMissing: Bool = true) {
        self.folder = folder; self.naming = naming; self.computesMissing = computesMissing
    }

    /// The cell store of run directory `directory` (`directory/cells`, named by cell); throws a one-line
    /// `ConfigError` when a `cells` folder there holds files rnndyn did not write.
    public static func run(_ directory: URL) throws -> StudyCellFolder {
        let folder = directory.appendingPathComponent(RunFiles.cells)
        let items = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        if !items.isEmpty, !RunFiles.hasCellStore(directory) {
            throw ConfigError(key: "--out", "'\(folder.relativePath)' holds files rnndyn did not write, and a study keeps its cells there (allowed: move it away, or another directory)")
        }
        return StudyCellFolder(folder: folder, naming: .cellName)
    }

    public var codeVersion: String { RNNDynamicsVersion.string }

    /// The file of `cell` under `key`.
    public func url(_ cell: StudyCell, key: String) -> URL {
        switch naming {
        case .cellName: return folder.appendingPathComponent(Self.fileStem(cell.name) + ".npz")
        case .keyID: return folder.appendingPathComponent(StudyCellKey.id(key) + ".npz")
        }
    }

    /// `name` as one file name inside the folder, whatever the study calls its cells: every byte other than
    /// `A–Z a–z 0–9 _ -` and a `.` after the first byte is written `%XX` (so `/`, `..` or a leading `.` cannot leave
    /// the folder or hide the file, and distinct names stay distinct); names made of those characters are unchanged.
    public static func fileStem(_ name: String) -> String {
        var stem = ""
        for (i, byte) in name.utf8.enumerated() {
            let plain = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x5F || byte == 0x2D || (byte == 0x2E && i > 0)
            stem += plain ? String(UnicodeScalar(byte)) : String(format: "%%%02X", byte)
        }
        return stem.isEmpty ? "%" : stem
    }

    public func load(_ cell: StudyCell, key: String) throws -> StudyCellArrays? {
        let url = url(cell, key: key)
        guard let data = try? Data(contentsOf: url) else { return nil }
        // A file of another key (other parameters, seed or version) is stale: the cell is recomputed over it.
        guard let stored = try? StudyCellArrays.read(npz: data, source: url.path), stored.key == key else { return nil }
        return stored.arrays
    }

    public func save(_ arrays: StudyCellArrays, cell: StudyCell, key: String) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let marker = folder.appendingPathComponent(RunFiles.cellsMarker)
        if naming == .cellName, !FileManager.default.fileExists(atPath: marker.path) {
            try AtomicFile.write("Finished cells of a study run, kept so an interrupted run resumes (see README, \"Studies\").\n", to: marker)
        }
        try AtomicFile.write(try arrays.npz(key: key), to: url(cell, key: key))
    }
}
