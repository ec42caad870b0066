import Foundation
import MediaIO

// libFuzzer harness for MediaIO's decoder entry points. FUZZ_TARGET picks one:
// image (Image.read: libjpeg or FFmpeg by content), audio (AudioBuffer.read: libsndfile or
// FFmpeg), video (VideoDecoder: open + every frame), gzip (FileBytes.read).
// The decoders take paths, so each input is written to a file in /dev/shm first.
// A thrown MediaError is the expected outcome for bad input; only a crash, a sanitizer report or
// a hang (libFuzzer's -timeout) is a finding.

private let target = ProcessInfo.processInfo.environment["FUZZ_TARGET"] ?? "image"
private let path = "/dev/shm/deepmedia-fuzz-\(getpid()).bin"

// SwiftPM links an executable's entry point as `MediaFuzz_main`; it hands over to libFuzzer's driver.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<Int32>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> Int32) -> Int32

@_cdecl("MediaFuzz_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var c = argc
    var v = argv
    return LLVMFuzzerRunDriver(&c, &v) { data, size in fuzzOne(data, size) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes: data, count: size)) else { return 0 }
    switch target {
    case "image": _ = try? Image.read(path)
    case "audio": _ = try? AudioBuffer.read(path)
    case "video":
        if let d = try? VideoDecoder(path) { _ = try? d.frames() }
    case "gzip": _ = try? FileBytes.read(path, maxBytes: 1 << 26)
    default: fatalError("FUZZ_TARGET must be image, audio, video or gzip")
    }
    return 0
}
