import Foundation

/// SVG → PNG conversion with `rsvg-convert` (Debian package `librsvg2-bin`).
extension FigureRenderer {
    /// The full path of `rsvg-convert` on PATH, or nil when it is not installed.
    public static func rsvgConvertPath() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = String(dir) + "/rsvg-convert"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Converts the SVG at `svgPath` to a PNG at `pngPath`, scaled by `zoom`; returns false when `rsvg-convert`
    /// is not on PATH and throws when the conversion itself fails.
    @discardableResult
    public static func renderPNG(svgPath: String, pngPath: String, zoom: Double = 2) throws -> Bool {
        guard let tool = rsvgConvertPath() else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["--zoom", SVGNumber.format(zoom, decimals: 3), "--background-color", "white",
                             "--output", pngPath, svgPath]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw PlotError(context: "rsvg-convert \(svgPath)", problem: .conversion("could not start \(tool): \(error)"))
        }
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let detail = message.split(separator: "\n").first.map(String.init) ?? "no message"
            throw PlotError(context: "rsvg-convert \(svgPath)",
                            problem: .conversion("exit status \(process.terminationStatus): \(detail)"))
        }
        return true
    }
}
