import Foundation
import NeuralCore
import MediaIO
import Datasets
import Models
import RunKit

/// A trained denoising autoencoder from a checkpoint written by AutoencoderTraining. Its verbs
/// run under `inference` and never change the model.
public final class LoadedAutoencoder: @unchecked Sendable {
    public let model: ConvAutoencoder

    public static func load(_ path: String) throws -> LoadedAutoencoder {
        let st = try SafetensorsFile.read(path: path)
        let m = st.metadata
        guard m["kind"] == "autoencoder" else {
            throw AppError.badInput(path, "not an autoencoder (\(m["kind"].map { "a \($0) model" } ?? "no autoencoder metadata"); train one with --arch conv-ae)")
        }
        guard let latent = m["latent"].flatMap(Int.init), let size = m["size"].flatMap(Int.init), (1...1024).contains(latent),
              size >= 8, size <= 128, size % 4 == 0 else { throw AppError.badInput(path, "autoencoder metadata is incomplete or invalid") }
        var rng = RandomGenerator(seed: 0)
        let model = ConvAutoencoder(channels: 1, size: size, latent: latent, rng: &rng)
        do { try model.load(st, path: path) } catch let e as SafetensorsError { throw AppError.badInput(path, "weights do not match the metadata (\(e))") }
        model.eval()
        return LoadedAutoencoder(model: model)
    }

    init(model: ConvAutoencoder) { self.model = model }

    /// A picture as the network's input: gray, resized to its side. (1, 1, S, S)
    public func input(_ image: Image) -> Tensor {
        let s = model.size
        let g = (image.channels == 1 ? image : image.grayscale()).resized(width: s, height: s)
        return Tensor(shape: [1, 1, s, s], scalars: g.chw)
    }

    /// Codes of many images (N, 1, S, S) -> (N, latent), in batches of 500.
    public func encode(_ images: Tensor) -> Tensor {
        let n = images.shape[0]
        let parts = stride(from: 0, to: n, by: 500).map { s in inference { model.encode(images.slice(axis: 0, s..<Swift.min(n, s + 500))) } }
        return Tensor.concatenate(parts, axis: 0)
    }

    /// The picture decoded from one code (latent numbers): gray, the network's side.
    public func decode(code: [Float]) throws -> Image {
        guard code.count == model.latent, code.allSatisfy({ $0.isFinite }) else {
            throw AppError.badInput("code", "needs \(model.latent) finite numbers (got \(code.count))")
        }
        let s = model.size
        let y = inference { model.decode(Tensor(shape: [1, model.latent], scalars: code)) }
        return Image(chw: y.scalars, channels: 1, height: s, width: s)
    }

    /// The codes of a labelled set on a plane: as they are for a 2-D latent, else their first two
    /// principal components (axes named PC1, PC2).
    public func latentPlot(_ data: ImageClassificationData) -> ScatterPlot {
        let z = encode(data.data.images), d = model.latent, n = z.shape[0], v = z.scalars
        var xs: [(Double, Double)]
        var plot: ScatterPlot
        if d == 1 {
            xs = (0..<n).map { (Double(v[$0]), 0) }
        } else if d == 2 {
            xs = (0..<n).map { (Double(v[2 * $0]), Double(v[2 * $0 + 1])) }
        } else {
            xs = PrincipalComponents.project(v, rows: n, cols: d)
        }
        plot = ScatterPlot(zip(xs, data.data.labels).map { ScatterPlot.Point(x: $0.0.0, y: $0.0.1, label: $0.1) }, classNames: data.classNames)
        if d > 2 { plot.xLabel = "PC1"; plot.yLabel = "PC2" }
        return plot
    }

    /// For a 2-D latent: the pictures decoded on an n x n grid of codes spanning the middle 90 %
    /// of the codes of `images` on each axis (z1 left to right, z2 bottom to top): the plane of
    /// the scatter plot, drawn by the decoder.
    public func manifold(of images: Tensor, n: Int) -> Image {
        precondition(model.latent == 2, "manifold: needs a 2-D latent")
        let z = encode(images).scalars, count = z.count / 2
        func range(_ axis: Int) -> (Float, Float) {
            let v = (0..<count).map { z[2 * $0 + axis] }.sorted()
            return (v[count * 5 / 100], v[Swift.min(count - 1, count * 95 / 100)])
        }
        let (x0, x1) = range(0), (y0, y1) = range(1)
        var codes: [Float] = []
        for r in 0..<n { for c in 0..<n {
            codes += [x0 + (x1 - x0) * Float(c) / Float(n - 1), y1 - (y1 - y0) * Float(r) / Float(n - 1)]
        } }
        let decoded = inference { model.decode(Tensor(shape: [n * n, 2], scalars: codes)) }.scalars
        let s = model.size
        let tiles = (0..<(n * n)).map { Image(chw: Array(decoded[($0 * s * s)..<(($0 + 1) * s * s)]), channels: 1, height: s, width: s) }
        return Image.stack((0..<n).map { r in Image.strip(Array(tiles[(r * n)..<((r + 1) * n)]), gap: 0) }, gap: 0)
    }

    /// The pictures decoded along the straight line between the codes of a and b, `steps` of
    /// them (>= 2), a's and b's reconstructions at the ends.
    public func walk(_ a: Image, _ b: Image, steps: Int) -> [Image] {
        let za = inference { model.encode(input(a)) }.scalars, zb = inference { model.encode(input(b)) }.scalars
        var codes: [Float] = []
        for k in 0..<steps {
            let t = Float(k) / Float(steps - 1)
            codes += zip(za, zb).map { $0 + t * ($1 - $0) }
        }
        let decoded = inference { model.decode(Tensor(shape: [steps, model.latent], scalars: codes)) }
        let s = model.size
        return (0..<steps).map { Image(chw: Array(decoded.scalars[($0 * s * s)..<(($0 + 1) * s * s)]), channels: 1, height: s, width: s) }
    }

    /// The walk as one strip, a and b themselves (resized, gray) at both ends.
    public func interpolate(_ a: Image, _ b: Image, steps: Int) -> Image {
        let s = model.size
        let ends = [input(a), input(b)].map { Image(chw: $0.scalars, channels: 1, height: s, width: s) }
        return Image.strip([ends[0]] + walk(a, b, steps: steps) + [ends[1]], gap: 2)
    }

    /// Rows of clean | noisy (sigma on the 0..255 scale, from seed) | reconstructed, one per picture.
    public func denoisingStrip(_ images: [Image], sigma: Float, seed: UInt64) -> Image {
        var rng = RandomGenerator(seed: seed)
        let s = model.size
        let rows = images.map { img -> Image in
            let clean = input(img)
            let noisy = GaussianNoise.add(to: clean, sigmas: [sigma], using: &rng)
            let out = inference { model(noisy) }
            let shown = [clean.scalars, noisy.scalars.map { Swift.min(1, Swift.max(0, $0)) }, out.scalars]
            return Image.strip(shown.map { Image(chw: $0, channels: 1, height: s, width: s) }, gap: 2)
        }
        return Image.stack(rows, gap: 2)
    }
}
