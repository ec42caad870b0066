import Foundation
import NeuralCore

// Runs one misuse of the library, named by the first argument, so that a test can check that it
// stops the process with a clear message (a precondition) instead of going on.
let cases: [String: () -> Void] = [
    "backward-twice": {
        let x = Tensor(shape: [3], scalars: [1, 2, 3]).requiringGrad()
        let y = (x.exp() * x).sum()
        y.backward()
        y.backward()
    },
    "embedding-index": { _ = embedding([7], shape: [1], weight: Tensor.zeros([3, 4])) },
    "cross-entropy-class": { _ = crossEntropy(Tensor.zeros([1, 3]), targets: [5]) },
    "matmul-shapes": { _ = Tensor.zeros([2, 3]).matmul(Tensor.zeros([2, 2])) },
    "tensor-count": { _ = Tensor(shape: [4], scalars: [1, 2]) },
    "linear-shapes": { _ = linear(Tensor.zeros([2, 3]), weight: Tensor.zeros([4, 5]), bias: nil) },
    "conv2d-channels": { _ = conv2d(Tensor.zeros([1, 3, 8, 8]), weight: Tensor.zeros([4, 2, 3, 3]), bias: nil) },
    "avg-pool-kernel": { _ = avgPool2d(Tensor.zeros([1, 1, 4, 4]), kernel: 0) },
    "conv2d-stride": { _ = conv2d(Tensor.zeros([1, 1, 8, 8]), weight: Tensor.zeros([1, 1, 3, 3]), stride: (0, 1)) },
    "conv-transpose-output-padding": {
        _ = convTranspose2d(Tensor.zeros([1, 1, 4, 4]), weight: Tensor.zeros([1, 1, 3, 3]), stride: (2, 2), outputPadding: (2, 0))
    },
    "transpose-axes": { _ = Tensor.zeros([2, 3]).transposed(0, 2) },
    "concatenate-axis": { _ = Tensor.concatenate([Tensor.zeros([2, 3]), Tensor.zeros([2, 3])], axis: 2) },
    "stack-axis": { _ = Tensor.stack([Tensor.zeros([2, 3]), Tensor.zeros([2, 3])], axis: 4) },
    "max-pool-stride": { _ = maxPool2d(Tensor.zeros([1, 1, 4, 4]), kernel: 2, stride: 0) },
    "backward-nonscalar": {
        let x = Tensor(shape: [3], scalars: [1, 2, 3]).requiringGrad()
        (x * x).backward()
    },
]
guard CommandLine.arguments.count == 2, let run = cases[CommandLine.arguments[1]] else {
    FileHandle.standardError.write(Data("usage: misuse-probe \(cases.keys.sorted().joined(separator: "|"))\n".utf8))
    exit(2)
}
run()
print("no check stopped it")
