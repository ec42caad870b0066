import Require
/// Decoded sound: interleaved Float samples (frame-major: frame 0 all channels, frame 1, ...)
/// at `sampleRate` Hz, nominally in [-1, 1].
public struct AudioBuffer: Equatable, Sendable {
    public var sampleRate: Int
    public var channels: Int
    public var samples: [Float]

    public init(sampleRate: Int, channels: Int, samples: [Float]) {
        require(sampleRate > 0 && channels > 0 && samples.count % channels == 0,
                     "AudioBuffer: \(samples.count) samples for \(channels) channels at \(sampleRate) Hz")
        self.sampleRate = sampleRate; self.channels = channels; self.samples = samples
    }

    public var frames: Int { samples.count / channels }
    public var duration: Double { Double(frames) / Double(sampleRate) }

    /// The mean of the channels.
    public func mono() -> AudioBuffer {
        if channels == 1 { return self }
        var out = [Float](repeating: 0, count: frames)
        let inv = 1 / Float(channels)
        for f in 0..<frames {
            var s: Float = 0
            for c in 0..<channels { s += samples[f * channels + c] }
            out[f] = s * inv
        }
        return AudioBuffer(sampleRate: sampleRate, channels: 1, samples: out)
    }

    /// One channel's samples.
    public func channel(_ c: Int) -> [Float] { (0..<frames).map { samples[$0 * channels + c] } }
}
