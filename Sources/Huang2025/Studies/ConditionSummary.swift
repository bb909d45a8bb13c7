import Analysis
import ExperimentKit
import Foundation
import Linalg

/// The degeneracy measures of one condition over its converged networks (the paper's convention): pairwise DSA
/// and PIF matrices with their means, σ_OOD and the mean OOD loss, the DSA null (each network against itself on
/// fresh probe trials), the feature-learning means, and the counts of trained / converged networks by stop reason.
public struct ConditionSummary: Sendable {
    /// The condition.
    public var condition: DegeneracyCondition
    /// Every trained network (converged or not), in seed order.
    public var runs: [DegeneracyRun]
    /// Indices into `runs` of the converged networks (the rows of the matrices below).
    public var convergedIndices: [Int]
    /// Pairwise DSA scores between converged networks (zero diagonal).
    public var dsa: Matrix
    /// Pairwise PIF distances between the converged networks' W_h, divided by n² (spec §5).
    public var pif: Matrix
    /// DSA of each converged network against itself on fresh probe trials (the null).
    public var nullDSA: [Double]
    /// 2-D classical MDS of `dsa` (converged × 2; fewer columns with fewer than 2 networks).
    public var mds: Matrix

    /// Networks converged.
    public var convergedRuns: [DegeneracyRun] { convergedIndices.map { runs[$0] } }
    /// Stop reasons with their counts, sorted by reason.
    public var stopCounts: [(reason: String, count: Int)] {
        Dictionary(grouping: runs, by: \.stopReason).map { ($0.key, $0.value.count) }.sorted { $0.reason < $1.reason }
    }
    /// Mean and standard error over the pairs i < j of `dsa` (NaN with fewer than 2 networks).
    public var dsaMean: (mean: Double, se: Double) { Self.pairMean(dsa) }
    /// Mean and standard error over the pairs of `pif`.
    public var pifMean: (mean: Double, se: Double) { Self.pairMean(pif) }
    /// σ_OOD (population standard deviation) and mean of the converged networks' OOD losses (NaN when none converged).
    public var ood: (sigma: Double, mean: Double) {
        guard let s = try? BehaviouralSpread(losses: convergedRuns.map(\.oodMSE)) else { return (.nan, .nan) }
        return (s.standardDeviation, s.mean)
    }
    /// Mean and standard error of the null scores.
    public var nullMean: (mean: Double, se: Double) { Self.meanAndError(nullDSA) }
    /// Mean and standard error of ‖ΔW_h‖_F over converged networks.
    public var weightChange: (mean: Double, se: Double) { Self.meanAndError(convergedRuns.map(\.weightChange)) }
    /// Mean and standard error of the kernel alignment over converged networks.
    public var kernelAlignment: (mean: Double, se: Double) { Self.meanAndError(convergedRuns.map(\.kernelAlignment)) }

    /// Compares the converged networks of `runs` under the condition's node `streams`.
    static func compare(_ condition: DegeneracyCondition, runs: [DegeneracyRun], measurement m: DegeneracyMeasurement,
                        streams: RandomStreams, context: RunContext) throws -> ConditionSummary {
        let kept = runs.indices.filter { runs[$0].converged }
        let nets = kept.map { runs[$0] }
        let dsaStreams = streams.child("dsa")
        let pairs = try DynamicalSimilarity.allPairs(nets.map(\.probe), options: m.dsa, streams: dsaStreams, threads: context.threads)
        let nullStreams = streams.child("dsa-null")
        let null = try context.map(nets.count) { i in
            try DynamicalSimilarity.compare(pairs.models[i], try HAVOKModel.fit(nets[i].nullProbe, options: m.dsa.dmd),
                                            options: m.dsa, streams: nullStreams.child("net-\(i)")).score
        }
        let pifStreams = streams.child("pif")
        let pifPairs = try context.mapPairs(nets.count) { i, j in
            try PermutationInvariantDistance.distance(nets[i].recurrent, nets[j].recurrent,
                                                      options: PIFOptions(randomStarts: m.pifRandomStarts,
                                                                          streams: pifStreams.child("pair-\(i)-\(j)")))
                .normalizedDistance
        }
        var pif = Matrix(rows: nets.count, cols: nets.count)
        for ((i, j), d) in zip(ParallelMap.pairIndices(nets.count), pifPairs) { pif[i, j] = d; pif[j, i] = d }
        let mds = nets.isEmpty ? Matrix(rows: 0, cols: 0)
            : try ClassicalMDS.embed(pairs.distances, dimensions: min(2, nets.count)).coordinates
        return ConditionSummary(condition: condition, runs: runs, convergedIndices: kept, dsa: pairs.distances, pif: pif,
                                nullDSA: null, mds: mds)
    }

    /// Mean and standard error (σ/√pairs, σ the sample deviation) of the off-diagonal pairs i < j of `d`.
    static func pairMean(_ d: Matrix) -> (mean: Double, se: Double) {
        meanAndError(ParallelMap.pairIndices(d.rows).map { d[$0.0, $0.1] })
    }

    /// Mean and standard error of the mean (NaN mean when empty, NaN error below two values).
    static func meanAndError(_ xs: [Double]) -> (mean: Double, se: Double) {
        guard !xs.isEmpty else { return (.nan, .nan) }
        let n = Double(xs.count), mean = xs.reduce(0, +) / n
        guard xs.count > 1 else { return (mean, .nan) }
        let variance = xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        return (mean, (variance / n).squareRoot())
    }
}
