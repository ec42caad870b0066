import NeuralCore
import Require

/// Additive Gaussian noise as the denoising papers add it: standard deviation sigma/255 on images
/// in [0, 1], in float, no clipping or rounding, drawn from the given generator.
public enum GaussianNoise {
    /// x (N, C, H, W) plus noise of sigmas[n]/255 for sample n.
    public static func add(to x: Tensor, sigmas: [Float], using rng: inout RandomGenerator) -> Tensor {
        let n = x.shape[0], per = x.count / Swift.max(n, 1)
        require(sigmas.count == n, "GaussianNoise: \(sigmas.count) sigmas for \(n) samples")
        let noise = Tensor.normal(x.shape, using: &rng)
        let out = Tensor(uninitializedShape: x.shape)
        let px = x.storage.pointer, pn = noise.storage.pointer, po = out.storage.pointer
        for s in 0..<n {
            let k = sigmas[s] / 255
            for i in (s * per)..<((s + 1) * per) { po[i] = px[i] + k * pn[i] }
        }
        return out
    }
}
