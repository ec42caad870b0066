import ArgumentParser
import Foundation
import NeuralCore
import MediaIO
import Datasets
import RunKit
import CLI
import DenoiserKit
import CommandLineErrors

extension ImageClassificationData.IDXSplit: ExpressibleByArgument {}

/// Remove noise from pictures with a DnCNN: the command line of DenoiserKit (first version:
/// gray DnCNN models, images; video, the conv-ae lab and a bundled model come next).
@main
struct Denoiser: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "denoiser",
        abstract: "Train a DnCNN denoiser on pictures, denoise images and videos, score it by the standard protocol, add noise for demos; train the course's denoising autoencoder (--arch conv-ae) and look into its latent space.",
        version: deepMediaVersion,
        subcommands: [Train.self, Denoise.self, Evaluate.self, AddNoise.self, Latent.self, Interpolate.self, Reconstruct.self])
}

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Train on random patches of the images in a folder or a .tar.gz; writes a run folder. Ctrl-C saves; --resume continues.")

    enum Arch: String, ExpressibleByArgument, CaseIterable { case dncnn, unet, convAE = "conv-ae" }

    @Option(help: "Folder of images or a .tar.gz of them; for conv-ae MNIST IDX files or one subfolder per class (required unless --resume).") var data: String?
    @Option(help: "dncnn: a residual denoiser for photos (Zhang et al. 2017); unet: the same residual learning over --levels halvings of the picture (a wider view for the same work per pixel); conv-ae: the course's denoising autoencoder with a bottleneck of --latent numbers.") var arch: Arch = .dncnn
    @Option(parsing: .unconditional, help: "conv-ae: numbers in the bottleneck (2 can be drawn as they are).") var latent: Int = 2
    @Option(parsing: .unconditional, help: "conv-ae: side the images are resized to (a multiple of 4).") var size: Int = 28
    @Option(parsing: .unconditional, help: "Layers of the DnCNN.") var depth: Int = 17
    @Option(parsing: .unconditional, help: "Channels of the DnCNN's middle layers (default 64), or of the U-Net's full-size level, doubled at each level down (default 32).") var channels: Int?
    @Option(parsing: .unconditional, help: "unet: halvings of the picture (default 3; sizes are padded to multiples of 2^levels).") var levels: Int?
    @Option(parsing: .unconditional, help: "Run the network on NxN pixel-unshuffled sub-images (N² fewer pixels per layer, N times the receptive field; FFDNet's layout). 1: plain DnCNN.") var downscale: Int = 1
    @Option(parsing: .unconditional, help: "A fixed noise level (0..255 scale); without it the model is blind over --sigma-range.") var sigma: Float?
    @Option(name: .customLong("sigma-range"), help: "Blind training range A,B (0..255 scale; default 0,55, for conv-ae 0,80).") var sigmaRange: String?
    @Option(parsing: .unconditional, help: "Patch side in pixels.") var patch: Int = 40
    @Option(name: .customLong("batch-size"), parsing: .unconditional, help: "Patches (conv-ae: images) per step.") var batchSize: Int = 128
    @Option(name: .customLong("patches-per-epoch"), parsing: .unconditional, help: "Patches in one epoch.") var patchesPerEpoch: Int = 12_800
    @Option(parsing: .unconditional, help: "Epochs (default 10 unless --minutes).") var epochs: Int?
    @Option(parsing: .unconditional, help: "Minutes of training.") var minutes: Double?
    @Option(parsing: .unconditional, help: "Peak learning rate (Adam, cosine decay).") var lr: Float = 1e-3
    @Option(name: .customLong("init"), help: "Start from this denoiser model's weights (fine-tuning; its architecture is used).") var initModel: String?
    @Option(parsing: .unconditional, help: "Steps over which the learning rate rises to --lr (default 100 with --init, else 0).") var warmup: Int?
    @Option(name: .customLong("val-fraction"), parsing: .unconditional, help: "Last fraction of the images held out (scored at sigma 25; conv-ae: 0.3 on the 0..1 scale). Default 0.05, conv-ae 0.1.") var valFraction: Double?
    @Option(parsing: .unconditional, help: "Random seed.") var seed: UInt64 = 1
    @Option(parsing: .unconditional, help: "dncnn, unet: also keep an exponential moving average of the weights (decay per step, e.g. 0.999); validation scores it and best.safetensors holds it, its batch-norm statistics recomputed over 25 training batches each time. With --resume: average from the resumed weights on.") var ema: Float?
    @Option(help: "Run folder.") var out: String = "runs/denoiser"
    @Option(help: "Continue the run in this folder.") var resume: String?
    @Flag(help: "Replace a run already in --out.") var overwrite = false
    @OptionGroup var common: CommonOptions

    func settings() throws -> DenoiserSettings {
        var s = DenoiserSettings()
        s.data = data; s.depth = depth; s.sigma = sigma
        s.arch = arch == .unet ? .unet : nil
        s.channels = channels ?? (arch == .unet ? 32 : 64); s.levels = levels
        s.downscale = downscale == 1 ? nil : downscale
        if let sigmaRange { s.sigmaRange = try numberList(sigmaRange, flag: "--sigma-range", in: 0...255) }
        s.patch = patch; s.batchSize = batchSize; s.patchesPerEpoch = patchesPerEpoch; s.epochs = epochs; s.minutes = minutes
        s.lr = lr; s.valFraction = valFraction ?? s.valFraction; s.seed = seed
        s.startFrom = initModel; s.warmupSteps = warmup ?? (initModel == nil ? 0 : 100)
        s.ema = ema
        return s
    }

    func autoencoderSettings() throws -> AutoencoderSettings {
        var s = AutoencoderSettings()
        s.data = data; s.latent = latent; s.size = size; s.sigma = sigma
        if let sigmaRange { s.sigmaRange = try numberList(sigmaRange, flag: "--sigma-range", in: 0...255) }
        s.batchSize = batchSize; s.epochs = epochs; s.minutes = minutes; s.lr = lr; s.valFraction = valFraction ?? s.valFraction; s.seed = seed
        return s
    }

    func validate() throws {
        let s = try settings()
        try flagged { try s.validate() }
        if resume == nil && data == nil { throw ValidationError("--data DIR|FILE.tar.gz is required (or --resume RUN_DIR)") }
        if initModel != nil && (arch == .convAE || resume != nil) { throw ValidationError("--init starts a new dncnn or unet run (not with --arch conv-ae or --resume)") }
        if ema != nil && arch == .convAE { throw ValidationError("--ema is for dncnn and unet runs") }
    }

    func run() throws {
        try common.apply()
        let events = TerminalProgress(), interrupt = Interrupt.installed()
        let r = try flagged {
            let overrides = ResumeOverrides(epochs: epochs, minutes: minutes, data: data)
            if let resume {
                return try DenoiserTraining.resume(resume, overrides, ema: ema, threads: common.threads, events: events, cancellation: interrupt)
            }
            if arch == .convAE {
                return try AutoencoderTraining.run(try autoencoderSettings(), out: out, overwrite: overwrite, threads: common.threads,
                                                   events: events, cancellation: interrupt)
            }
            return try DenoiserTraining.run(try settings(), out: out, overwrite: overwrite, threads: common.threads, events: events, cancellation: interrupt)
        }
        if r.outcome == "cancelled" {
            print("interrupted after \(r.steps) steps: checkpoint saved; continue with: denoiser train --resume \(r.runFolder)")
            throw ExitCode(130)
        }
        if r.validationPSNR.isNaN {
            print(String(format: "trained %d steps (%.1f min), no validation images; run folder %@", r.steps, r.minutes, r.runFolder))
        } else if r.validationNoisyPSNR.isNaN {
            print(String(format: "trained %d steps (%.1f min): validation PSNR %.2f dB at sigma 0.3; run folder %@", r.steps, r.minutes, r.validationPSNR, r.runFolder))
        } else {
            print(String(format: "trained %d steps (%.1f min): validation PSNR %.2f dB at sigma 25 (noisy %.2f); run folder %@",
                         r.steps, r.minutes, r.validationPSNR, r.validationNoisyPSNR, r.runFolder))
        }
    }
}

/// --model FILE (a checkpoint written by denoiser train), by default the bundled photo denoiser.
struct ModelOption: ParsableArguments {
    @Option(help: "Checkpoint written by denoiser train (best.safetensors or checkpoint.safetensors of a run); default: the bundled blind photo denoiser.") var model: String?

    @Option(parsing: .unconditional, help: "Denoise each picture in N of its flips and rotations and average the N results, turned back (1, 2, 4 or 8): N times the work for a cleaner picture (sigma 25 on Set12: +0.2 dB with 8). Default: 8 for pictures up to 1 megapixel (evaluate: 8 always), 1 for larger ones and for video frames.") var ensemble: Int?

    func validate() throws {
        if let ensemble, !SelfEnsemble.sizes.contains(ensemble) { throw ValidationError("--ensemble must be 1, 2, 4 or 8") }
    }

    func load() throws -> LoadedDenoiser { try LoadedDenoiser.load(model ?? BundledAssets.model("photo-denoiser.safetensors")) }
}

struct Denoise: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Denoise images and videos; a gray model runs on each colour channel (R, G, B) on its own.",
        discussion: """
            Images are written as PNG; large ones go through in tiles of 256 pixels (512 for a U-Net) whose overlap covers the \
            network's receptive field, so no seams show. Videos (.mp4, .mkv, .webm, .avi, .mov, .m4v) are \
            denoised frame by frame and written with the same frame rate and the audio track copied \
            unchanged (odd sides are rounded up to even); progress shows frames/s and the time left. \
            Ctrl-C stops a video and leaves no file behind.
            """)

    @Argument(help: "Image or video files, or folders of them.") var inputs: [String]
    @OptionGroup var modelOption: ModelOption
    @Option(help: "Output folder, or a file name for one input (.png for an image, .mp4/.mkv for a video).") var out: String
    @Flag(help: "Print one JSON object per video.") var json = false
    @OptionGroup var common: CommonOptions

    func run() throws {
        try common.apply()
        let d = try modelOption.load()
        let (files, skipped) = try InputPaths.expand(inputs, extensions: ImageClassificationData.imageExtensions.union(VideoDecoder.fileExtensions))
        if let note = InputPaths.note(skipped, kind: "images or videos") { TerminalProgress.log(note) }
        guard !files.isEmpty else { throw ValidationError("no image or video files in \(inputs.joined(separator: ", "))") }
        do {
            try DenoiseJob.run(files, out: out, model: d, ensemble: modelOption.ensemble, cancellation: Interrupt.installed(),
                               progress: { TerminalProgress(label: $0, since: $1) }) { done in
                switch done {
                case let .video(f, target, r):
                    try ResultOutput.emit(r, json: json, text: String(format: "%@ -> %@: %d frames %dx%d at %.3g fps%@, %.1f frames/s",
                                                                       f, target, r.frames, r.width, r.height, r.frameRate, r.audio ? " with its audio" : "", r.framesPerSecond))
                case let .picture(f, target, _, note):
                    if let note { TerminalProgress.log(note) }
                    if !json { print("\(f) -> \(target)") }
                }
            }
        } catch let e as DenoiseInterrupted {
            TerminalProgress.log(e.description)
            throw ExitCode(130)
        }
    }
}

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The standard protocol: Gaussian noise of sigma/255 added in float from --seed to each clean image, denoised, PSNR and SSIM.")

    @Option(help: "Folder of clean images or a .tar.gz of them.") var data: String
    @Option(parsing: .unconditional, help: "Noise level on the 0..255 scale.") var sigma: Float
    @Option(parsing: .unconditional, help: "Seed of the noise.") var seed: UInt64 = 0
    @OptionGroup var modelOption: ModelOption
    @Flag(help: "Print one JSON object.") var json = false
    @OptionGroup var common: CommonOptions

    func validate() throws { guard sigma >= 0, sigma <= 255 else { throw ValidationError("--sigma must be in [0, 255]") } }

    func run() throws {
        try common.apply()
        let d = try modelOption.load()
        d.ensemble = modelOption.ensemble ?? 8
        if let t = d.trainedSigma, t != sigma { TerminalProgress.log("note: this model was trained for sigma \(t), evaluated at \(sigma)") }
        let set = try ImagePatches.load(data, channels: 1)
        let r = d.evaluate(Array(zip(set.names, set.images)).map { (file: $0.0, image: $0.1) }, sigma: sigma, seed: seed)
        try ResultOutput.emit(r, json: json, text: String(format: "PSNR %.2f dB, SSIM %.4f on %d images at sigma %.0f (noisy input: %.2f dB, %.4f)",
                                                           r.psnr, r.ssim, r.count, r.sigma, r.noisyPSNR, r.noisySSIM))
    }
}

struct AddNoise: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add-noise", abstract: "Write an image or a video with Gaussian noise of sigma/255 added (clipped to 8 bits in the file; a video keeps its frame rate and audio).")

    @Argument(help: "Image or video file.") var input: String
    @Option(parsing: .unconditional, help: "Noise level on the 0..255 scale.") var sigma: Float
    @Option(help: "Output file (.png, .jpg, ... for an image; .mp4, .mkv, ... for a video).") var out: String
    @Option(parsing: .unconditional, help: "Seed of the noise (frame k of a video: seed + k).") var seed: UInt64 = 0
    @OptionGroup var common: CommonOptions

    func validate() throws { guard sigma >= 0, sigma <= 255 else { throw ValidationError("--sigma must be in [0, 255]") } }

    func run() throws {
        try common.apply()
        let frames = try GaussianNoise.addToFile(input, to: out, sigma: sigma, seed: seed)
        print("wrote \(out)\(frames.map { " (\($0) frames)" } ?? "")")
    }
}

/// --model FILE for the autoencoder commands (default: the bundled MNIST conv-ae).
struct AutoencoderOption: ParsableArguments {
    @Option(help: "A conv-ae checkpoint written by denoiser train --arch conv-ae (default: the bundled MNIST one, latent 2).") var model: String?

    func load() throws -> LoadedAutoencoder { try LoadedAutoencoder.load(model ?? BundledAssets.model("mnist-conv-ae.safetensors")) }
}

struct Latent: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw a conv-ae's latent space: the codes of labelled images as points coloured by class (a 2-D latent as it is, a wider one by its first two principal components).")

    @Option(help: "MNIST IDX files (the training set, or t10k with --split), CIFAR-10 batches or one subfolder per class.") var data: String
    @Option(help: "IDX set to read: train or t10k.") var split: ImageClassificationData.IDXSplit?
    @Option(parsing: .unconditional, help: "Use at most this many images.") var limit: Int = 5000
    @OptionGroup var modelOption: AutoencoderOption
    @Option(help: "Output PNG (the points); an SVG with axes and the class names is written beside it.") var out: String
    @OptionGroup var common: CommonOptions

    func validate() throws { guard limit >= 1 else { throw ValidationError("--limit must be positive") } }

    func run() throws {
        try common.apply()
        let ae = try modelOption.load()
        let data = try ImageClassificationData.load(data, channels: 1, height: ae.model.size, width: ae.model.size, limit: limit, split: split)
        let files = try ae.writeLatent(data, to: out)
        print("\(data.count) codes (latent \(ae.model.latent)\(ae.model.latent > 2 ? ", first two principal components" : "")): \(files.joined(separator: ", "))")
    }
}

struct Interpolate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Decode a straight walk between the codes of two pictures with a conv-ae: one strip with the two pictures at its ends (.png), or a video of the walk there and back (.mp4, .mkv, ...).")

    @Argument(help: "First picture (with --data: an index into the set).") var a: String
    @Argument(help: "Second picture (with --data: an index into the set).") var b: String
    @Option(help: "Take the two pictures from this set (MNIST IDX files, CIFAR-10 batches or class subfolders) by index.") var data: String?
    @Option(parsing: .unconditional, help: "Decoded pictures between them, ends included (2...64; a video: up to 2400).") var steps: Int = 8
    @Option(parsing: .unconditional, help: "Frames per second of a video --out.") var fps: Double = 12
    @Option(help: "A sound or video file whose audio track becomes the video's soundtrack, copied as it is (PCM WAV needs an .mkv --out).") var audio: String?
    @OptionGroup var modelOption: AutoencoderOption
    @Option(help: "Output PNG, or a video (.mp4, .mkv, ...).") var out: String
    @OptionGroup var common: CommonOptions

    var isVideo: Bool { VideoDecoder.fileExtensions.contains((out as NSString).pathExtension.lowercased()) }

    func validate() throws {
        guard (2...(isVideo ? 2400 : 64)).contains(steps) else { throw ValidationError("--steps must be in 2...\(isVideo ? 2400 : 64)") }
        guard fps > 0, fps <= 240 else { throw ValidationError("--fps must be in (0, 240]") }
        if audio != nil && !isVideo { throw ValidationError("--audio needs a video --out (.mkv, .mp4, ...)") }
    }

    func run() throws {
        try common.apply()
        let ae = try modelOption.load()
        let pictures = try PictureSource(data, size: ae.model.size)
        let n = try ae.writeWalk(try pictures.picture(a), try pictures.picture(b), steps: steps, fps: fps, audio: audio, to: out)
        print(isVideo ? "\(n) frames from \(a) to \(b) and back at \(fps) fps: \(out)" : "\(n) steps from \(a) to \(b): \(out)")
    }
}

struct Reconstruct: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Rows of clean | noisy | reconstructed for pictures through a conv-ae (the denoising autoencoder at work).")

    @Argument(help: "Pictures or folders of them (with --data: indices into the set).") var inputs: [String]
    @Option(help: "Take the pictures from this set (MNIST IDX files, CIFAR-10 batches or class subfolders) by index.") var data: String?
    @Option(parsing: .unconditional, help: "Noise level on the 0..255 scale (76.5 is 0.3 on the 0..1 scale).") var sigma: Float = 76.5
    @Option(parsing: .unconditional, help: "Seed of the noise.") var seed: UInt64 = 0
    @OptionGroup var modelOption: AutoencoderOption
    @Option(help: "Output PNG.") var out: String
    @OptionGroup var common: CommonOptions

    func validate() throws { guard sigma >= 0, sigma <= 255 else { throw ValidationError("--sigma must be in [0, 255]") } }

    func run() throws {
        try common.apply()
        let ae = try modelOption.load()
        let pictures = try PictureSource(data, size: ae.model.size)
        var files = inputs
        if data == nil {
            let (found, skipped) = try InputPaths.expand(inputs, extensions: ImageClassificationData.imageExtensions)
            if let note = InputPaths.note(skipped, kind: "images") { TerminalProgress.log(note) }
            guard !found.isEmpty else { throw ValidationError("no image files in \(inputs.joined(separator: ", "))") }
            files = found
        }
        let strip = ae.denoisingStrip(try files.map { try pictures.picture($0) }, sigma: sigma, seed: seed)
        try strip.upscaled(3).write(out)
        print("\(files.count) rows of clean | noisy (sigma \(sigma)) | reconstructed: \(out)")
    }
}
