import Foundation
import SafeFiles
internal import CFFmpeg

/// FFmpeg plumbing: one `check` for return codes, one owning class per handle.
enum FFmpeg {
    /// Silences FFmpeg's own logging once: the library reports failures as thrown errors.
    static let quiet: Void = { av_log_set_level(AV_LOG_QUIET) }()

    static func message(_ code: Int32) -> String {
        var buf = [CChar](repeating: 0, count: 256)
        av_strerror(code, &buf, buf.count)
        return String(cString: buf)
    }

    /// Throws FFmpeg's message for a negative return code.
    @discardableResult
    static func check(_ code: Int32, _ path: String, _ what: String = "") throws -> Int32 {
        if code < 0 {
            throw MediaError.library(path: path, library: "FFmpeg", message: (what.isEmpty ? "" : "\(what): ") + message(code))
        }
        return code
    }

    static var eof: Int32 { dm_averror_eof() }
    static var again: Int32 { dm_averror_eagain() }
}

final class AVFrameBox {
    let frame: UnsafeMutablePointer<AVFrame>
    init() { frame = av_frame_alloc() }
    deinit { var f: UnsafeMutablePointer<AVFrame>? = frame; av_frame_free(&f) }
}

final class AVPacketBox {
    let packet: UnsafeMutablePointer<AVPacket>
    init() { packet = av_packet_alloc() }
    deinit { var p: UnsafeMutablePointer<AVPacket>? = packet; av_packet_free(&p) }
}

/// An opened input file with one decoded stream (the best video/image or audio stream).
/// Frames come out of `nextFrame()` until it returns false at the end.
final class FFmpegInput {
    let path: String
    private(set) var format: UnsafeMutablePointer<AVFormatContext>?
    private(set) var codec: UnsafeMutablePointer<AVCodecContext>?
    let streamIndex: Int32
    private let packet = AVPacketBox()
    let frame = AVFrameBox()
    private var draining = false

    init(path: String, media: AVMediaType) throws {
        _ = FFmpeg.quiet
        self.path = path
        if let problem = RegularFile.problem(path) { throw MediaError.cannotOpen(path: path, reason: problem) }
        try FFmpeg.check(avformat_open_input(&format, path, nil, nil), path, "cannot open")
        try FFmpeg.check(avformat_find_stream_info(format, nil), path, "cannot read stream information")
        var decoder: UnsafePointer<AVCodec>?
        let idx = av_find_best_stream(format, media, -1, -1, &decoder, 0)
        guard idx >= 0, let decoder else {
            let kind = media == AVMEDIA_TYPE_AUDIO ? "audio" : "image or video"
            throw MediaError.unsupported(path: path, reason: "no decodable \(kind) stream")
        }
        streamIndex = idx
        codec = avcodec_alloc_context3(decoder)
        guard codec != nil else { throw MediaError.library(path: path, library: "FFmpeg", message: "out of memory") }
        try FFmpeg.check(avcodec_parameters_to_context(codec, stream.pointee.codecpar), path)
        codec!.pointee.thread_count = 1
        try FFmpeg.check(avcodec_open2(codec, decoder, nil), path, "cannot open decoder")
    }

    deinit {
        avcodec_free_context(&codec)
        avformat_close_input(&format)
    }

    var stream: UnsafeMutablePointer<AVStream> { format!.pointee.streams[Int(streamIndex)]! }
    var parameters: UnsafeMutablePointer<AVCodecParameters> { stream.pointee.codecpar }

    /// Decodes the next frame into `frame`; false at the end of the stream.
    func nextFrame() throws -> Bool {
        while true {
            let r = avcodec_receive_frame(codec, frame.frame)
            if r == 0 { return true }
            if r == FFmpeg.eof { return false }
            if r != FFmpeg.again { try FFmpeg.check(r, path, "decoding") }
            if draining { return false }
            let rd = av_read_frame(format, packet.packet)
            if rd == FFmpeg.eof {
                draining = true
                try FFmpeg.check(avcodec_send_packet(codec, nil), path, "decoding")
                continue
            }
            try FFmpeg.check(rd, path, "reading")
            defer { av_packet_unref(packet.packet) }
            if packet.packet.pointee.stream_index != streamIndex { continue }
            let s = avcodec_send_packet(codec, packet.packet)
            if s != FFmpeg.again { try FFmpeg.check(s, path, "decoding") }
        }
    }

    /// Seeks to `seconds` (the nearest earlier keyframe) and flushes the decoder.
    func seek(seconds: Double) throws {
        let tb = stream.pointee.time_base
        let ts = Int64(seconds * Double(tb.den) / Double(tb.num))
        try FFmpeg.check(av_seek_frame(format, streamIndex, ts, AVSEEK_FLAG_BACKWARD), path, "seeking")
        avcodec_flush_buffers(codec)
        draining = false
    }

    /// The frame's time in seconds (best effort timestamp), or nil.
    var frameTime: Double? {
        let ts = frame.frame.pointee.best_effort_timestamp
        if ts == dm_av_nopts_value() { return nil }
        let tb = stream.pointee.time_base
        return Double(ts) * Double(tb.num) / Double(tb.den)
    }
}

/// Converts decoded video frames to 8- or 16-bit gray or RGB, then to Float [0, 1] HWC.
final class FrameToImage {
    private var sws: OpaquePointer?
    private var key: (Int32, Int32, Int32, Int32) = (0, 0, -1, -1)

    deinit { sws_freeContext(sws) }

    func convert(_ f: UnsafeMutablePointer<AVFrame>, channels: Int, path: String) throws -> Image {
        let w = f.pointee.width, h = f.pointee.height
        guard w > 0, h > 0, Int(w) <= MediaLimits.maxImageSide, Int(h) <= MediaLimits.maxImageSide,
              Int(w) * Int(h) <= MediaLimits.maxImagePixels else {
            throw MediaError.tooLarge(path: path, reason: "image size \(w)x\(h)")
        }
        let src = AVPixelFormat(rawValue: f.pointee.format)
        let deep = (av_pix_fmt_desc_get(src)?.pointee.comp.0.depth ?? 8) > 8
        let dst: AVPixelFormat = channels == 1 ? (deep ? AV_PIX_FMT_GRAY16LE : AV_PIX_FMT_GRAY8)
                                               : (deep ? AV_PIX_FMT_RGB48LE : AV_PIX_FMT_RGB24)
        if sws == nil || key != (w, h, src.rawValue, dst.rawValue) {
            sws_freeContext(sws)
            sws = sws_getContext(w, h, src, w, h, dst, Int32(SWS_BILINEAR | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT), nil, nil, nil)
            key = (w, h, src.rawValue, dst.rawValue)
            guard sws != nil else { throw MediaError.unsupported(path: path, reason: "pixel format \(src.rawValue)") }
        }
        let bytesPer = deep ? 2 : 1
        let stride = Int(w) * channels * bytesPer
        let alignedStride = (stride + 63) & ~63
        var buffer = [UInt8](repeating: 0, count: alignedStride * Int(h) + 64)
        try buffer.withUnsafeMutableBufferPointer { b in
            var dstData: [UnsafeMutablePointer<UInt8>?] = [b.baseAddress, nil, nil, nil]
            var dstStride: [Int32] = [Int32(alignedStride), 0, 0, 0]
            let srcData = withUnsafePointer(to: &f.pointee.data) { $0.withMemoryRebound(to: UnsafePointer<UInt8>?.self, capacity: 8) { $0 } }
            let srcStride = withUnsafePointer(to: &f.pointee.linesize) { $0.withMemoryRebound(to: Int32.self, capacity: 8) { $0 } }
            let rows = sws_scale(sws, srcData, srcStride, 0, h, &dstData, &dstStride)
            if rows != h { throw MediaError.library(path: path, library: "FFmpeg", message: "pixel conversion produced \(rows) of \(h) rows") }
        }
        var pixels = [Float](repeating: 0, count: Int(w) * Int(h) * channels)
        let perRow = Int(w) * channels
        for y in 0..<Int(h) {
            let row = y * alignedStride
            if deep {
                for i in 0..<perRow { pixels[y * perRow + i] = Float(UInt16(buffer[row + 2 * i]) | UInt16(buffer[row + 2 * i + 1]) << 8) / 65535 }
            } else {
                for i in 0..<perRow { pixels[y * perRow + i] = Float(buffer[row + i]) / 255 }
            }
        }
        return Image(width: Int(w), height: Int(h), channels: channels, pixels: pixels)
    }
}
