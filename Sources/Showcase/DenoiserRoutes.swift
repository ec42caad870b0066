import Foundation
import Hummingbird
import NeuralCore
import MediaIO
import DenoiserKit

/// The denoiser page: GET /api/denoiser/samples, POST /api/denoiser/denoise (a sample by name
/// or a picture as the body, Gaussian noise of sigma added, denoised, PSNRs), GET
/// /api/denoiser/latent (the autoencoder's 2-D latent map), POST /api/denoiser/decode (one code).
struct DenoiserRoutes {
    struct Samples: ResponseEncodable, Sendable { var samples: [String] }
    struct Answer: ResponseEncodable, Sendable {
        var width: Int, height: Int
        var sigma: Float, seed: UInt64
        var clean: String, noisy: String, denoised: String
        var noisyPSNR: Double, psnr: Double
    }
    struct Code: Codable, Sendable { var x: Float; var y: Float }
    struct Decoded: ResponseEncodable, Sendable { var image: String }

    let services: ShowcaseServices

    func register(on router: Router<ShowcaseContext>) {
        let models = services.models, compute = services.compute
        router.get("/api/denoiser/samples") { _, _ in Samples(samples: models.samples.keys.sorted()) }
        router.post("/api/denoiser/denoise") { request, context -> Answer in
            let q = QueryValues(request)
            let sigma = try q.float("sigma", default: 25, in: 0...100)
            let seed = UInt64(try q.int("seed", default: 1, in: 0...Int.max))
            if let name = q.string("sample") {
                // Only names from the list; the name is never joined to a path.
                guard let file = models.samples[name] else {
                    throw APIError(.notFound, "no sample named \"\(name.prefix(60))\" (GET /api/denoiser/samples lists them)")
                }
                return try await compute.run { try Self.answer(models.denoiser, file: file, sigma: sigma, seed: seed) }
            }
            let body = try await request.body.collect(upTo: context.maxUploadSize)
            return try await services.uploads.withFile(body) { file in
                try await compute.run { try Self.answer(models.denoiser, file: file, sigma: sigma, seed: seed) }
            }
        }
        router.get("/api/denoiser/latent") { _, _ -> LatentMap in
            try await compute.run { try services.latentMap.get { try LatentMap.make(autoencoder: models.autoencoder, gan: models.gan) } }
        }
        router.post("/api/denoiser/decode") { request, context -> Decoded in
            let code = try await request.decode(as: Code.self, context: context)
            return try await compute.run { Decoded(image: try models.autoencoder.decode(code: [code.x, code.y]).dataURL(scale: 4)) }
        }
    }

    /// The picture (scaled down to ShowcaseLimits.photoSide), noisy in float from the seed,
    /// denoised; PSNRs against the clean picture, pictures clipped to 8 bits for the page.
    static func answer(_ d: LoadedDenoiser, file: String, sigma: Float, seed: UInt64) throws -> Answer {
        var clean = try Image.read(file, mode: .rgb, maxPixels: ShowcaseLimits.imagePixels)
        if clean.isGray { clean = clean.grayscale() }
        let side = max(clean.width, clean.height)
        if side > ShowcaseLimits.photoSide {
            let k = Double(ShowcaseLimits.photoSide) / Double(side)
            clean = clean.resized(width: max(1, Int(Double(clean.width) * k)), height: max(1, Int(Double(clean.height) * k)), filter: .area)
        }
        var rng = RandomGenerator(seed: seed)
        let noisy = GaussianNoise.noisy(clean, sigma: sigma, using: &rng)
        let denoised = d.denoise(noisy)
        return Answer(width: clean.width, height: clean.height, sigma: sigma, seed: seed,
                      clean: try clean.dataURL(), noisy: try noisy.dataURL(), denoised: try denoised.dataURL(),
                      noisyPSNR: ImageQuality.psnr(noisy, clean), psnr: ImageQuality.psnr(denoised, clean))
    }
}

extension LatentMap: ResponseEncodable {}
