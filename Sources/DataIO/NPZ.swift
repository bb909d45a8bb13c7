import Foundation
import ZIPFoundation

/// Reader and writer for NumPy `.npz` archives (ZIP files of `<name>.npy` members).
public enum NPZ {
    /// How members are stored in the ZIP container.
    public enum Compression: Sendable {
        /// Uncompressed, like `numpy.savez`.
        case stored
        /// Deflate-compressed, like `numpy.savez_compressed`.
        case deflate
    }

    /// Fixed member timestamp (1980-01-01 00:00:00 UTC, the DOS epoch) so output is reproducible.
    static let fixedDate = Date(timeIntervalSince1970: 315_532_800)

    /// Builds `.npz` bytes with members in the given order; identical inputs give bit-identical output.
    public static func encode(_ arrays: [(name: String, array: NumpyArray)], compression: Compression = .stored,
                              source: String = "<npz data>") throws -> Data {
        var seen = Set<String>()
        for (name, _) in arrays {
            guard !name.isEmpty, !name.hasPrefix("/"), !name.contains("\0") else {
                throw DataIOError.invalidMemberName(source: source, name: name,
                                                    reason: "is not a valid array name (must be non-empty, no leading '/' or NUL)")
            }
            guard seen.insert(name).inserted else {
                throw DataIOError.invalidMemberName(source: source, name: name, reason: "appears more than once")
            }
        }
        do {
            let archive = try Archive(data: Data(), accessMode: .create)
            for (name, array) in arrays {
                let payload = NPY.encode(array)
                try archive.addEntry(with: name + ".npy", type: .file, uncompressedSize: Int64(payload.count),
                                     modificationDate: fixedDate, permissions: 0o644,
                                     compressionMethod: compression == .deflate ? .deflate : .none,
                                     provider: { position, size in
                                         let start = payload.startIndex + Int(position)
                                         return payload.subdata(in: start..<(start + size))
                                     })
            }
            guard let bytes = archive.data else {
                throw DataIOError.zip(source: source, detail: "in-memory archive produced no data")
            }
            return bytes
        } catch let error as DataIOError {
            throw error
        } catch {
            throw DataIOError.zip(source: source, detail: String(describing: error))
        }
    }

    /// Atomically writes an `.npz` file at `url` (members in order, fixed timestamps).
    public static func write(_ arrays: [(name: String, array: NumpyArray)], to url: URL,
                             compression: Compression = .stored) throws {
        try AtomicFile.write(encode(arrays, compression: compression, source: url.lastPathComponent), to: url)
    }

    /// Decodes every `.npy` member of `.npz` bytes (stored or deflated) in archive order, names without `.npy`.
    public static func decode(_ data: Data, source: String = "<npz data>") throws -> [(name: String, array: NumpyArray)] {
        let archive: Archive
        do {
            archive = try Archive(data: data, accessMode: .read)
        } catch {
            throw DataIOError.zip(source: source, detail: String(describing: error))
        }
        var result: [(name: String, array: NumpyArray)] = []
        var seen = Set<String>()
        for entry in archive {
            guard entry.type == .file else { continue }
            let path = entry.path
            guard path.hasSuffix(".npy"), path.count > 4 else {
                throw DataIOError.invalidMemberName(source: source, name: path, reason: "is not an .npy file")
            }
            let name = String(path.dropLast(4))
            guard seen.insert(name).inserted else {
                throw DataIOError.invalidMemberName(source: source, name: path, reason: "appears more than once")
            }
            var bytes = Data()
            bytes.reserveCapacity(Int(clamping: entry.uncompressedSize))
            do {
                let crc = try archive.extract(entry, consumer: { bytes.append($0) })
                guard crc == entry.checksum else {
                    throw DataIOError.zip(source: source, detail: "CRC mismatch in member '\(path)'")
                }
            } catch let error as DataIOError {
                throw error
            } catch {
                throw DataIOError.zip(source: source, detail: "cannot extract member '\(path)': \(error)")
            }
            result.append((name, try NPY.decode(bytes, source: "\(source)/\(path)")))
        }
        return result
    }

    /// Reads every member of the `.npz` file at `url`; errors name the file and member.
    public static func read(from url: URL) throws -> [(name: String, array: NumpyArray)] {
        let bytes: Data
        do { bytes = try Data(contentsOf: url) } catch {
            throw DataIOError.io(path: url.path, operation: "read", detail: error.localizedDescription)
        }
        return try decode(bytes, source: url.lastPathComponent)
    }

    /// Reads the `.npz` file at `url` into a dictionary keyed by array name.
    public static func readDictionary(from url: URL) throws -> [String: NumpyArray] {
        Dictionary(uniqueKeysWithValues: try read(from: url).map { ($0.name, $0.array) })
    }
}
