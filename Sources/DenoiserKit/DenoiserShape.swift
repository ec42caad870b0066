import NeuralCore
import Models
import RunKit

/// A photo denoiser's network as settings and checkpoint metadata describe it.
public struct DenoiserShape: Sendable, Equatable {
    public var arch: DenoiserArchitecture
    /// DnCNN: layers, width, pixel-unshuffle factor (levels 0); U-Net: width at full size, halvings
    /// (depth 0, downscale 1).
    public var depth: Int, channels: Int, downscale: Int, levels: Int

    public init(_ s: DenoiserSettings) {
        arch = s.arch ?? .dncnn; channels = s.channels
        let unet = arch == .unet
        depth = unet ? 0 : s.depth; downscale = unet ? 1 : s.downscale ?? 1; levels = unet ? s.levels ?? 3 : 0
    }

    /// From a checkpoint's metadata (models before 2026-11-28 have no "arch" for a DnCNN, before
    /// 2026-11-27 no "downscale").
    init(metadata m: [String: String], path: String) throws {
        guard let a = DenoiserArchitecture(rawValue: m["arch"] ?? "dncnn") else { throw AppError.badInput(path, "denoiser metadata has arch \(m["arch"] ?? "")") }
        arch = a
        guard let width = m["channels"].flatMap(Int.init), width >= 1, width <= 512 else { throw AppError.badInput(path, "denoiser metadata is incomplete or invalid") }
        channels = width
        switch a {
        case .dncnn:
            guard let d = m["depth"].flatMap(Int.init), d >= 3, d <= 64 else { throw AppError.badInput(path, "denoiser metadata is incomplete or invalid") }
            depth = d
            downscale = m["downscale"].flatMap(Int.init) ?? 1
            guard (1...4).contains(downscale) else { throw AppError.badInput(path, "denoiser metadata has downscale \(m["downscale"] ?? "")") }
            levels = 0
        case .unet:
            guard let l = m["levels"].flatMap(Int.init), (1...5).contains(l), width << l <= 1024 else { throw AppError.badInput(path, "denoiser metadata has levels \(m["levels"] ?? "(none)")") }
            levels = l; depth = 0; downscale = 1
        }
    }

    public func network(rng: inout RandomGenerator) -> any DenoisingNetwork {
        switch arch {
        case .dncnn: DnCNN(channels: 1, width: channels, middleLayers: depth - 2, downscale: downscale, rng: &rng)
        case .unet: UNetDenoiser(channels: 1, width: channels, levels: levels, rng: &rng)
        }
    }

    /// Settings that build this network.
    public func apply(to s: inout DenoiserSettings) {
        s.arch = arch == .dncnn ? nil : arch; s.channels = channels
        s.downscale = downscale == 1 ? nil : downscale; s.levels = arch == .unet ? levels : nil
        if arch == .dncnn { s.depth = depth }
    }

    /// Checkpoint metadata that `init(metadata:path:)` reads back.
    public var metadata: [String: String] {
        switch arch {
        case .dncnn: ["arch": "dncnn", "depth": "\(depth)", "channels": "\(channels)", "downscale": "\(downscale)"]
        case .unet: ["arch": "unet", "channels": "\(channels)", "levels": "\(levels)"]
        }
    }

    /// One line: "dncnn 15x64 on 2x2 sub-images", "unet 32 channels, 3 levels".
    public var description: String {
        switch arch {
        case .dncnn: "dncnn \(depth)x\(channels)\(downscale > 1 ? " on \(downscale)x\(downscale) sub-images" : "")"
        case .unet: "unet \(channels) channels, \(levels) levels"
        }
    }
}
