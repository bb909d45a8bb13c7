import Foundation
import Testing
@testable import RNNDynamics

/// The fast commands of the README's tour (describe, run, train, and the `cmp` of their outputs), run in order
/// in a scratch directory exactly as written; the reproduce, report, sweep and screenshot lines are left to
/// `make demo` and the CLI tests because they take minutes in a debug build.
@Suite struct ReadmeTourTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The lines of the tour's code block, comments removed.
    static func tourCommands() throws -> [String] {
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "## A short tour"))
        let block = try #require(readme.range(of: "```sh\n", range: start.upperBound..<readme.endIndex))
        let end = try #require(readme.range(of: "```\n", range: block.upperBound..<readme.endIndex))
        return readme[block.upperBound..<end.lowerBound].split(separator: "\n").map { line in
            let text = String(line)
            guard let comment = text.range(of: #"\s+# "#, options: .regularExpression) else { return text }
            return String(text[..<comment.lowerBound])
        }
    }

    @Test func theFastTourCommandsWorkInOrder() throws {
        let commands = try Self.tourCommands()
        #expect(commands.first?.hasPrefix("rnndyn=") == true, "the tour names its binary first")
        let fast = commands.filter { c in
            (c.hasPrefix("$rnndyn describe") || c.hasPrefix("$rnndyn run") || c.hasPrefix("$rnndyn train") || c.hasPrefix("cmp runs/"))
                && !c.contains("out/") && !c.contains("runs/subset")
        }
        #expect(fast.count >= 10, "\(fast)")
        let dir = CLIHarness.tempDir()
        try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent("examples"), withDestinationURL: Self.root.appendingPathComponent("examples"))
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("runs"), withIntermediateDirectories: true)
        for command in fast {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-c", command]
            p.currentDirectoryURL = dir
            var env = ProcessInfo.processInfo.environment
            env["rnndyn"] = CLIHarness.binary.path
            p.environment = env
            let err = Pipe()
            p.standardOutput = FileHandle.nullDevice
            p.standardError = err
            try p.run()
            let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            #expect(p.terminationStatus == 0, "\(command): \(message)")
        }
    }
}
