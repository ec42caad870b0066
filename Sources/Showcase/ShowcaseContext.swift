import Foundation
import Hummingbird

/// The request context of every route: the upload limit and snake_case JSON both ways.
public struct ShowcaseContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public init(source: ApplicationRequestContextSource) { coreContext = .init(source: source) }

    /// Bodies above this are answered 413 before they are read whole.
    public var maxUploadSize: Int { ShowcaseLimits.uploadBytes }

    public var requestDecoder: JSONDecoder {
        let d = JSONDecoder(); d.keyDecodingStrategy = .convertFromSnakeCase; return d
    }
    public var responseEncoder: JSONEncoder {
        let e = JSONEncoder(); e.keyEncodingStrategy = .convertToSnakeCase; e.outputFormatting = .sortedKeys
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }
}

/// What one request may ask of the server.
public enum ShowcaseLimits {
    /// Largest request body: a phone photo or a minute of recorded audio fits.
    public static let uploadBytes = 16 << 20
    /// Largest picture decoded (a 16 MB PNG can declare 268 megapixels): a 16-megapixel photo fits.
    public static let imagePixels = 16_000_000
    /// Longest side a photo is scaled down to before denoising (a lecture wants answers in a second).
    public static let photoSide = 360
    /// Longest recording one tagging request reads (a 16 MB file can hold hours of audio).
    public static let audioSeconds: Double = 600
    /// Characters one char-rnn request may generate.
    public static let maxCharacters = 2000
    /// Samples in one GAN grid, frames in one walk.
    public static let maxSamples = 100, maxFrames = 64
    /// Live training-lab models kept at once (the least recently used goes first) and their idle life.
    public static let labSessions = 64
    public static let labIdleSeconds: Double = 15 * 60
    /// Training steps one lab request may take.
    public static let labStepsPerRequest = 500
}
