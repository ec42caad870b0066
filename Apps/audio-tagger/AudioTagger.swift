import ArgumentParser
import Foundation
import MediaIO
import Datasets
import RunKit
import CLI
import AudioTaggerKit
import CommandLineErrors

extension ClipFeatures.Kind: ExpressibleByArgument {}
extension AudioTaggerSettings.Pooling: ExpressibleByArgument {}
extension ClipFeatures.Padding: ExpressibleByArgument {}

/// Tag sounds with an AudioCNN on log-mel spectrograms: the command line of AudioTaggerKit.
@main
struct AudioTagger: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audio-tagger",
        abstract: "Collect spoken words with espeak-ng, train a sound tagger, score it, and tag clips, long recordings and videos' soundtracks.",
        version: deepMediaVersion,
        subcommands: [Collect.self, Train.self, Evaluate.self, Tag.self])
}

/// --model FILE (a checkpoint written by audio-tagger train), by default the bundled spoken-digit model.
struct ModelOption: ParsableArguments {
    @Option(help: "Checkpoint written by audio-tagger train (best.safetensors of a run); default: the bundled spoken-digit tagger.") var model: String?

    func load() throws -> LoadedAudioTagger { try LoadedAudioTagger.load(model ?? BundledAssets.model("spoken-digits.safetensors")) }
}

struct Collect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Synthesize a labelled data set with espeak-ng: OUT/<word>/<voice>_<k>.wav, each word in every voice with a random speed, pitch and amplitude.")

    @Option(help: "Comma-separated words, one class folder each.") var words = "zero,one,two,three,four,five,six,seven,eight,nine"
    @Option(help: "Comma-separated espeak-ng voices (language+variant, e.g. en-us+f3); default: 8 English accents x 12 variants.") var voices: String?
    @Option(parsing: .unconditional, help: "Clips per word and voice.") var variants = 2
    @Option(parsing: .unconditional, help: "Random seed of speed, pitch and amplitude.") var seed: UInt64 = 1
    @Option(help: "Output folder (files already there are replaced).") var out: String

    func settings() -> CollectSettings {
        var s = CollectSettings()
        s.words = words.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        s.voices = voices.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        s.variants = variants; s.seed = seed
        return s
    }

    func validate() throws { try flagged { try settings().validate() } }

    func run() throws {
        let r = try SpeechCollection.collect(settings(), out: out, events: TerminalProgress(), cancellation: Interrupt.installed())
        print("\(r.clips) clips (\(r.words) words x \(r.voices) voices x \(variants)) in \(r.folder)")
    }
}

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train an AudioCNN on labelled clips; writes a run folder. Ctrl-C saves; --resume continues.",
        discussion: """
            --data takes a folder with one subfolder per class of audio files (any format), or the Free Spoken \
            Digit layout ({digit}_{speaker}_{index}.wav in a folder or a .tar.gz; the class is the digit's \
            word); several --data are mixed. Clips are resampled to --sample-rate, mono, placed in a \
            --clip-second window around their energy centroid.
            """)

    @Option(help: "Data source (repeat to mix sources).") var data: [String] = []
    @Option(name: .customLong("sample-rate"), parsing: .unconditional, help: "Sample rate clips are resampled to.") var sampleRate = 8000
    @Option(parsing: .unconditional, help: "Seconds of audio per window.") var clip = 1.0
    @Option(help: "Input features.") var features: ClipFeatures.Kind = .logmel
    @Option(help: "What fills the window around a short clip: zeros, or the clip's own quietest 50 ms (background).") var padding: ClipFeatures.Padding = .zeros
    @Flag(inversion: .prefixedNo, help: "Time shift, gain, white noise and other recordings mixed in, speed/pitch, SpecAugment masks.") var augment = true
    @Option(parsing: .unconditional, help: "AudioCNN width (16: the benchmark's audio_cnn).") var width = 16
    @Option(help: "time: average over time only, the last layer sees frequency; global: the benchmark's audio_cnn.") var pooling: AudioTaggerSettings.Pooling = .time
    @Option(parsing: .unconditional, help: "Dropout before the last layer.") var dropout: Float = 0
    @Option(parsing: .unconditional, help: "Epochs (default 20 unless --minutes).") var epochs: Int?
    @Option(parsing: .unconditional, help: "Minutes of training.") var minutes: Double?
    @Option(name: .customLong("batch-size"), parsing: .unconditional, help: "Clips per step.") var batchSize = 32
    @Option(parsing: .unconditional, help: "Peak learning rate (AdamW, cosine decay).") var lr: Float = 3e-3
    @Option(name: .customLong("val-speakers"), help: "Comma-separated speakers held out for validation.") var valSpeakers: String?
    @Option(name: .customLong("val-fraction"), parsing: .unconditional, help: "Without --val-speakers: the share of each class held out.") var valFraction = 0.1
    @Option(parsing: .unconditional, help: "Stop after this many epochs without a better validation accuracy.") var patience: Int?
    @Option(parsing: .unconditional, help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Run folder.") var out = "runs/audio-tagger"
    @Option(help: "Continue the run in this folder.") var resume: String?
    @Flag(help: "Replace a run already in --out.") var overwrite = false
    @OptionGroup var common: CommonOptions

    func settings() -> AudioTaggerSettings {
        var s = AudioTaggerSettings()
        s.data = data; s.features.sampleRate = sampleRate; s.features.clipSeconds = clip; s.features.kind = features; s.features.padding = padding
        s.augment = augment; s.width = width; s.pooling = pooling; s.dropout = dropout; s.epochs = epochs; s.minutes = minutes; s.batchSize = batchSize
        s.lr = lr; s.valSpeakers = valSpeakers.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        s.valFraction = valFraction; s.patience = patience; s.seed = seed
        return s
    }

    func validate() throws {
        try flagged { try settings().validate() }
        if resume == nil && data.isEmpty { throw ValidationError("--data DIR|FILE.tar.gz is required (or --resume RUN_DIR)") }
    }

    func run() throws {
        try common.apply()
        let events = TerminalProgress(), interrupt = Interrupt.installed()
        let r = try flagged {
            if let resume {
                return try AudioTaggerTraining.resume(resume, ResumeOverrides(epochs: epochs, minutes: minutes, patience: patience),
                                                      threads: common.threads, events: events, cancellation: interrupt)
            }
            return try AudioTaggerTraining.run(settings(), out: out, overwrite: overwrite, threads: common.threads, events: events, cancellation: interrupt)
        }
        if r.outcome == "cancelled" {
            print("interrupted: checkpoint saved; continue with: audio-tagger train --resume \(r.runFolder)")
            throw ExitCode(130)
        }
        let speakers = (r.perSpeaker ?? [:]).sorted { $0.key < $1.key }.map { String(format: "%@ %.1f %%", $0.key, 100 * $0.value) }
        let scores = r.validationClips == 0 ? "no validation clips" : String(format: "validation accuracy %.2f %% on %d clips%@", 100 * r.validationAccuracy,
                                                                                r.validationClips, speakers.isEmpty ? "" : " (" + speakers.joined(separator: ", ") + ")")
        print(String(format: "trained %d epochs (%.1f min) on %d clips: %@; run folder %@", r.epochs, r.minutes, r.trainingClips, scores, r.runFolder))
    }
}

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Accuracy, per-class precision and recall, and the confusion matrix on labelled clips (layouts as train's --data).")

    @Option(help: "Data source (repeat to mix sources).") var data: [String]
    @OptionGroup var modelOption: ModelOption
    @Flag(help: "Print one JSON object.") var json = false
    @OptionGroup var common: CommonOptions

    func run() throws {
        try common.apply()
        let m = try modelOption.load()
        let r = try m.evaluate(try m.read(data))
        var text = String(format: "accuracy %.2f %% on %d clips\n", 100 * r.accuracy, r.count)
        for c in r.perClass { text += String(format: "  %-10@ precision %5.1f %%  recall %5.1f %%  (%d clips)\n", c.name, 100 * c.precision, 100 * c.recall, c.count) }
        for (s, a) in (r.perSpeaker ?? [:]).sorted(by: { $0.key < $1.key }) { text += String(format: "  speaker %@: %.1f %%\n", s, 100 * a) }
        try ResultOutput.emit(r, json: json, text: text.trimmingCharacters(in: .newlines))
    }
}

struct Tag: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Tag sound files and videos' soundtracks: a short clip gets its top tags; a long recording a timeline of segments.",
        discussion: """
            A long recording is read in windows every --hop seconds (streamed: memory stays bounded for hours \
            of audio); a window whose middle half is quieter than --silence-db, or whose best tag is below \
            --threshold, gets no tag; neighbouring windows with the same tag merge into a segment.
            """)

    @Argument(help: "Sound or video files.") var files: [String]
    @OptionGroup var modelOption: ModelOption
    @Option(parsing: .unconditional, help: "Seconds per window (default: the model's clip).") var window: Double?
    @Option(parsing: .unconditional, help: "Seconds between windows.") var hop = 0.25
    @Option(parsing: .unconditional, help: "Tags listed for a short clip.") var top = 3
    @Option(parsing: .unconditional, help: "Lowest probability that counts as a tag.") var threshold: Float = 0.5
    @Option(name: .customLong("silence-db"), parsing: .unconditional, help: "Windows quieter than this (dB RMS, full scale 0) are silence.") var silenceDB: Float = -45
    @Flag(help: "One JSON line per file.") var json = false
    @Option(help: "Folder for a spectrogram PNG (and SVG) per file with its segments.") var out: String?
    @OptionGroup var common: CommonOptions

    func options() -> TagOptions {
        var o = TagOptions()
        o.window = window; o.hop = hop; o.top = top; o.threshold = threshold; o.silenceDB = silenceDB
        return o
    }

    func validate() throws { try flagged { try options().validate() } }

    func run() throws {
        try common.apply()
        let m = try modelOption.load()
        let folder = try out.map { try RunFolder($0) }
        for f in files {
            let stem = ((f as NSString).lastPathComponent as NSString).deletingPathExtension
            let bar = TerminalProgress()
            let r = try flagged {
                try m.tag(file: f, options: options(), picture: folder?.file(stem + ".png")) { done, total in
                    bar.progress(TrainingProgress(label: (f as NSString).lastPathComponent, done: Int(done), total: Int(max(total ?? done, done)), unit: "s", fields: []))
                }
            }
            var text: String
            if let t = r.top {
                text = "\(f): " + t.map { String(format: "%@ %.1f %%", $0.tag, 100 * $0.probability) }.joined(separator: ", ")
                if r.segments.isEmpty { text += " (silent or below the threshold: no tag)" }
            } else {
                text = String(format: "%@: %.1f s, %d segments", f, r.duration, r.segments.count)
                for s in r.segments { text += String(format: "\n  %8.2f %8.2f  %@  %.2f", s.start, s.end, s.tag, s.confidence) }
            }
            try ResultOutput.emit(r, json: json, text: text)
        }
    }
}
