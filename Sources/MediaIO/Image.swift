import Require
/// A decoded picture: `height` x `width` x `channels` (1 gray, 3 RGB) Float values in [0, 1],
/// stored HWC (interleaved). `chw` gives the planar layout networks take.
public struct Image: Equatable, Sendable {
    public let width: Int
    public let height: Int
    public let channels: Int
    public var pixels: [Float]

    public init(width: Int, height: Int, channels: Int, pixels: [Float]) {
        require(channels == 1 || channels == 3, "Image: channels must be 1 or 3, got \(channels)")
        require(pixels.count == width * height * channels,
                     "Image: \(width)x\(height)x\(channels) needs \(width * height * channels) values, got \(pixels.count)")
        self.width = width; self.height = height; self.channels = channels; self.pixels = pixels
    }

    /// A constant image.
    public init(width: Int, height: Int, channels: Int, value: Float = 0) {
        self.init(width: width, height: height, channels: channels,
                  pixels: [Float](repeating: value, count: width * height * channels))
    }

    /// From planar (C, H, W) values.
    public init(chw: [Float], channels: Int, height: Int, width: Int) {
        require(chw.count == channels * height * width, "Image(chw:): size mismatch")
        var p = [Float](repeating: 0, count: chw.count)
        for c in 0..<channels { for i in 0..<(height * width) { p[i * channels + c] = chw[c * height * width + i] } }
        self.init(width: width, height: height, channels: channels, pixels: p)
    }

    /// Planar (C, H, W) values.
    public var chw: [Float] {
        var out = [Float](repeating: 0, count: pixels.count)
        let n = width * height
        for i in 0..<n { for c in 0..<channels { out[c * n + i] = pixels[i * channels + c] } }
        return out
    }

    public subscript(y: Int, x: Int, c: Int) -> Float {
        get { pixels[(y * width + x) * channels + c] }
        set { pixels[(y * width + x) * channels + c] = newValue }
    }

    /// 8-bit values (rounded, clamped), HWC.
    public var bytes: [UInt8] { pixels.map { UInt8(Swift.max(0, Swift.min(255, ($0 * 255).rounded()))) } }

    /// From 8-bit HWC values.
    public init(width: Int, height: Int, channels: Int, bytes: [UInt8]) {
        self.init(width: width, height: height, channels: channels, pixels: bytes.map { Float($0) / 255 })
    }
}
