import Foundation
import Testing
@testable import RNNDynamics

/// Experiments that declare their parameters once: defaults inside their declared ranges, every declaration read,
/// and the declared range is what `run` enforces.
@Suite struct DeclaredParametersTests {
    static var declaring: [(any Experiment, ParameterList)] {
        ExperimentRegistry.all.compactMap { e in (type(of: e) as? any DeclaredParameters.Type).map { (e, $0.declared) } }
    }

    @Test func someExperimentsDeclareTheirParameters() {
        #expect(Self.declaring.count >= 1)
    }

    @Test func defaultsLieInTheirRangesAndEveryDeclarationIsRead() throws {
        for (e, list) in Self.declaring {
            for preset in Preset.allCases {
                try e.validate(preset)
                for d in list.declarations {
                    #expect(!d.doc.isEmpty, "\(e.id).\(d.key) has no doc")
                    switch (d.kind, d.value(preset)) {
                    case let (.int(r), v as Int): #expect(r.contains(v), "\(e.id).\(d.key) default \(v) outside \(r)")
                    case let (.double(r), v as Double): #expect(r.contains(v), "\(e.id).\(d.key) default \(v) outside \(r)")
                    case let (.string(a), v as String): #expect(a.isEmpty || a.contains(v))
                    case (.bool, is Bool), (.doubles, is [Double]): break
                    default: Issue.record("\(e.id).\(d.key): default of the wrong type")
                    }
                }
            }
            let (_, resolved) = try e.run(.quick, overrides: [:], seed: 0, threads: 2)
            #expect(Set(resolved.keys) == Set(list.declarations.map(\.key)), "\(e.id) reads exactly its declared parameters")
        }
    }

    @Test func theDeclaredRangeIsEnforced() throws {
        for (e, list) in Self.declaring {
            for d in list.declarations {
                let outside: Any
                switch d.kind {
                case .int(let r) where r.upperBound < Int.max: outside = r.upperBound + 1
                case .double(let r) where r.upperBound < .greatestFiniteMagnitude: outside = r.upperBound * 2 + 1
                default: continue
                }
                #expect(throws: ConfigError.self, "\(e.id).\(d.key) = \(outside) should be refused") {
                    try e.validate(.quick, overrides: [d.key: outside])
                }
            }
        }
    }
}
