import Foundation
import NeuralCore
import Models
import RunKit

/// An image classifier that judges samples: LeNet from an image-classifier checkpoint (by default
/// the bundled MNIST model), its class probabilities and its 128 penultimate features (fc1 after
/// ReLU), the space of the Frechet distance. Images (N, 1, 28, 28) in [0, 1].
public final class SampleJudge: @unchecked Sendable {
    let model: LeNet
    let mean: Float, std: Float
    public let classNames: [String]
    public let path: String

    public static func load(_ path: String? = nil) throws -> SampleJudge {
        let file = try path ?? BundledAssets.model("mnist-lenet.safetensors")
        let st = try SafetensorsFile.read(path: file)
        let m = st.metadata
        guard m["arch"] == "lenet", m["kind"] == nil else {
            throw AppError.badInput(file, "the judge must be a LeNet checkpoint of image-classifier (28x28 gray), not \(m["kind"] ?? m["arch"] ?? "this file")")
        }
        let names = m["classes"].flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) } ?? (0..<10).map(String.init)
        let model: LeNet
        do { model = try LeNet(stateDict: st.tensors) } catch { throw AppError.badInput(file, "weights are not a LeNet's (\(error))") }
        model.eval()
        return SampleJudge(model: model, mean: m["mean"].flatMap(Float.init) ?? 0, std: m["std"].flatMap(Float.init) ?? 1, classNames: names, path: file)
    }

    init(model: LeNet, mean: Float, std: Float, classNames: [String], path: String) {
        self.model = model; self.mean = mean; self.std = std; self.classNames = classNames; self.path = path
    }

    /// Probabilities (N x classes) and features (N x 128) of images in [0, 1], in chunks.
    public func judge(_ images: Tensor) -> (probabilities: [Float], features: [Float]) {
        var probs: [Float] = [], feats: [Float] = []
        let n = images.shape[0]
        for lo in stride(from: 0, to: n, by: 500) {
            let x = withoutGrad { images.slice(axis: 0, lo..<min(n, lo + 500)) }
            inference {
                let z = (x - mean) * (1 / std)
                var h = maxPool2d(model.conv1(z, then: nil, relu: true), kernel: 2)
                h = maxPool2d(model.conv2(h, then: nil, relu: true), kernel: 2)
                let f = model.fc1(h.flattened()).relu()           // (B, 128)
                feats += f.scalars
                probs += model.fc2(f).softmax().scalars            // (B, classes)
            }
        }
        return (probs, feats)
    }
}
