// swift-tools-version:6.0
import PackageDescription
import Foundation

// Product, target and folder of a program share one name (the command's). Arrows point down only
// (docs/ARCHITECTURE.md): Apps -> CLI -> <Program>Kit -> RunKit -> {Datasets, Models} ->
// {NeuralCore, MediaIO} -> {SafeFiles, Require, C targets}; deepmedia-bench -> BenchKit ->
// {Models, NeuralCore}, without the media libraries (a static build runs on a bare machine).
// The package has no unsafe flags, so that it can be a dependency by URL. The CPU-specific
// speed comes from CKernels, compiled for AVX-512, AVX2+FMA and portably in one build and chosen
// at start-up (runtime dispatch; docs/ARCHITECTURE.md).

// The libFuzzer harness has no main of its own; it is part of the package only for `make fuzz`,
// which passes the sanitizer flags on the command line (the manifest stays free of unsafe flags).
let fuzzing = ProcessInfo.processInfo.environment["DEEPMEDIA_FUZZ"] == "1"
let fuzzTargets: [Target] = fuzzing ? [
    .executableTarget(name: "MediaFuzz", dependencies: ["MediaIO"], path: "Fuzz/MediaFuzz"),
] : []

let package = Package(
    name: "DeepMedia",
    products: [
        .library(name: "NeuralCore", targets: ["NeuralCore"]),
        .library(name: "Models", targets: ["Models"]),
        .library(name: "MediaIO", targets: ["MediaIO"]),
        .library(name: "Datasets", targets: ["Datasets"]),
        .library(name: "RunKit", targets: ["RunKit"]),
        .library(name: "ImageClassifierKit", targets: ["ImageClassifierKit"]),
        .library(name: "CharRNNKit", targets: ["CharRNNKit"]),
        .library(name: "DenoiserKit", targets: ["DenoiserKit"]),
        .library(name: "AudioTaggerKit", targets: ["AudioTaggerKit"]),
        .library(name: "GANSamplerKit", targets: ["GANSamplerKit"]),
        .library(name: "Showcase", targets: ["Showcase"]),
        .executable(name: "deepmedia-bench", targets: ["deepmedia-bench"]),
        .executable(name: "image-classifier", targets: ["image-classifier"]),
        .executable(name: "char-rnn", targets: ["char-rnn"]),
        .executable(name: "denoiser", targets: ["denoiser"]),
        .executable(name: "audio-tagger", targets: ["audio-tagger"]),
        .executable(name: "gan-sampler", targets: ["gan-sampler"]),
        .executable(name: "deepmedia-showcase", targets: ["deepmedia-showcase"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
    ],
    targets: [
        // C libraries, found through pkg-config; the providers are Debian's -dev packages.
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CFFmpeg", pkgConfig: "libavformat libavcodec libavutil libswscale libswresample",
                       providers: [.apt(["libavcodec-dev", "libavformat-dev", "libavutil-dev",
                                         "libswscale-dev", "libswresample-dev"])]),
        .systemLibrary(name: "CSndFile", pkgConfig: "sndfile",
                       providers: [.apt(["libsndfile1-dev"])]),
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg",
                       providers: [.apt(["libjpeg-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),

        .target(name: "CPUCheck", dependencies: ["COpenBLAS"], path: "Sources/CPUCheck"),
        // The hand-written kernels, one source compiled per instruction set, dispatched at start-up.
        .target(name: "CKernels", path: "Sources/CKernels", exclude: ["dm_kernels_body.h", "dm_conv3x3_body.h", "dm_gemm_body.h", "dm_wgrad_body.h"]),
        // The one atomic write and the one regular-file check of NeuralCore, MediaIO and RunKit.
        .target(name: "SafeFiles"),
        // The one argument check of every public op and constructor, kept in release builds.
        .target(name: "Require"),
        .target(name: "NeuralCore", dependencies: ["COpenBLAS", "CPUCheck", "CKernels", "SafeFiles", "Require"]),

        // libjpeg's setjmp/longjmp error path, kept entirely in C.
        .target(name: "CJPEGShim", dependencies: ["CJPEG"], path: "Sources/CJPEGShim"),
        .target(name: "MediaIO", dependencies: ["CZlib", "CFFmpeg", "CSndFile", "CJPEGShim", "SafeFiles", "Require"]),
        .target(name: "Models", dependencies: ["NeuralCore", "Require"]),
        .target(name: "Datasets", dependencies: ["NeuralCore", "MediaIO", "Require"]),
        // One training loop, run folders, checkpoints, events and cancellation; no command line.
        .target(name: "RunKit", dependencies: ["NeuralCore", "MediaIO", "SafeFiles", "Require"]),
        // One library per program: settings, the loaded model's verbs, its trainer.
        .target(name: "ImageClassifierKit", dependencies: ["RunKit", "NeuralCore", "MediaIO", "Datasets", "Models", "Require"]),
        .target(name: "CharRNNKit", dependencies: ["RunKit", "NeuralCore", "Datasets", "Models", "Require"]),
        .target(name: "DenoiserKit", dependencies: ["RunKit", "NeuralCore", "MediaIO", "Datasets", "Models", "Require", "SafeFiles"]),
        .target(name: "AudioTaggerKit", dependencies: ["RunKit", "NeuralCore", "MediaIO", "Datasets", "Models", "Require"]),
        .target(name: "GANSamplerKit", dependencies: ["RunKit", "NeuralCore", "MediaIO", "Datasets", "Models", "Require"]),
        // The web showcase: every program's Kit behind a JSON API and static pages (Assets/showcase).
        .target(name: "Showcase", dependencies: ["ImageClassifierKit", "CharRNNKit", "DenoiserKit", "AudioTaggerKit",
                                                 "GANSamplerKit", "RunKit", "NeuralCore", "MediaIO", "Datasets", "Models", "Require",
                                                 .product(name: "Hummingbird", package: "hummingbird")]),
        // A settings mistake said as flags (`flagged`): below CLI, so that a command without
        // RunKit's media libraries (deepmedia-bench) says its mistakes the same way.
        .target(name: "CommandLineErrors", dependencies: ["Require"]),
        // Shared option groups, terminal progress, Ctrl-C, --json output.
        .target(name: "CLI", dependencies: ["RunKit", "NeuralCore", "CommandLineErrors", .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        // The commands: parse -> Settings -> Kit -> print.
        .target(name: "BenchKit", dependencies: ["NeuralCore", "Models", "Require"]),
        .executableTarget(name: "deepmedia-bench", dependencies: ["BenchKit", "CommandLineErrors",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "Apps/deepmedia-bench"),
        .executableTarget(name: "image-classifier", dependencies: ["ImageClassifierKit", "CLI", "CommandLineErrors", "RunKit", "MediaIO", "Datasets",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "Apps/image-classifier"),
        .executableTarget(name: "denoiser", dependencies: ["DenoiserKit", "CLI", "CommandLineErrors", "RunKit", "MediaIO", "Datasets", "NeuralCore",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "Apps/denoiser"),
        .executableTarget(name: "audio-tagger", dependencies: ["AudioTaggerKit", "CLI", "CommandLineErrors", "RunKit", "MediaIO", "Datasets",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "Apps/audio-tagger"),
        .executableTarget(name: "gan-sampler", dependencies: ["GANSamplerKit", "CLI", "CommandLineErrors", "RunKit", "MediaIO", "Datasets",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "Apps/gan-sampler"),
        .executableTarget(name: "deepmedia-showcase", dependencies: ["Showcase", "CLI", "CommandLineErrors", "NeuralCore",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "Apps/deepmedia-showcase"),
        .executableTarget(name: "char-rnn", dependencies: ["CharRNNKit", "CLI", "CommandLineErrors", "RunKit", "Datasets",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "Apps/char-rnn"),

        // Runs one misuse of the library by name, for tests that expect a check to stop it.
        .executableTarget(name: "misuse-probe", dependencies: ["NeuralCore"], path: "Tests/MisuseProbe"),
        // assertClose, fixtures and gradient checks shared by the test targets.
        .target(name: "TestSupport", dependencies: ["NeuralCore", "MediaIO", "RunKit"], path: "Tests/TestSupport"),
        .testTarget(name: "NeuralCoreTests", dependencies: ["NeuralCore", "TestSupport"]),
        .testTarget(name: "MediaIOTests", dependencies: ["MediaIO", "NeuralCore", "TestSupport"]),
        .testTarget(name: "AppsTests", dependencies: ["MediaIO", "TestSupport"]),
        .testTarget(name: "RunKitTests", dependencies: ["RunKit", "NeuralCore", "MediaIO"]),
        .testTarget(name: "ImageClassifierKitTests", dependencies: ["ImageClassifierKit", "RunKit", "NeuralCore", "MediaIO", "Datasets", "Require", "TestSupport"]),
        .testTarget(name: "DenoiserKitTests", dependencies: ["DenoiserKit", "NeuralCore", "MediaIO", "RunKit", "Models", "Require", "TestSupport"]),
        .testTarget(name: "AudioTaggerKitTests", dependencies: ["AudioTaggerKit", "NeuralCore", "MediaIO", "RunKit", "Datasets", "Models", "TestSupport"]),
        .testTarget(name: "GANSamplerKitTests", dependencies: ["GANSamplerKit", "NeuralCore", "MediaIO", "RunKit", "Datasets", "Models", "TestSupport"]),
        .testTarget(name: "CharRNNKitTests", dependencies: ["CharRNNKit", "RunKit", "NeuralCore", "Datasets", "Models", "Require"]),
        .testTarget(name: "ShowcaseTests", dependencies: ["Showcase", "MediaIO", "NeuralCore",
                                                          .product(name: "HummingbirdTesting", package: "hummingbird")]),
        .testTarget(name: "SafeFilesTests", dependencies: ["SafeFiles"]),
        .testTarget(name: "CommandLineErrorsTests", dependencies: ["CommandLineErrors", "Require"]),
        .testTarget(name: "RequireTests", dependencies: ["Require"]),
        .testTarget(name: "CLITests", dependencies: ["CLI", "RunKit", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "MediaIO", "NeuralCore", "TestSupport"]),
        .testTarget(name: "BenchKitTests", dependencies: ["BenchKit", "NeuralCore", "Require"]),
        .testTarget(name: "ModelsTests", dependencies: ["Models", "NeuralCore", "Datasets", "TestSupport"]),
    ] + fuzzTargets,
    swiftLanguageModes: [.v5]
)
