import Foundation
import NeuralCore
import MediaIO
import RunKit
import ImageClassifierKit
import CharRNNKit
import DenoiserKit
import AudioTaggerKit
import GANSamplerKit

/// The models the pages use, loaded once at start-up from one folder (default: the bundled
/// Assets/models), with the sample pictures beside them. Each is read-only after loading, so
/// any number of requests use them at once.
public final class ShowcaseModels: Sendable {
    public let classifier: LoadedClassifier
    public let charRNN: CharRNNModel
    public let denoiser: LoadedDenoiser
    public let autoencoder: LoadedAutoencoder
    public let tagger: LoadedAudioTagger
    public let gan: LoadedGAN
    /// Sample pictures by name (file name in Assets/samples/photos and .../digits), for the denoiser page.
    public let samples: [String: String]

    /// The file names looked for in the models folder.
    public static let files = (classifier: "mnist-lenet.safetensors", charRNN: "shakespeare-lstm.safetensors",
                               denoiser: "photo-denoiser.safetensors", autoencoder: "mnist-conv-ae.safetensors",
                               tagger: "spoken-digits.safetensors", gan: "mnist-cgan.safetensors")

    /// Loads the six models from `folder` (default: the bundled ones).
    public init(folder: String? = nil) throws {
        func path(_ name: String) throws -> String {
            guard let folder else { return try BundledAssets.model(name) }
            let p = (folder as NSString).appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: p) else { throw AppError.badInput(folder, "has no \(name) (the showcase needs all six models of Assets/models)") }
            return p
        }
        classifier = try LoadedClassifier.load(try path(Self.files.classifier))
        charRNN = try CharRNNModel.load(try path(Self.files.charRNN)).model
        denoiser = try LoadedDenoiser.load(try path(Self.files.denoiser))
        autoencoder = try LoadedAutoencoder.load(try path(Self.files.autoencoder))
        tagger = try LoadedAudioTagger.load(try path(Self.files.tagger))
        gan = try LoadedGAN.load(try path(Self.files.gan))
        var found: [String: String] = [:]
        for sub in ["photos", "digits"] {
            let dir = (BundledAssets.folder as NSString).appendingPathComponent("samples/\(sub)")
            for f in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] where f.hasSuffix(".png") || f.hasSuffix(".jpg") {
                found[sub == "photos" ? f : "digit-\(f)"] = (dir as NSString).appendingPathComponent(f)
            }
        }
        samples = found
    }
}
