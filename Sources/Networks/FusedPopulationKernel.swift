import CKernels
import Linalg
import SequenceData

/// Scratch for the fused kernel, with the sizes it was made for.
struct FusedPopulationScratch: Sendable {
    /// `(N_h, N_x, N_y, T)`.
    let hidden: Int, inputs: Int, outputs: Int, timeSteps: Int
    /// `rnndyn_population_scratch_count` doubles.
    var buffer: [Double]

    /// Scratch for a network of these sizes (N_h, N_x, N_y ≤ 8).
    init(hidden: Int, inputs: Int, outputs: Int, timeSteps: Int) {
        (self.hidden, self.inputs, self.outputs, self.timeSteps) = (hidden, inputs, outputs, timeSteps)
        buffer = [Double](repeating: 0, count: rnndyn_population_scratch_count(hidden, inputs, outputs, timeSteps))
    }
}

extension LinearRNN {
    /// True when the fused C kernel can evaluate this network's population loss on `task` (N_h, N_x, N_y ≤ 8).
    public func fusedPopulationKernelHandles(_ task: PopulationCorrelations) -> Bool {
        task.padded != nil && rnndyn_population_supported(hiddenDimension, inputDimension, outputDimension, task.timeSteps) != 0
    }

    /// The population loss and gradient from one fused C call (`portable` forces the baseline-target C path).
    /// `gradients` must hold the three parameter-shaped blocks.
    func fusedPopulationLossAndGradient(_ task: PopulationCorrelations, portable: Bool, scratch: inout FusedPopulationScratch,
                                        gradients: inout [Matrix]) -> Double {
        guard let padded = task.padded else { preconditionFailure("task statistics are too wide for the fused kernel") }
        let nh = hiddenDimension, nx = inputDimension, ny = outputDimension, T = task.timeSteps
        precondition(scratch.hidden == nh && scratch.inputs == nx && scratch.outputs == ny && scratch.timeSteps == T,
                     "workspace was made for another network or task size")
        precondition(gradients.count == 3 && gradients[0].shape == wx.shape && gradients[1].shape == wh.shape
                     && gradients[2].shape == wy.shape, "gradient blocks must have the parameter shapes")
        return wx.storage.withUnsafeBufferPointer { wxp in
            wh.storage.withUnsafeBufferPointer { whp in
                wy.storage.withUnsafeBufferPointer { wyp in
                    padded.targets.withUnsafeBufferPointer { c in
                        task.lagWeights.withUnsafeBufferPointer { w in
                            scratch.buffer.withUnsafeMutableBufferPointer { s in
                                gradients.withUnsafeMutableBufferPointer { g in
                                    g[0].storage.withUnsafeMutableBufferPointer { gx in
                                        g[1].storage.withUnsafeMutableBufferPointer { gh in
                                            g[2].storage.withUnsafeMutableBufferPointer { gy in
                                                func run(_ moments: UnsafePointer<Double>?) -> Double {
                                                    var problem = rnndyn_population_problem(
                                                        nh: nh, nx: nx, ny: ny, T: T, wx: wxp.baseAddress, wh: whp.baseAddress,
                                                        wy: wyp.baseAddress, targets: c.baseAddress, moments: moments,
                                                        lag_weights: w.baseAddress, target_energy: moments == nil ? task.residualEnergy : task.targetEnergy,
                                                        grad_wx: gx.baseAddress, grad_wh: gh.baseAddress, grad_wy: gy.baseAddress,
                                                        scratch: s.baseAddress)
                                                    return portable ? rnndyn_population_loss_gradient_portable(&problem)
                                                        : rnndyn_population_loss_gradient(&problem)
                                                }
                                                guard let moments = padded.moments else { return run(nil) }
                                                return moments.withUnsafeBufferPointer { run($0.baseAddress) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
