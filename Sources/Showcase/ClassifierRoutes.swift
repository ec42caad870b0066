import Foundation
import Hummingbird
import MediaIO
import ImageClassifierKit

/// POST /api/classifier/predict?epsilon=E&frame=1 with an image as the body: the top 3 classes,
/// the saliency map, and the FGSM adversarial example at epsilon with its prediction.
struct ClassifierRoutes {
    struct Adversarial: Codable, Sendable {
        var epsilon: Float
        var top: [ClassScore]
        var image: String, perturbation: String
    }
    struct Answer: ResponseEncodable, Sendable {
        var top: [ClassScore]
        /// What the network saw (its input size, scaled up), the saliency over it.
        var input: String, saliency: String
        var adversarial: Adversarial
    }

    let services: ShowcaseServices

    func register(on router: Router<ShowcaseContext>) {
        router.post("/api/classifier/predict") { request, context -> Answer in
            let q = QueryValues(request)
            let epsilon = try q.float("epsilon", default: 0.1, in: 0...1)
            let body = try await request.body.collect(upTo: context.maxUploadSize)
            let classifier = services.models.classifier
            let frame = try q.bool("frame", default: classifier.arch.channels == 1)
            return try await services.uploads.withFile(body) { file in
                try await services.compute.run { try Self.answer(classifier, file: file, epsilon: epsilon, frame: frame) }
            }
        }
    }

    static func answer(_ c: LoadedClassifier, file: String, epsilon: Float, frame: Bool) throws -> Answer {
        let picture = try Image.read(file, mode: c.arch.channels == 1 ? .gray : .rgb, maxPixels: ShowcaseLimits.imagePixels)
        let seen = frame && c.arch.channels == 1 && c.arch.size == 28 ? DigitFraming.frame(picture) : picture
        let x = c.input(seen)
        let shown = Image(chw: x.scalars, channels: c.arch.channels, height: c.arch.size, width: c.arch.size)
        let sal = c.saliency(x)
        let attack = c.attack(x, epsilon: epsilon)
        let scale = max(1, 224 / c.arch.size)
        return Answer(top: sal.prediction.top, input: try shown.dataURL(scale: scale),
                      saliency: try c.saliencyPicture(shown, map: sal.map, size: c.arch.size * scale).dataURL(),
                      adversarial: Adversarial(epsilon: epsilon, top: attack.adversarial.top,
                                               image: try attack.image.dataURL(scale: scale),
                                               perturbation: try attack.perturbation.dataURL(scale: scale)))
    }
}
