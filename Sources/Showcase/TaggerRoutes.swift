import Foundation
import Hummingbird
import MediaIO
import AudioTaggerKit

/// POST /api/tagger/tag?threshold=T&hop=H with a sound file (any format FFmpeg reads: WAV,
/// FLAC, MP3, a browser's WebM/Opus recording, a video's soundtrack) as the body: the tag
/// segments and the spectrogram with the timeline under it.
struct TaggerRoutes {
    struct Answer: ResponseEncodable, Sendable {
        var duration: Double
        var windows: Int
        var top: [ClipTags.Tag]?
        var segments: [TagSegment]
        var picture: String
    }

    let services: ShowcaseServices

    func register(on router: Router<ShowcaseContext>) {
        let tagger = services.models.tagger, compute = services.compute, uploads = services.uploads
        router.post("/api/tagger/tag") { request, context -> Answer in
            let q = QueryValues(request)
            var options = TagOptions()
            options.maxSeconds = ShowcaseLimits.audioSeconds
            options.threshold = try q.float("threshold", default: options.threshold, in: 0...1)
            options.hop = Double(try q.float("hop", default: Float(options.hop), in: 0.05...2))
            let body = try await request.body.collect(upTo: context.maxUploadSize)
            let chosen = options
            return try await uploads.withFile(body) { file in
                try await uploads.withScratch(suffix: ".png") { png in
                    try await compute.run {
                        let tags = try tagger.tag(file: file, options: chosen, picture: png)
                        let picture = "data:image/png;base64," + Data(try FileBytes.read(png)).base64EncodedString()
                        return Answer(duration: tags.duration, windows: tags.windows, top: tags.top, segments: tags.segments, picture: picture)
                    }
                }
            }
        }
    }
}
