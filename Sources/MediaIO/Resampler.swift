internal import CFFmpeg

/// A libswresample context: any layout/rate/sample format in, interleaved Float at a chosen rate
/// and channel count out (mono is a downmix). Freed in deinit.
final class SwrBox {
    private var ctx: OpaquePointer?
    let path: String
    let outChannels: Int, outRate: Int, inRate: Int

    init(path: String, inLayout: AVChannelLayout, inRate: Int, inFormat: AVSampleFormat, outChannels: Int, outRate: Int) throws {
        self.path = path; self.outChannels = outChannels; self.outRate = outRate; self.inRate = inRate
        var inL = AVChannelLayout()
        if inLayout.order == AV_CHANNEL_ORDER_UNSPEC || av_channel_layout_check([inLayout]) == 0 {
            av_channel_layout_default(&inL, inLayout.nb_channels)
        } else {
            try FFmpeg.check(av_channel_layout_copy(&inL, [inLayout]), path)
        }
        defer { av_channel_layout_uninit(&inL) }
        var outL = AVChannelLayout()
        av_channel_layout_default(&outL, Int32(outChannels))
        defer { av_channel_layout_uninit(&outL) }
        try FFmpeg.check(swr_alloc_set_opts2(&ctx, &outL, AV_SAMPLE_FMT_FLT, Int32(outRate), &inL, inFormat, Int32(inRate), 0, nil), path, "resampler")
        try FFmpeg.check(swr_init(ctx), path, "resampler")
    }

    deinit { swr_free(&ctx) }

    /// Converts `count` input samples per channel and appends the output.
    func convert(_ planes: UnsafeMutablePointer<UnsafePointer<UInt8>?>?, count: Int, into out: inout [Float]) throws {
        let capacity = Int(swr_get_out_samples(ctx, Int32(count))) + 16
        if capacity <= 0 { return }
        var buf = [Float](repeating: 0, count: capacity * outChannels)
        let n = try buf.withUnsafeMutableBufferPointer { b -> Int32 in
            var outPtr: UnsafeMutablePointer<UInt8>? = UnsafeMutableRawPointer(b.baseAddress!).assumingMemoryBound(to: UInt8.self)
            return try FFmpeg.check(swr_convert(ctx, &outPtr, Int32(capacity), planes, Int32(count)), path, "resampling")
        }
        out += buf[0..<(Int(n) * outChannels)]
    }

    /// Drains the samples the resampler still holds.
    func flush(into out: inout [Float]) throws { try convert(nil, count: 0, into: &out) }

    /// Resamples (and remixes) a whole buffer of interleaved Float.
    static func convert(_ b: AudioBuffer, to rate: Int, channels: Int? = nil, path: String) throws -> AudioBuffer {
        var layout = AVChannelLayout()
        av_channel_layout_default(&layout, Int32(b.channels))
        defer { av_channel_layout_uninit(&layout) }
        let outCh = channels ?? b.channels
        let swr = try SwrBox(path: path, inLayout: layout, inRate: b.sampleRate, inFormat: AV_SAMPLE_FMT_FLT, outChannels: outCh, outRate: rate)
        var out: [Float] = []
        try b.samples.withUnsafeBufferPointer { p in
            var plane: UnsafePointer<UInt8>? = UnsafeRawPointer(p.baseAddress!).assumingMemoryBound(to: UInt8.self)
            try swr.convert(&plane, count: b.frames, into: &out)
        }
        try swr.flush(into: &out)
        return AudioBuffer(sampleRate: rate, channels: outCh, samples: out)
    }
}

/// Sample-rate conversion of decoded audio.
public enum Resampler {
    /// `buffer` at `rate` Hz (libswresample), optionally remixed to `channels`.
    public static func convert(_ buffer: AudioBuffer, to rate: Int, channels: Int? = nil, path: String = "<memory>") throws -> AudioBuffer {
        try SwrBox.convert(buffer, to: rate, channels: channels, path: path)
    }
}
