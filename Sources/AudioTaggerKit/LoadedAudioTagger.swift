import Foundation
import NeuralCore
import MediaIO
import Datasets
import Models
import RunKit

/// One clip's tags: the classes ranked by probability.
public struct ClipTags: Codable, Sendable {
    public struct Tag: Codable, Sendable { public var tag: String; public var probability: Double }
    public var top: [Tag]
}

/// A trained tagger from a checkpoint written by AudioTaggerTraining: the AudioCNN, its class
/// names and the features it was trained on. Its verbs run under `inference` and never change
/// the model, so one loaded tagger serves several tasks at once.
public final class LoadedAudioTagger: @unchecked Sendable {
    public let model: AudioCNN
    public let classes: [String]
    public let features: ClipFeatures

    static func metadata(settings s: AudioTaggerSettings, classes: [String]) -> [String: String] {
        s.features.metadata.merging(["kind": "audio-tagger", "arch": "audio_cnn", "width": "\(s.width)", "pooling": s.pooling.rawValue,
                                     "classes": classes.joined(separator: "\n")]) { a, _ in a }
    }

    public static func load(_ path: String) throws -> LoadedAudioTagger {
        let st = try SafetensorsFile.read(path: path)
        let m = st.metadata
        guard m["kind"] == "audio-tagger" else {
            throw AppError.badInput(path, "not an audio tagger model (\(m["kind"].map { "a \($0) model" } ?? m["arch"].map { "a \($0) checkpoint of the image classifier" } ?? "no audio-tagger metadata"))")
        }
        guard let features = ClipFeatures(metadata: m), let width = m["width"].flatMap(Int.init), (1...256).contains(width),
              let classes = m["classes"]?.split(separator: "\n", omittingEmptySubsequences: false).map(String.init), classes.count >= 2 else {
            throw AppError.badInput(path, "audio tagger metadata is incomplete or invalid")
        }
        guard let pooling = AudioTaggerSettings.Pooling(rawValue: m["pooling"] ?? "") else { throw AppError.badInput(path, "audio tagger metadata has no valid pooling") }
        var rng = RandomGenerator(seed: 0)
        let model = AudioCNN(classes: classes.count, width: width, frequencyBins: pooling == .time ? features.rows : nil, rng: &rng)
        do { try model.load(st, path: path) } catch let e as SafetensorsError { throw AppError.badInput(path, "weights do not match the metadata (\(e))") }
        model.eval()
        return LoadedAudioTagger(model: model, classes: classes, features: features)
    }

    init(model: AudioCNN, classes: [String], features: ClipFeatures) {
        self.model = model; self.classes = classes; self.features = features
    }

    /// Class probabilities (N, classes) of N windows of `features.windowSamples`.
    public func probabilities(windows: [[Float]]) throws -> [[Float]] {
        let extractor = try ClipFeatureExtractor(features)
        return probabilities(windows: windows, extractor: extractor)
    }

    /// The same with an extractor the caller keeps (a long file's batches share one).
    func probabilities(windows: [[Float]], extractor: ClipFeatureExtractor) -> [[Float]] {
        guard !windows.isEmpty else { return [] }
        let x = extractor.batch(windows: windows)
        let p = inference { model(x).softmax() }
        let c = classes.count
        return (0..<windows.count).map { k in Array(UnsafeBufferPointer(start: p.storage.pointer + k * c, count: c)) }
    }

    /// The top-k tags of one clip (fitted into the model's window).
    public func tags(clip: [Float], top k: Int) throws -> ClipTags {
        let p = try probabilities(windows: [features.fit(clip)])[0]
        let ranked = p.enumerated().sorted { $0.element > $1.element }.prefix(max(1, k))
        return ClipTags(top: ranked.map { .init(tag: classes[$0.offset], probability: Double($0.element)) })
    }

    /// Accuracy, per-class precision/recall, confusion (and per speaker) on labelled clips read
    /// with this model's classes and sample rate.
    public func evaluate(_ data: LabeledAudio) throws -> TaggerEvaluation {
        let x = try ClipFeatureExtractor(features).batch(clips: data.clips.map(\.samples))
        return TaggerEvaluation.of(model, inputs: x, labels: data.clips.map(\.label), classes: classes, speakers: data.clips.map(\.speaker))
    }

    /// Reads labelled data for this model (its sample rate and class list).
    public func read(_ sources: [String]) throws -> LabeledAudio {
        try LabeledAudio.load(sources, sampleRate: features.sampleRate, classes: classes)
    }
}
