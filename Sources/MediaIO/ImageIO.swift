import Foundation
internal import CFFmpeg

/// Colour layout asked of a decoder.
public enum ColorMode: Sendable {
    case gray, rgb
    var channels: Int { self == .gray ? 1 : 3 }
}

extension Image {
    /// Decodes an image file: JPEG through libjpeg; PNG, BMP, TIFF, WebP, GIF (first frame) and any
    /// other still format FFmpeg reads through FFmpeg. 8- and 16-bit, gray/RGB/RGBA sources
    /// (alpha dropped). The format is found from the content, not the name.
    public static func read(_ path: String, mode: ColorMode = .rgb) throws -> Image {
        let head = try FileBytes.prefix(path, count: 3)
        if JPEGCodec.isJPEG(head) {
            return try JPEGCodec.decode(try FileBytes.read(path), channels: mode.channels, path: path)
        }
        if head.isEmpty { throw MediaError.corrupt(path: path, reason: "empty file") }
        let input = try FFmpegInput(path: path, media: AVMEDIA_TYPE_VIDEO)
        let par = input.parameters.pointee
        guard par.width > 0, par.height > 0, Int(par.width) <= MediaLimits.maxImageSide, Int(par.height) <= MediaLimits.maxImageSide,
              Int(par.width) * Int(par.height) <= MediaLimits.maxImagePixels else {
            throw MediaError.tooLarge(path: path, reason: "image size \(par.width)x\(par.height)")
        }
        guard try input.nextFrame() else { throw MediaError.corrupt(path: path, reason: "no picture could be decoded") }
        return try FrameToImage().convert(input.frame.frame, channels: mode.channels, path: path)
    }

    /// Writes a lossless PNG (8-bit gray or RGB) through FFmpeg's encoder, atomically.
    public func writePNG(_ path: String) throws {
        try AtomicWrite.write(try encodePNG(path: path), to: path)
    }

    /// Writes a JPEG (quality 1...100) through libjpeg, atomically.
    public func writeJPEG(_ path: String, quality: Int = 90) throws {
        try AtomicWrite.write(try JPEGCodec.encode(self, quality: quality, path: path), to: path)
    }

    /// Writes PNG or JPEG by the file extension (.png, .jpg, .jpeg).
    public func write(_ path: String, quality: Int = 90) throws {
        switch (path as NSString).pathExtension.lowercased() {
        case "png": try writePNG(path)
        case "jpg", "jpeg": try writeJPEG(path, quality: quality)
        default: throw MediaError.unsupported(path: path, reason: "writes .png or .jpg")
        }
    }

    func encodePNG(path: String) throws -> [UInt8] {
        _ = FFmpeg.quiet
        guard let codec = avcodec_find_encoder(AV_CODEC_ID_PNG) else {
            throw MediaError.library(path: path, library: "FFmpeg", message: "no PNG encoder")
        }
        var ctx = avcodec_alloc_context3(codec)
        defer { avcodec_free_context(&ctx) }
        let fmt = channels == 1 ? AV_PIX_FMT_GRAY8 : AV_PIX_FMT_RGB24
        ctx!.pointee.width = Int32(width); ctx!.pointee.height = Int32(height)
        ctx!.pointee.pix_fmt = fmt
        ctx!.pointee.time_base = AVRational(num: 1, den: 1)
        try FFmpeg.check(avcodec_open2(ctx, codec, nil), path, "PNG encoder")
        let frame = AVFrameBox(), packet = AVPacketBox()
        let f = frame.frame
        f.pointee.width = Int32(width); f.pointee.height = Int32(height); f.pointee.format = fmt.rawValue
        try FFmpeg.check(av_frame_get_buffer(f, 0), path)
        let px = bytes, rowBytes = width * channels
        let stride = Int(f.pointee.linesize.0)
        let base = f.pointee.data.0!
        for y in 0..<height { px.withUnsafeBufferPointer { (base + y * stride).update(from: $0.baseAddress! + y * rowBytes, count: rowBytes) } }
        try FFmpeg.check(avcodec_send_frame(ctx, f), path, "PNG encoding")
        try FFmpeg.check(avcodec_send_frame(ctx, nil), path, "PNG encoding")
        var out: [UInt8] = []
        while avcodec_receive_packet(ctx, packet.packet) == 0 {
            out += UnsafeBufferPointer(start: packet.packet.pointee.data, count: Int(packet.packet.pointee.size))
            av_packet_unref(packet.packet)
        }
        guard !out.isEmpty else { throw MediaError.library(path: path, library: "FFmpeg", message: "PNG encoder produced nothing") }
        return out
    }
}
