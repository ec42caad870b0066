import MediaIO
import NeuralCore
import Require

/// MNIST-style images and labels: images (N, 1, H, W) scaled to [0, 1], labels 0..<classes.
public struct LabeledImages {
    public var images: Tensor
    public var labels: [Int]
    public var count: Int { labels.count }

    /// images (N, C, H, W) in [0, 1] and N labels.
    public init(images: Tensor, labels: [Int]) {
        require(images.shape.first == labels.count, "LabeledImages: \(images.shape) images for \(labels.count) labels")
        self.images = images; self.labels = labels
    }

    /// Reads an IDX image file and its label file.
    public static func readIDX(images: String, labels: String, limit: Int? = nil) throws -> LabeledImages {
        let im = try IDXFile.read(images), lb = try IDXFile.read(labels)
        guard im.shape.count == 3 else { throw MediaError.corrupt(path: images, reason: "expected (N, H, W) images, got \(im.shape)") }
        guard lb.shape.count == 1, lb.shape[0] == im.shape[0] else {
            throw MediaError.corrupt(path: labels, reason: "\(lb.shape) labels for \(im.shape[0]) images")
        }
        let n = Swift.min(im.shape[0], limit ?? Int.max), hw = im.shape[1] * im.shape[2]
        let t = Tensor(uninitializedShape: [n, 1, im.shape[1], im.shape[2]])
        let p = t.storage.pointer
        for i in 0..<(n * hw) { p[i] = Float(im.bytes[i]) / 255 }
        return LabeledImages(images: t, labels: lb.bytes.prefix(n).map(Int.init))
    }

    /// The samples at `indices`, gathered into one batch: images (B, C, H, W), labels.
    public func batch(_ indices: [Int]) -> (images: Tensor, labels: [Int]) {
        let per = images.count / Swift.max(count, 1)
        let out = Tensor(uninitializedShape: [indices.count] + Array(images.shape.dropFirst()))
        let src = images.storage.pointer, dst = out.storage.pointer
        for (k, i) in indices.enumerated() { (dst + k * per).update(from: src + i * per, count: per) }
        return (out, indices.map { labels[$0] })
    }

    /// Samples `range` (a copy).
    public func subset(_ range: Range<Int>) -> LabeledImages {
        LabeledImages(images: withoutGrad { images.slice(axis: 0, range) }, labels: Array(labels[range]))
    }
}
