import Foundation
import SafeFiles
internal import CFFmpeg
import Require

/// Writes a video from RGB frames: H.264 (libx264) where that encoder exists, else MPEG-4 Part 2,
/// in the container the file name asks for (.mp4, .mkv, .avi, ...). Optionally carries the audio
/// track of another file over unchanged. Written to a temporary name and renamed by `finish()`;
/// a failure leaves nothing behind.
public final class VideoEncoder {
    public let path: String
    public let width: Int, height: Int
    /// Frames per second as given (29.97 is kept as 30000/1001, not rounded).
    public let frameRate: Double
    /// The encoder used ("libx264" or "mpeg4").
    public let codecName: String

    private let tmp: String
    private var oc: UnsafeMutablePointer<AVFormatContext>?
    private var enc: UnsafeMutablePointer<AVCodecContext>?
    private var videoStream: UnsafeMutablePointer<AVStream>
    private var sws: OpaquePointer?
    private let frame = AVFrameBox(), packet = AVPacketBox()
    private var nextPTS: Int64 = 0
    private var audioIn: UnsafeMutablePointer<AVFormatContext>?
    private var audioInIndex: Int32 = -1
    private var audioOut: UnsafeMutablePointer<AVStream>?
    private var finished = false
    private var headerWritten = false

    /// width and height must be even (4:2:0 chroma); frames of another size are rescaled.
    public init(_ path: String, width: Int, height: Int, frameRate: Double, audioFrom: String? = nil, quality: Int = 20) throws {
        _ = FFmpeg.quiet
        guard width > 0, height > 0, width % 2 == 0, height % 2 == 0, width <= 8192, height <= 8192 else {
            throw MediaError.unsupported(path: path, reason: "video size \(width)x\(height) (even sides up to 8192)")
        }
        guard frameRate > 0, frameRate <= 240, frameRate.isFinite else { throw MediaError.unsupported(path: path, reason: "frame rate \(frameRate)") }
        self.path = path; self.width = width; self.height = height; self.frameRate = frameRate
        tmp = AtomicWrite.temporaryPath(for: path)
        guard let ofmt = av_guess_format(nil, path, nil) else {
            throw MediaError.unsupported(path: path, reason: "no container for this file name (use .mp4, .mkv, .avi)")
        }
        try FFmpeg.check(avformat_alloc_output_context2(&oc, ofmt, nil, tmp), path, "output")
        let codec = avcodec_find_encoder_by_name("libx264") ?? avcodec_find_encoder(AV_CODEC_ID_MPEG4)
        guard let codec else { throw MediaError.unsupported(path: path, reason: "no H.264 or MPEG-4 encoder in this FFmpeg") }
        codecName = String(cString: codec.pointee.name)
        guard let st = avformat_new_stream(oc, nil) else { throw MediaError.library(path: path, library: "FFmpeg", message: "cannot add a stream") }
        videoStream = st
        enc = avcodec_alloc_context3(codec)
        let e = enc!
        e.pointee.width = Int32(width); e.pointee.height = Int32(height)
        e.pointee.pix_fmt = AV_PIX_FMT_YUV420P
        let rate = av_d2q(frameRate, 65535)   // one frame per tick of 1/rate
        e.pointee.time_base = AVRational(num: rate.den, den: rate.num)
        e.pointee.framerate = rate
        e.pointee.gop_size = Int32(Swift.max(1, frameRate.rounded()))
        e.pointee.thread_count = 1
        if codecName == "libx264" {
            av_opt_set(e.pointee.priv_data, "preset", "veryfast", 0)
            av_opt_set(e.pointee.priv_data, "crf", String(quality), 0)
        } else {
            e.pointee.bit_rate = Int64(Double(width * height) * frameRate) / 4
            e.pointee.qmax = 8
        }
        if ofmt.pointee.flags & AVFMT_GLOBALHEADER != 0 { e.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER }
        try FFmpeg.check(avcodec_open2(e, codec, nil), path, "opening the \(codecName) encoder")
        try FFmpeg.check(avcodec_parameters_from_context(st.pointee.codecpar, e), path)
        st.pointee.time_base = e.pointee.time_base
        st.pointee.avg_frame_rate = rate
        if let audioFrom { try openAudio(audioFrom) }
        try FFmpeg.check(avio_open(&oc!.pointee.pb, tmp, AVIO_FLAG_WRITE), path, "cannot create file")
        try FFmpeg.check(avformat_write_header(oc, nil), path, "writing the header")
        headerWritten = true
        let f = frame.frame
        f.pointee.width = Int32(width); f.pointee.height = Int32(height); f.pointee.format = AV_PIX_FMT_YUV420P.rawValue
        try FFmpeg.check(av_frame_get_buffer(f, 0), path)
    }

    deinit {
        if !finished {
            if let pb = oc?.pointee.pb { _ = pb; avio_closep(&oc!.pointee.pb) }
            unlink(tmp)
        }
        avcodec_free_context(&enc)
        avformat_free_context(oc)
        avformat_close_input(&audioIn)
        sws_freeContext(sws)
    }

    private func openAudio(_ source: String) throws {
        if let problem = RegularFile.problem(source) { throw MediaError.cannotOpen(path: source, reason: problem) }
        try FFmpeg.check(avformat_open_input(&audioIn, source, nil, nil), source, "cannot open")
        try FFmpeg.check(avformat_find_stream_info(audioIn, nil), source)
        audioInIndex = av_find_best_stream(audioIn, AVMEDIA_TYPE_AUDIO, -1, -1, nil, 0)
        guard audioInIndex >= 0 else { throw MediaError.unsupported(path: source, reason: "no audio track to carry over") }
        guard let st = avformat_new_stream(oc, nil) else { throw MediaError.library(path: path, library: "FFmpeg", message: "cannot add a stream") }
        let src = audioIn!.pointee.streams[Int(audioInIndex)]!
        try FFmpeg.check(avcodec_parameters_copy(st.pointee.codecpar, src.pointee.codecpar), path)
        st.pointee.codecpar.pointee.codec_tag = 0
        st.pointee.time_base = src.pointee.time_base
        audioOut = st
    }

    /// Appends one frame (RGB or gray; rescaled to the video size if needed).
    public func append(_ image: Image) throws {
        require(!finished, "VideoEncoder: append after finish")
        let rgb = image.rgb()
        let px = rgb.bytes
        sws = sws_getCachedContext(sws, Int32(rgb.width), Int32(rgb.height), AV_PIX_FMT_RGB24, Int32(width), Int32(height),
                                   AV_PIX_FMT_YUV420P, Int32(SWS_BICUBIC), nil, nil, nil)
        guard sws != nil else { throw MediaError.library(path: path, library: "FFmpeg", message: "no pixel converter") }
        try FFmpeg.check(av_frame_make_writable(frame.frame), path)
        px.withUnsafeBufferPointer { p in
            var src: [UnsafePointer<UInt8>?] = [p.baseAddress, nil, nil, nil]
            var srcStride: [Int32] = [Int32(rgb.width * 3), 0, 0, 0]
            let f = frame.frame
            let dst = withUnsafeMutablePointer(to: &f.pointee.data) { $0.withMemoryRebound(to: UnsafeMutablePointer<UInt8>?.self, capacity: 8) { $0 } }
            let dstStride = withUnsafeMutablePointer(to: &f.pointee.linesize) { $0.withMemoryRebound(to: Int32.self, capacity: 8) { $0 } }
            sws_scale(sws, &src, &srcStride, 0, Int32(rgb.height), dst, dstStride)
        }
        frame.frame.pointee.pts = nextPTS
        nextPTS += 1
        try encode(frame.frame)
        try copyAudio(until: Double(nextPTS) / frameRate)
    }

    private func encode(_ f: UnsafeMutablePointer<AVFrame>?) throws {
        try FFmpeg.check(avcodec_send_frame(enc, f), path, "encoding")
        while true {
            let r = avcodec_receive_packet(enc, packet.packet)
            if r == FFmpeg.again || r == FFmpeg.eof { return }
            try FFmpeg.check(r, path, "encoding")
            // One frame long: without a duration, MP4's edit list would cut the last frame.
            if packet.packet.pointee.duration == 0 { packet.packet.pointee.duration = 1 }
            av_packet_rescale_ts(packet.packet, enc!.pointee.time_base, videoStream.pointee.time_base)
            packet.packet.pointee.stream_index = videoStream.pointee.index
            try FFmpeg.check(av_interleaved_write_frame(oc, packet.packet), path, "writing")
        }
    }

    /// Copies source audio packets with times before `seconds`.
    private func copyAudio(until seconds: Double) throws {
        guard let audioOut, let audioIn else { return }
        let src = audioIn.pointee.streams[Int(audioInIndex)]!
        let tb = src.pointee.time_base
        while true {
            if let pending = pendingAudio {
                let t = Double(pending.pointee.pts == dm_av_nopts_value() ? pending.pointee.dts : pending.pointee.pts) * Double(tb.num) / Double(tb.den)
                if t >= seconds { return }
                av_packet_rescale_ts(pending, tb, audioOut.pointee.time_base)
                pending.pointee.stream_index = audioOut.pointee.index
                pending.pointee.pos = -1
                try FFmpeg.check(av_interleaved_write_frame(oc, pending), path, "writing audio")
                pendingAudio = nil
            }
            let r = av_read_frame(audioIn, audioPacket.packet)
            if r < 0 { return }   // end of the source audio
            if audioPacket.packet.pointee.stream_index != audioInIndex { av_packet_unref(audioPacket.packet); continue }
            pendingAudio = audioPacket.packet
        }
    }
    private let audioPacket = AVPacketBox()
    private var pendingAudio: UnsafeMutablePointer<AVPacket>?

    /// Flushes the encoder, copies the rest of the audio (up to the video's end), writes the
    /// trailer and renames the file into place.
    public func finish() throws {
        guard !finished else { return }
        guard nextPTS > 0 else { throw MediaError.unsupported(path: path, reason: "no frames were written") }
        try encode(nil)
        try copyAudio(until: Double(nextPTS) / frameRate)
        try FFmpeg.check(av_write_trailer(oc), path, "writing the trailer")
        avio_closep(&oc!.pointee.pb)
        try AtomicWrite.commit(tmp, to: path)
        finished = true
    }
}
