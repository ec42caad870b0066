import Foundation
import RunKit

/// What `denoiser denoise` did with one input.
public enum DenoisedFile {
    /// A picture written to `target` in `orientations` orientations; `note` says why it got one.
    case picture(input: String, target: String, orientations: Int, note: String?)
    case video(input: String, target: String, report: VideoDenoiseReport)
}

/// Ctrl-C during an input: nothing of it was written; the message says which.
public struct DenoiseInterrupted: Error, CustomStringConvertible {
    public let description: String
}

/// `denoiser denoise` over many inputs: each to its target (DenoiseTargets), pictures in up to
/// eight orientations, videos frame by frame. Progress goes to `progress(label, since)`'s events:
/// a video's at once, a picture's once it has taken 2 s (a megapixel colour photo in eight
/// orientations takes a minute; small ones would only flash a bar). Stops between passes or
/// frames when cancelled, throwing DenoiseInterrupted.
public enum DenoiseJob {
    /// The folder `out` is when it takes several files, or is a folder already; nil: a file.
    public static func outputFolder(_ out: String, files: Int) throws -> RunFolder? {
        var isDir: ObjCBool = false
        let existing = FileManager.default.fileExists(atPath: out, isDirectory: &isDir) && isDir.boolValue
        return files > 1 || existing ? try RunFolder(out) : nil
    }

    public static func run(_ files: [String], out: String, model d: LoadedDenoiser, ensemble: Int?,
                           cancellation: any Cancellation,
                           progress: @escaping (_ label: String, _ since: Date) -> any TrainingEvents,
                           each: (DenoisedFile) throws -> Void) throws {
        let folder = try outputFolder(out, files: files.count)
        for f in files {
            let target = DenoiseTargets.target(for: f, folder: folder, out: out)
            let name = (f as NSString).lastPathComponent
            if DenoiseTargets.isVideo(f) {
                d.ensemble = ensemble ?? DenoiseTargets.videoEnsemble
                let bar = progress(name, Date())
                let r = try d.denoise(video: f, to: target, cancellation: cancellation) { done, total in
                    bar.progress(TrainingProgress(label: name, done: done, total: Swift.max(total ?? done, done), unit: "frames", fields: []))
                }
                if r.cancelled { throw DenoiseInterrupted(description: "interrupted after \(r.frames) frames of \(f): nothing written") }
                try each(.video(input: f, target: target, report: r))
                continue
            }
            let start = Date()
            var bar: (any TrainingEvents)?
            let used = try d.denoise(file: f, to: target, ensemble: ensemble, cancellation: cancellation) { done, total in
                if bar == nil && Date().timeIntervalSince(start) < 2 { return }
                if bar == nil { bar = progress(name, start) }
                bar?.progress(TrainingProgress(label: name, done: done, total: total, unit: "passes", fields: []))
            }
            guard let used else { throw DenoiseInterrupted(description: "interrupted during \(f): \(target) not written") }
            let note = ensemble == nil && used == 1
                ? "note: \(f) is over 1 megapixel: denoised in one orientation (--ensemble 8 averages eight, in 8x the time)" : nil
            try each(.picture(input: f, target: target, orientations: used, note: note))
        }
    }
}
