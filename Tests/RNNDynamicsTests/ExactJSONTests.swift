import Foundation
import Testing
@testable import RNNDynamics

/// Numbers read back exactly through every config path (JSON, YAML, `--set`, a run's `config.json`).
@Suite struct ExactJSONTests {
    static let hard: [Double] = [0.012_345_678_901_234_5, .pi / 12, 0.1, 1.0 / 3, 2.2250738585072014e-308, 5e-324,
                                 1.7976931348623157e308, -0.0, 123_456_789.123_456_79, 9_007_199_254_740_993]

    @Test func everyShortestFormReadsBackBitForBit() throws {
        var rng = RandomStreams(seed: 90).stream("json")
        var values = Self.hard
        for _ in 0..<3000 { values.append(Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF | (rng.next() & (1 << 63)))) }
        for _ in 0..<3000 { values.append(rng.uniform() * 10) }
        let text = "[" + values.map { "\($0)" }.joined(separator: ",") + "]"
        let parsed = try #require(try ExactJSON.parse(Data(text.utf8)) as? [Any])
        var off = 0
        for (v, p) in zip(values, parsed) where (p as? NSNumber)?.doubleValue.bitPattern != v.bitPattern { off += 1 }
        #expect(parsed.count == values.count && off == 0, "\(off) of \(values.count) numbers read back differently")
    }

    @Test func structureEscapesAndErrors() throws {
        let v = try #require(try ExactJSON.parse(Data(#"{"a": [1, -2.5e3, true, null], "s": "x\"\u00e9\ud83d\ude00\n"}"#.utf8)) as? [String: Any])
        let a = try #require(v["a"] as? [Any])
        #expect((a[0] as? NSNumber)?.intValue == 1 && (a[1] as? NSNumber)?.doubleValue == -2500)
        #expect(a[2] as? Bool == true && a[3] is NSNull && v["s"] as? String == "x\"é😀\n")
        for (bad, line, column) in [("{\"a\": 1,\n  \"b\" 2}", 2, 7), ("[1, 2", 1, 6), ("{\"a\": 01}", 1, 8), ("{\"a\":1,\"a\":2}", 1, 12), ("1 2", 1, 3)] {
            #expect(throws: ExactJSON.SyntaxError.self) { try ExactJSON.parse(Data(bad.utf8)) }
            do { _ = try ExactJSON.parse(Data(bad.utf8)) } catch let e as ExactJSON.SyntaxError {
                #expect(e.line == line && e.column == column, "\(bad): \(e)")
            }
        }
    }

    @Test func configPathsKeepNumbersExact() throws {
        let dir = CLIHarness.tempDir()
        for v in Self.hard where v.isFinite && v != 0 {
            let json = dir.appendingPathComponent("c.json"), yaml = dir.appendingPathComponent("c.yaml")
            try Data("{\"x\": {\"y\": \(v)}}".utf8).write(to: json)
            try Data("x:\n  y: \(v)\n".utf8).write(to: yaml)
            for file in [json, yaml] {
                let tree = try ConfigFile.load(file.path)
                #expect(((tree["x"] as? [String: Any])?["y"] as? NSNumber)?.doubleValue.bitPattern == v.bitPattern, "\(file.lastPathComponent): \(v)")
            }
            var o = ParameterOverrides()
            try o.assign("x.y=\(v)")
            let r = ConfigReader(object: o.tree, path: "config")
            #expect(try r.object("x").double("y").bitPattern == v.bitPattern, "--set: \(v)")
        }
    }

    @Test func aRunsConfigJSONRecordsTheExactValues() throws {
        let e = try #require(ExperimentRegistry.experiment("proca2025.figA1"))
        let dir = CLIHarness.tempDir().appendingPathComponent("run")
        let value = 0.012_345_678_901_234_5
        try ExperimentJob.run(e, preset: .quick, overrides: ParameterOverrides(["initial_mode": value, "steps": 50]), seed: 0,
                              to: dir, replace: false, threads: 1)
        let record = try RunRecord.read(from: dir.appendingPathComponent("config.json"))
        #expect((record.parameters["initial_mode"] as? NSNumber)?.doubleValue.bitPattern == value.bitPattern)
    }
}
