import Foundation
import Synchronization
import NeuralCore
import MediaIO
import DenoiserKit
import GANSamplerKit

/// The autoencoder's 2-D latent plane, drawn without a dataset: digits of every class drawn by
/// the bundled conditional GAN, encoded by the autoencoder (the dots, coloured by the class the
/// GAN was asked for), and the plane decoded on a grid behind them.
public struct LatentMap: Codable, Sendable {
    public struct Point: Codable, Sendable { public var x: Float; public var y: Float; public var label: Int }
    public var points: [Point]
    /// The plane's bounds (the middle 98 % of the codes, widened by a tenth on each side).
    public var xRange: [Float], yRange: [Float]
    /// The plane decoded on a grid over those bounds (x right, y up).
    public var manifold: String
    public var gridSize: Int

    static func make(autoencoder: LoadedAutoencoder, gan: LoadedGAN, perClass: Int = 40, grid: Int = 16) throws -> LatentMap {
        guard autoencoder.model.latent == 2 else { throw APIError(.notImplemented, "the autoencoder's latent space is not 2-D") }
        let count = perClass * max(1, gan.classes)
        let drawn = try gan.sample(count: count, seed: 11)
        let images = (drawn.images + 1) * 0.5    // [-1, 1] -> [0, 1]
        let z = autoencoder.encode(images).scalars
        let labels = drawn.labels.isEmpty ? [Int](repeating: 0, count: count) : drawn.labels
        func bounds(_ axis: Int) -> [Float] {
            let v = (0..<count).map { z[2 * $0 + axis] }.sorted()
            let lo = v[count / 100], hi = v[min(count - 1, count * 99 / 100)], pad = (hi - lo) / 10
            return [lo - pad, hi + pad]
        }
        let xr = bounds(0), yr = bounds(1)
        var codes: [Float] = []
        for r in 0..<grid { for c in 0..<grid {
            codes += [xr[0] + (xr[1] - xr[0]) * (Float(c) + 0.5) / Float(grid), yr[1] - (yr[1] - yr[0]) * (Float(r) + 0.5) / Float(grid)]
        } }
        let tiles = try stride(from: 0, to: codes.count, by: 2).map { try autoencoder.decode(code: [codes[$0], codes[$0 + 1]]) }
        let picture = Image.stack((0..<grid).map { r in Image.strip(Array(tiles[(r * grid)..<((r + 1) * grid)]), gap: 0) }, gap: 0)
        return LatentMap(points: (0..<count).map { Point(x: z[2 * $0], y: z[2 * $0 + 1], label: labels[$0]) },
                         xRange: xr, yRange: yr, manifold: try picture.dataURL(), gridSize: grid)
    }
}

/// The latent map, made on first use and kept.
final class LatentMapCache: Sendable {
    private let value = Mutex<LatentMap?>(nil)
    func get(_ make: () throws -> LatentMap) throws -> LatentMap {
        try value.withLock { m in
            if let m { return m }
            let made = try make(); m = made; return made
        }
    }
}
