import XCTest
import NeuralCore
import TestSupport

/// The loss, softmax, pooling and transposed-convolution options against PyTorch (scripts/make_loss_fixtures.py, torch 2.13):
/// value and gradient for an upstream seed, at the suite's op tolerances.
final class PyTorchOptionsTests: XCTestCase {
    func check(_ name: String, _ f: (Tensor, SafetensorsFile) throws -> Tensor) throws {
        let fx = try Fixtures.load("options/\(name).safetensors")
        let x = try fx.tensor("x").requiringGrad()
        let y = try f(x, fx)
        let expected = try fx.tensor("y")
        assertClose(y.reshaped(expected.shape), expected, rtol: 1e-5, atol: 1e-6, "\(name) value")
        let seed = try fx.tensor("seed")
        y.backward(seed.reshaped(y.shape))
        assertClose(x.grad!, try fx.tensor("grad"), rtol: 1e-4, atol: 1e-6, "\(name) gradient")
    }

    func testCrossEntropyWithClassesInDimensionOne() throws {
        try check("ce_class_dim1") { x, fx in crossEntropy(x, targets: fx.ints("targets"), classDim: 1) }
    }

    func testCrossEntropyWeightsIgnoreIndexSmoothingAndReductions() throws {
        for (name, reduction) in [("mean", LossReduction.mean), ("sum", .sum), ("none", .none)] {
            try check("ce_options_\(name)") { x, fx in
                crossEntropy(x, targets: fx.ints("targets"), weights: try fx.tensor("weights"), ignoreIndex: -100,
                             labelSmoothing: 0.1, reduction: reduction)
            }
        }
    }

    func testSoftmaxOverAnyDimension() throws {
        try check("softmax_dim0") { x, _ in x.softmax(dim: 0) }
        try check("log_softmax_dim1") { x, _ in x.logSoftmax(dim: 1) }
    }

    func testElementwiseLossReductions() throws {
        for (name, reduction) in [("sum", LossReduction.sum), ("none", .none)] {
            try check("mse_\(name)") { x, fx in mseLoss(x, try fx.tensor("target"), reduction: reduction) }
            try check("l1_\(name)") { x, fx in l1Loss(x, try fx.tensor("target"), reduction: reduction) }
            try check("bce_\(name)") { x, fx in bceWithLogits(x, try fx.tensor("target"), reduction: reduction) }
        }
    }

    func testMaxPoolWithDilationCeilModeAndIndices() throws {
        var indices: [Int] = []
        try check("maxpool_dilation_ceil") { x, _ in
            let r = maxPool2dWithIndices(x, kernel: 3, stride: 2, padding: 1, dilation: 2, ceilMode: true)
            indices = r.indices
            return r.output
        }
        XCTAssertEqual(indices, try Fixtures.load("options/maxpool_dilation_ceil.safetensors").ints("indices"))
    }

    func testAvgPoolWithPadding() throws {
        try check("avgpool_padding") { x, _ in avgPool2d(x, kernel: 3, stride: 2, padding: 1) }
    }

    func testRectangularTransposedConvolutionLayer() throws {
        try check("conv_transpose_rect") { x, fx in
            ConvTranspose2D(weight: try fx.tensor("weight"), bias: try fx.tensor("bias"), stride: (2, 1), padding: (0, 1))(x)
        }
    }
}
