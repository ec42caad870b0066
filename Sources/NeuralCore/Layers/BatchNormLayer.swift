/// Batch normalisation with learned scale and shift and running statistics (momentum 0.1, eps 1e-5).
/// BatchNorm1D: (N, C) or (N, C, L); BatchNorm2D: (N, C, H, W). State: weight, bias, running_mean, running_var.
public class BatchNorm: Layer {
    public let weight: Parameter, bias: Parameter
    public let runningMean: Parameter, runningVar: Parameter
    public let momentum: Float, eps: Float
    public private(set) var training = true

    public init(_ features: Int, momentum: Float = 0.1, eps: Float = 1e-5) {
        weight = Parameter(.ones([features]))
        bias = Parameter(.zeros([features]))
        runningMean = Parameter(.zeros([features]), trainable: false)
        runningVar = Parameter(.ones([features]), trainable: false)
        self.momentum = momentum; self.eps = eps
    }

    public var localParameters: [(String, Parameter)] {
        [("weight", weight), ("bias", bias), ("running_mean", runningMean), ("running_var", runningVar)]
    }

    public func setLocalTraining(_ training: Bool) { self.training = training }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        batchNorm(x, weight: weight.value, bias: bias.value, runningMean: runningMean.value, runningVar: runningVar.value,
                  training: training, momentum: momentum, eps: eps)
    }
}

public final class BatchNorm1D: BatchNorm {}
public final class BatchNorm2D: BatchNorm {}
