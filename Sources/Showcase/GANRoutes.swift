import Foundation
import Hummingbird
import MediaIO
import GANSamplerKit

/// The GAN page: POST /api/gan/sample (a grid of samples of one class or of all, each latent
/// vector moved along a few fixed directions), POST /api/gan/interpolate (a walk between two
/// seeds, and classes, as frames).
struct GANRoutes {
    struct Sample: Codable, Sendable {
        var `class`: Int? = nil
        var seed: UInt64 = 1
        var count = 20
        var offsets: [Float] = []

        init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            `class` = try c.decodeIfPresent(Int.self, forKey: .class)
            seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? seed
            count = try checked(c.decodeIfPresent(Int.self, forKey: .count) ?? count, "count", in: 1...ShowcaseLimits.maxSamples)
            offsets = try c.decodeIfPresent([Float].self, forKey: .offsets) ?? []
            _ = try checked(offsets.count, "offsets' count", in: 0...8)
            for o in offsets { _ = try checked(o, "offset", in: -5...5) }
        }
    }
    struct Walk: Codable, Sendable {
        var fromSeed: UInt64, toSeed: UInt64
        var fromClass: Int?, toClass: Int?
        var steps: Int
    }
    struct Samples: ResponseEncodable, Sendable { var grid: String; var labels: [Int]; var columns: Int }
    struct Frames: ResponseEncodable, Sendable { var frames: [String] }
    struct About: ResponseEncodable, Sendable { var classes: Int; var latent: Int; var directions: Int }

    let services: ShowcaseServices

    func register(on router: Router<ShowcaseContext>) {
        let gan = services.models.gan, compute = services.compute
        router.get("/api/gan") { _, _ in About(classes: gan.classes, latent: gan.latent, directions: 8) }
        router.post("/api/gan/sample") { request, context -> Samples in
            let s = try await request.decode(as: Sample.self, context: context)
            return try await compute.run {
                let drawn = try gan.steered(count: s.count, cls: s.class, seed: s.seed, offsets: s.offsets)
                let columns = s.class == nil && gan.classes > 0 ? gan.classes : min(10, s.count)
                let pictures = SampleGrid.images(drawn.images)
                return Samples(grid: try SampleGrid.grid(pictures, columns: columns, scale: 2).dataURL(), labels: drawn.labels, columns: columns)
            }
        }
        router.post("/api/gan/interpolate") { request, context -> Frames in
            let w = try await request.decode(as: Walk.self, context: context)
            _ = try checked(w.steps, "steps", in: 2...ShowcaseLimits.maxFrames)
            return try await compute.run {
                let frames = try gan.interpolate(fromSeed: w.fromSeed, toSeed: w.toSeed, fromClass: w.fromClass, toClass: w.toClass, steps: w.steps)
                return Frames(frames: try frames.map { try $0.dataURL(scale: 4) })
            }
        }
    }
}
