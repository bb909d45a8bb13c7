import Foundation
import Testing
@testable import RNNDynamics

/// The degeneracy paper's task generators (issue 14): each property is recomputed here from the task's definition
/// out of the generated inputs, never read back from the generator's own helpers.
@Suite struct NeuroscienceTasksTests {
    /// Entry i at step t of trial b of a `d × (T·B)` task array.
    static func at(_ m: Matrix, _ t: Int, _ b: Int, _ i: Int, samples B: Int) -> Double { m.storage[(t * B + b) * m.rows + i] }

    static let streams = RandomStreams(seed: 14).node("tests.neuroscience")

    // MARK: - Flip-flop

    @Test func flipFlopTargetsHoldTheLastPulseAndEveryChannelPulsesFirst() throws {
        let task = FlipFlopTask()
        let B = 64, batch = try task.batch(size: B, streams: Self.streams)
        #expect(batch.inputs.rows == 3 && batch.targets.rows == 3 && batch.timeSteps == 100 && batch.samples == B)
        for b in 0..<B {
            for i in 0..<3 {
                var last = 0.0
                #expect(Self.at(batch.inputs, 0, b, i, samples: B) != 0, "forced pulse at t = 0")
                for t in 0..<100 {
                    let x = Self.at(batch.inputs, t, b, i, samples: B)
                    #expect(x == 0 || x == 1 || x == -1)
                    if x != 0 { last = x }
                    #expect(Self.at(batch.targets, t, b, i, samples: B) == last)
                }
            }
        }
        #expect(batch.mask.storage.allSatisfy { $0 == 1 })
    }

    @Test func flipFlopPulseRateAndSignsMatchTheirProbabilities() throws {
        let p = 0.3, B = 200, T = 100, n = 3
        let batch = try FlipFlopTask(channels: n, trialLength: T, pSwitch: p).batch(size: B, streams: Self.streams)
        var pulses = 0, positive = 0
        for t in 1..<T { for b in 0..<B { for i in 0..<n {
            let x = Self.at(batch.inputs, t, b, i, samples: B)
            if x != 0 { pulses += 1; if x > 0 { positive += 1 } }
        } } }
        // Binomial: 59,400 non-forced cells, σ = √(p(1−p)/n) ≈ 0.0019; allow 5σ. Signs: σ = √(0.25/pulses).
        let cells = Double((T - 1) * B * n), rate = Double(pulses) / cells
        #expect(abs(rate - p) < 5 * (p * (1 - p) / cells).squareRoot(), "pulse rate \(rate)")
        let share = Double(positive) / Double(pulses)
        #expect(abs(share - 0.5) < 5 * (0.25 / Double(pulses)).squareRoot(), "positive share \(share)")
    }

    @Test func flipFlopBinaryTargetsMaskTransitionsAndUnsetChannels() throws {
        let task = FlipFlopTask(channels: 2, trialLength: 60, pSwitch: 0.1, forcedFirstPulse: false,
                                targetCoding: .binary, maskedTransition: 3)
        let B = 40, batch = try task.batch(size: B, streams: Self.streams)
        var sawUnset = false, sawMasked = false
        for b in 0..<B { for i in 0..<2 {
            var last = 0.0, sincePulse = Int.max
            for t in 0..<60 {
                let x = Self.at(batch.inputs, t, b, i, samples: B)
                if x != 0 { last = x; sincePulse = 0 } else if sincePulse != Int.max { sincePulse += 1 }
                let y = Self.at(batch.targets, t, b, i, samples: B), m = Self.at(batch.mask, t, b, i, samples: B)
                if last == 0 {
                    sawUnset = true
                    #expect(y == 0 && m == 0)
                } else {
                    #expect(y == (last + 1) / 2)
                    #expect(m == (sincePulse < 3 ? 0 : 1))
                    if sincePulse < 3 { sawMasked = true }
                }
            }
        } }
        #expect(sawUnset && sawMasked)
        #expect(task.outputRange == 0...1)
    }

    @Test func flipFlopOODDoublesTheTrialLength() throws {
        let ood = try FlipFlopTask(trialLength: 70).outOfDistribution()
        #expect(ood.trialLength == 140)
        #expect(try ood.batch(size: 2, streams: Self.streams).timeSteps == 140)
    }

    // MARK: - Delayed discrimination

    /// (f1, f2, delay) of trial b, channel i, read back from the inputs: the first and second pulses.
    static func stimuli(_ batch: TaskBatch, task: DelayedDiscriminationTask, b: Int, i: Int) -> (Double, Double, Int) {
        let B = batch.samples
        let f1 = at(batch.inputs, task.stimulusOnset, b, i, samples: B)
        let start2 = (task.stimulusOnset + 1..<batch.timeSteps).first { at(batch.inputs, $0, b, i, samples: B) != 0 }!
        return (f1, at(batch.inputs, start2, b, i, samples: B), start2 - task.stimulusOnset - task.pulseWidth)
    }

    @Test func discriminationTargetsAreTheSignInTheResponseWindowWithScaledAuxiliary() throws {
        let task = DelayedDiscriminationTask(channels: 2, auxiliaryOutput: true)
        let B = 300, batch = try task.batch(size: B, streams: Self.streams), T = batch.timeSteps
        #expect(T == 5 + 2 + 20 + 10 && batch.targets.rows == 4 && batch.inputs.rows == 2)
        var delays = Set<Int>()
        for b in 0..<B { for i in 0..<2 {
            let (f1, f2, d) = Self.stimuli(batch, task: task, b: b, i: i)
            #expect((2...10).contains(f1) && (2...10).contains(f2) && (5...20).contains(d))
            delays.insert(d)
            let response = 5 + 2 + d
            for t in 0..<T {
                let inWindow = t >= response
                #expect(Self.at(batch.targets, t, b, i, samples: B) == (inWindow ? (f2 > f1 ? 1 : -1) : 0))
                #expect(Self.at(batch.targets, t, b, 2 + i, samples: B) == (inWindow ? abs(f2 - f1) / 8 : 0))
                let x = Self.at(batch.inputs, t, b, i, samples: B)
                #expect(x == (t == 5 ? f1 : (t == 6 + d ? f2 : 0)))
            }
        } }
        #expect(delays == Set(5...20), "all 16 delays over 600 draws")
        #expect(batch.mask.storage.allSatisfy { $0 == 1 })
    }

    @Test func discriminationOODDoublesTheDelayAndResponseOnlyMasksTheRest() throws {
        let task = DelayedDiscriminationTask(scoreResponseOnly: true), ood = try task.outOfDistribution()
        #expect(ood.minimumDelay == 10 && ood.maximumDelay == 40 && ood.timeSteps == 5 + 2 + 40 + 10)
        let B = 200, batch = try ood.batch(size: B, streams: Self.streams)
        var longest = 0
        for b in 0..<B {
            let (_, _, d) = Self.stimuli(batch, task: ood, b: b, i: 0)
            #expect((10...40).contains(d))
            longest = max(longest, d)
            for t in 0..<batch.timeSteps { #expect(Self.at(batch.mask, t, b, 0, samples: B) == (t >= 7 + d ? 1 : 0)) }
        }
        #expect(longest > 20)
    }

    // MARK: - Sine wave

    @Test func sineTargetsFollowTheDrawnFrequencyOnTheDtGrid() throws {
        let task = SineWaveTask(channels: 2, frequencyCount: 4, trialLength: 80, dt: 0.005)
        let grid = [1.0, 1 + 29.0 / 3, 1 + 58.0 / 3, 30]
        let B = 50, batch = try task.batch(size: B, streams: Self.streams)
        var used = Set<Int>()
        for b in 0..<B { for i in 0..<2 {
            let code = Self.at(batch.inputs, 0, b, i, samples: B)
            let k = try #require(grid.firstIndex { abs($0 / 30 - code) < 1e-15 }, "input codes f / 30")
            used.insert(k)
            for t in 0..<80 {
                #expect(Self.at(batch.inputs, t, b, i, samples: B) == code)
                let expected = sin(2 * Double.pi * grid[k] * Double(t) * 0.005)
                #expect(abs(Self.at(batch.targets, t, b, i, samples: B) - expected) < 1e-12)
            }
        } }
        #expect(used.count == 4)
    }

    @Test func sineOneHotInputsAndOODLength() throws {
        let task = try SineWaveTask(frequencyCount: 3, trialLength: 40, inputCoding: .oneHot).outOfDistribution()
        #expect(task.trialLength == 80 && task.inputDimension == 3)
        let B = 20, batch = try task.batch(size: B, streams: Self.streams)
        for b in 0..<B {
            let hot = (0..<3).map { Self.at(batch.inputs, 0, b, $0, samples: B) }
            #expect(hot.filter { $0 == 1 }.count == 1 && hot.filter { $0 == 0 }.count == 2)
            let f = [1.0, 15.5, 30][hot.firstIndex(of: 1)!]
            for t in 0..<80 {
                #expect((0..<3).map { Self.at(batch.inputs, t, b, $0, samples: B) } == hot)
                #expect(abs(Self.at(batch.targets, t, b, 0, samples: B) - sin(2 * Double.pi * f * Double(t) * 0.01)) < 1e-12)
            }
        }
    }

    // MARK: - Path integration

    /// Positions recomputed from the inputs: start from step 0's start lines, velocity from the heading codes.
    static func integrate(_ batch: TaskBatch, _ task: PathIntegrationTask, b: Int, wall: (Double) -> Double) -> [[Double]] {
        let B = batch.samples, D = task.dimension, dIn = batch.inputs.rows
        var p = (0..<D).map { at(batch.inputs, 0, b, dIn - D + $0, samples: B) }
        var path: [[Double]] = []
        for t in 0..<batch.timeSteps {
            let x = (0..<dIn).map { at(batch.inputs, t, b, $0, samples: B) }
            var v: [Double]
            switch (task.angleCoding, D) {
            case (.cosSin, 2): v = [x[0], x[1]].map { $0 * x[2] }
            case (.cosSin, _): v = [x[2] * x[0], x[2] * x[1], x[3]].map { $0 * x[4] }
            case (.radians, 2): v = [cos(x[0]), sin(x[0])].map { $0 * x[1] }
            case (.radians, _): v = [cos(x[1]) * cos(x[0]), cos(x[1]) * sin(x[0]), sin(x[1])].map { $0 * x[2] }
            }
            p = (0..<D).map { wall(p[$0] + v[$0]) }
            path.append(p)
        }
        return path
    }

    @Test func path2DTargetsAreClippedCumulativeVelocity() throws {
        let task = PathIntegrationTask()
        let B = 40, batch = try task.batch(size: B, streams: Self.streams)
        #expect(batch.inputs.rows == 5 && batch.targets.rows == 2)
        var clipped = 0
        for b in 0..<B {
            #expect(Self.at(batch.inputs, 1, b, 3, samples: B) == 0 && Self.at(batch.inputs, 1, b, 4, samples: B) == 0,
                    "start lines only at t = 0")
            let path = Self.integrate(batch, task, b: b) { min(max($0, -5), 5) }
            for (t, p) in path.enumerated() { for i in 0..<2 {
                let y = Self.at(batch.targets, t, b, i, samples: B)
                #expect(abs(y - p[i]) < 1e-12 && abs(y) <= 5)
                if abs(y) == 5 { clipped += 1 }
            } }
        }
        #expect(clipped > 0, "the walls were reached, so the clip rule was exercised")
        // Far walls: targets are exactly start + cumulative sum of the velocities.
        let open = PathIntegrationTask(trialLength: 30, boundary: 1000, startHalfWidth: 1)
        let free = try open.batch(size: 8, streams: Self.streams)
        for b in 0..<8 {
            let path = Self.integrate(free, open, b: b) { $0 }
            for (t, p) in path.enumerated() { #expect(abs(Self.at(free.targets, t, b, 0, samples: 8) - p[0]) < 1e-12) }
        }
    }

    @Test func path3DReflectsAndDrawsDirectionsUniformOnTheSphere() throws {
        let task = PathIntegrationTask(dimension: 3, trialLength: 100, maximumSpeed: 1, boundaryRule: .reflect, angleCoding: .radians)
        let B = 200, batch = try task.batch(size: B, streams: Self.streams)
        #expect(batch.inputs.rows == 6 && batch.targets.rows == 3)
        var sin2 = 0.0, count = 0.0
        for b in 0..<B {
            let path = Self.integrate(batch, task, b: b) { $0 > 5 ? 10 - $0 : ($0 < -5 ? -10 - $0 : $0) }
            for (t, p) in path.enumerated() {
                for i in 0..<3 { #expect(abs(Self.at(batch.targets, t, b, i, samples: B) - p[i]) < 1e-12) }
                let phi = Self.at(batch.inputs, t, b, 1, samples: B)
                #expect(abs(phi) <= Double.pi / 2)
                sin2 += sin(phi) * sin(phi); count += 1
            }
        }
        // sin φ uniform on [−1, 1] ⇒ E sin²φ = 1/3 (σ of one term √(4/45)); φ uniform would give 1/2.
        #expect(abs(sin2 / count - 1.0 / 3) < 5 * (4.0 / 45 / count).squareRoot())
        let cosSin = try PathIntegrationTask(dimension: 3, angleCoding: .cosSin).batch(size: 4, streams: Self.streams)
        #expect(cosSin.inputs.rows == 8)
        let x = (0..<8).map { Self.at(cosSin.inputs, 7, 2, $0, samples: 4) }
        #expect(abs(x[0] * x[0] + x[1] * x[1] - 1) < 1e-14 && abs(x[2] * x[2] + x[3] * x[3] - 1) < 1e-14 && x[2] >= 0)
        #expect(try task.outOfDistribution().trialLength == 200)
    }

    // MARK: - Seeding, export, errors

    static func batches(_ streams: RandomStreams) throws -> [TaskBatch] {
        [try FlipFlopTask().batch(size: 8, streams: streams),
         try DelayedDiscriminationTask(channels: 2).batch(size: 8, streams: streams),
         try SineWaveTask().batch(size: 8, streams: streams),
         try PathIntegrationTask(dimension: 3).batch(size: 8, streams: streams)]
    }

    @Test func sameStreamsGiveBitIdenticalBatchesAndOtherSeedsDiffer() throws {
        let a = try Self.batches(RandomStreams(seed: 7).child("task"))
        let again = try Self.batches(RandomStreams(seed: 7).child("task"))
        let other = try Self.batches(RandomStreams(seed: 8).child("task"))
        for k in 0..<a.count {
            #expect(a[k].inputs.storage.map(\.bitPattern) == again[k].inputs.storage.map(\.bitPattern))
            #expect(a[k].targets.storage.map(\.bitPattern) == again[k].targets.storage.map(\.bitPattern))
            #expect(a[k] == again[k])
            #expect(a[k].inputs != other[k].inputs && a[k].targets != other[k].targets)
        }
    }

    @Test func npzExportRoundTripsExactlyWithAParametersSidecar() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rnndyn-npz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let task = DelayedDiscriminationTask(channels: 2, auxiliaryOutput: true, scoreResponseOnly: true)
        let url = dir.appendingPathComponent("dd.npz")
        try TaskNPZ.export(task, size: 12, streams: Self.streams, to: url)
        let recorded = try TaskNPZ.readTask(from: url)
        #expect(try recorded.trials == task.batch(size: 12, streams: Self.streams))
        #expect(try recorded.oodTrials == task.outOfDistribution().batch(size: 12, streams: Self.streams.child("ood")))
        let arrays = try NPZ.readDictionary(from: url)
        #expect(arrays["inputs"]?.shape == [task.timeSteps, 12, 2] && arrays["mask"]?.shape == [task.timeSteps, 12, 4])
        let sidecar = try JSONIO.read([String: TaskParameter].self, from: TaskNPZ.sidecarURL(for: url))
        #expect(sidecar["delay_max"] == .int(20) && sidecar["auxiliary_output"] == .bool(true))
        #expect(sidecar["task"] == .string("delayed-discrimination") && sidecar["seed"] == .string("14"))

        // A user's file: float32, no mask, a threshold; batches draw distinct recorded trials reproducibly.
        let T = 5, B = 6, own = dir.appendingPathComponent("own.npz")
        let x = (0..<(T * B * 2)).map { Float($0) }, y = (0..<(T * B)).map { Float(-$0) }
        try NPZ.write([("inputs", try NumpyArray(shape: [T, B, 2], data: .float32(x))),
                       ("targets", try NumpyArray(shape: [T, B, 1], data: .float32(y))),
                       ("loss_threshold", NumpyArray(scalar: 0.02))], to: own)
        let user = try TaskNPZ.readTask(from: own, name: "mine")
        #expect(user.lossThreshold == 0.02 && user.inputDimension == 2 && user.timeSteps == T)
        #expect(user.trials.mask.storage.allSatisfy { $0 == 1 })
        #expect(Self.at(user.trials.inputs, 3, 4, 1, samples: B) == Double((3 * B + 4) * 2 + 1))
        let pick = try user.batch(size: 4, streams: Self.streams)
        #expect(try pick == user.batch(size: 4, streams: Self.streams))
        let firstInputs = (0..<4).map { Self.at(pick.inputs, 0, $0, 0, samples: 4) }
        #expect(Set(firstInputs).count == 4 && firstInputs.allSatisfy { Int($0) % 2 == 0 && $0 < Double(B * 2) })
        #expect(throws: TaskError.self) { try user.outOfDistribution() }

        let bad = dir.appendingPathComponent("bad.npz")
        try NPZ.write([("inputs", try NumpyArray(shape: [T, B, 2], data: .float32(x))),
                       ("targets", try NumpyArray(shape: [T, B + 1], cOrder: (0..<(T * (B + 1))).map(Double.init)))], to: bad)
        let message = try #require(Self.errorText { _ = try TaskNPZ.readTask(from: bad) })
        #expect(message.contains("'targets' [5, 7]") && message.contains("allowed") && !message.contains("\n"))
    }

    static func errorText(_ body: () throws -> Void) -> String? {
        do { try body(); return nil } catch { return String(describing: error) }
    }

    @Test func badKnobsGiveAOneLineErrorNamingTheFieldAndAllowedValues() throws {
        let cases: [(String, () throws -> Void)] = [
            ("p_switch", { try FlipFlopTask(pSwitch: 1.5).validate() }),
            ("channels", { _ = try FlipFlopTask(channels: 0).batch(size: 1, streams: Self.streams) }),
            ("masked_transition", { try FlipFlopTask(maskedTransition: -1).validate() }),
            ("delay_max", { try DelayedDiscriminationTask(minimumDelay: 10, maximumDelay: 5).validate() }),
            ("frequency_max", { try DelayedDiscriminationTask(minimumFrequency: 10, maximumFrequency: 2).validate() }),
            ("pulse_width", { try DelayedDiscriminationTask(pulseWidth: 0).validate() }),
            ("dt", { try SineWaveTask(dt: 0).validate() }),
            ("frequency_count", { try SineWaveTask(frequencyCount: 0).validate() }),
            ("dimension", { try PathIntegrationTask(dimension: 4).validate() }),
            ("start_half_width", { try PathIntegrationTask(startHalfWidth: 6).validate() }),
            ("max_speed", { try PathIntegrationTask(maximumSpeed: .nan).validate() }),
            ("batch size", { _ = try SineWaveTask().batch(size: 0, streams: Self.streams) }),
        ]
        for (field, body) in cases {
            let text = try #require(Self.errorText(body), "\(field) accepted")
            #expect(text.contains(field) && text.contains("allowed:") && !text.contains("\n"), "\(text)")
        }
        for task in [FlipFlopTask(), FlipFlopTask(channels: 5, targetCoding: .binary)] {
            let json = try JSONEncoder().encode(task)
            #expect(try JSONDecoder().decode(FlipFlopTask.self, from: json) == task)
        }
        #expect(FlipFlopTask().lossThreshold == 0.001 && DelayedDiscriminationTask().lossThreshold == 0.01)
        #expect(SineWaveTask().lossThreshold == 0.05 && PathIntegrationTask().outputRange == -5...5)
    }
}
