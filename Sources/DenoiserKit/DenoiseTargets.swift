import Foundation
import MediaIO
import RunKit

/// Where `denoiser denoise` writes each input: one input to `out` itself; several (or an existing
/// folder) into that folder, a picture as stem.png, a video in its own container (an .mkv's PCM
/// audio has no place in an .mp4). Videos get one pass per frame unless asked otherwise.
public enum DenoiseTargets {
    public static func isVideo(_ file: String) -> Bool {
        VideoDecoder.fileExtensions.contains((file as NSString).pathExtension.lowercased())
    }

    /// The output of `file` in `folder` (nil: `out` is the file).
    public static func target(for file: String, folder: RunFolder?, out: String) -> String {
        guard let folder else { return out }
        let stem = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        return folder.file(stem + "." + (isVideo(file) ? (file as NSString).pathExtension.lowercased() : "png"))
    }

    /// Orientations for a video's frames when none are asked for.
    public static let videoEnsemble = 1
}
