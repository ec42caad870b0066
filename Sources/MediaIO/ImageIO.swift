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
    /// (alpha dropped). The format is found from the content, not the name. `maxPixels` lowers
    /// the size limit (a server's bound on one request); the size is checked before decoding.
    public static func read(_ path: String, mode: ColorMode = .rgb, maxPixels: Int = MediaLimits.maxImagePixels) throws -> Image {
        let head = try FileBytes.prefix(path, count: 3)
        if JPEGCodec.isJPEG(head) {
            return try JPEGCodec.decode(try FileBytes.read(path), channels: mode.channels, path: path, maxPixels: maxPixels)
        }
        if head.isEmpty { throw MediaError.corrupt(path: path, reason: "empty file") }
        let input: FFmpegInput
        do { input = try FFmpegInput(path: path, media: AVMEDIA_TYPE_VIDEO) } catch { throw try refusal(path) ?? error }
        let par = input.parameters.pointee
        if par.width <= 0 || par.height <= 0 {
            throw try refusal(path) ?? MediaError.corrupt(path: path, reason: "not an image DeepMedia can read (no picture size found)")
        }
        guard Int(par.width) <= MediaLimits.maxImageSide, Int(par.height) <= MediaLimits.maxImageSide,
              Int(par.width) * Int(par.height) <= MediaLimits.maxImagePixels else {
            throw MediaError.tooLarge(path: path, reason: "image size \(par.width)x\(par.height)")
        }
        guard Int(par.width) * Int(par.height) <= maxPixels else {
            throw MediaError.tooLarge(path: path, reason: "image size \(par.width)x\(par.height) (at most \(maxPixels) pixels are read)")
        }
        guard try input.nextFrame() else { throw MediaError.corrupt(path: path, reason: "no picture could be decoded") }
        return try FrameToImage().convert(input.frame.frame, channels: mode.channels, path: path)
    }

    /// Why FFmpeg found no picture, where the header says: a PNG declaring a size past the limits
    /// (FFmpeg refuses those without saying so). nil when the header tells nothing.
    static func refusal(_ path: String) throws -> MediaError? {
        let h = try FileBytes.prefix(path, count: 24)
        guard h.count == 24, h.prefix(8).elementsEqual([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
              h[12..<16].elementsEqual(Array("IHDR".utf8)) else { return nil }
        let w = h[16..<20].reduce(0) { $0 << 8 | Int($1) }, hh = h[20..<24].reduce(0) { $0 << 8 | Int($1) }
        if w > MediaLimits.maxImageSide || hh > MediaLimits.maxImageSide || w * hh > MediaLimits.maxImagePixels {
            return MediaError.tooLarge(path: path, reason: "the PNG declares \(w)x\(hh) pixels, more than DeepMedia reads (\(MediaLimits.maxImagePixels / 1_000_000) megapixels, \(MediaLimits.maxImageSide) per side)")
        }
        return MediaError.corrupt(path: path, reason: "a damaged PNG (\(w)x\(hh) declared, no picture decoded)")
    }

    /// Writes a lossless PNG (8-bit gray or RGB) through FFmpeg's encoder, atomically.
    public func writePNG(_ path: String) throws {
        try AtomicWrite.write(try encodePNG(path: path), to: path)
    }

    /// Writes a JPEG (quality 1...100) through libjpeg, atomically.
    public func writeJPEG(_ path: String, quality: Int = 90) throws {
        try AtomicWrite.write(try JPEGCodec.encode(self, quality: quality, path: path), to: path)
    }

    /// Writes by the file extension: .png, .jpg/.jpeg (quality), .bmp, .tif/.tiff (lossless), .webp
    /// (lossless, where FFmpeg has libwebp).
    public func write(_ path: String, quality: Int = 90) throws {
        switch (path as NSString).pathExtension.lowercased() {
        case "png": try writePNG(path)
        case "jpg", "jpeg": try writeJPEG(path, quality: quality)
        case "bmp": try AtomicWrite.write(try encodeStill(AV_CODEC_ID_BMP, path: path), to: path)
        case "tif", "tiff": try AtomicWrite.write(try encodeStill(AV_CODEC_ID_TIFF, path: path), to: path)
        case "webp": try AtomicWrite.write(try encodeStill(AV_CODEC_ID_WEBP, path: path, options: ["lossless": "1"]), to: path)
        default: throw MediaError.unsupported(path: path, reason: "writes .png, .jpg, .bmp, .tiff or .webp")
        }
    }

    func encodePNG(path: String) throws -> [UInt8] { try encodeStill(AV_CODEC_ID_PNG, path: path) }

    /// The picture as the bytes of a lossless PNG (8-bit gray or RGB), in memory.
    public func pngData() throws -> [UInt8] { try encodePNG(path: "PNG in memory") }

    /// One picture through an FFmpeg still-image encoder (8-bit gray or RGB in; the encoder's
    /// nearest pixel format when it takes neither).
    func encodeStill(_ id: AVCodecID, path: String, options: [String: String] = [:]) throws -> [UInt8] {
        _ = FFmpeg.quiet
        // Still WebP is libwebp's encoder (the default one is for animations).
        let found = id == AV_CODEC_ID_WEBP ? avcodec_find_encoder_by_name("libwebp") : avcodec_find_encoder(id)
        guard let codec = found else {
            throw MediaError.unsupported(path: path, reason: "this FFmpeg has no \(String(cString: avcodec_get_name(id))) encoder")
        }
        var ctx = avcodec_alloc_context3(codec)
        defer { avcodec_free_context(&ctx) }
        let wanted = channels == 1 ? AV_PIX_FMT_GRAY8 : AV_PIX_FMT_RGB24
        let packed: [AVPixelFormat] = [AV_PIX_FMT_RGB24, AV_PIX_FMT_BGR24, AV_PIX_FMT_RGBA, AV_PIX_FMT_BGRA, AV_PIX_FMT_ARGB]
        guard let fmt = ([wanted] + packed).first(where: { Image.supported(codec, $0) }) else {
            throw MediaError.unsupported(path: path, reason: "\(String(cString: codec.pointee.name)) takes no packed RGB format")
        }
        ctx!.pointee.width = Int32(width); ctx!.pointee.height = Int32(height)
        ctx!.pointee.pix_fmt = fmt
        ctx!.pointee.time_base = AVRational(num: 1, den: 1)
        for (k, v) in options { av_opt_set(ctx!.pointee.priv_data, k, v, 0) }
        try FFmpeg.check(avcodec_open2(ctx, codec, nil), path, "\(String(cString: codec.pointee.name)) encoder")
        let frame = AVFrameBox(), packet = AVPacketBox()
        let f = frame.frame
        f.pointee.width = Int32(width); f.pointee.height = Int32(height); f.pointee.format = fmt.rawValue
        try FFmpeg.check(av_frame_get_buffer(f, 0), path)
        let stride = Int(f.pointee.linesize.0)
        let base = f.pointee.data.0!
        if fmt == wanted {
            let px = bytes, rowBytes = width * channels
            for y in 0..<height { px.withUnsafeBufferPointer { (base + y * stride).update(from: $0.baseAddress! + y * rowBytes, count: rowBytes) } }
        } else {
            // Expand to the encoder's RGB24 / BGR24 / ARGB.
            let px = rgb().bytes
            for y in 0..<height {
                for x in 0..<width {
                    let (r, g, b) = (px[(y * width + x) * 3], px[(y * width + x) * 3 + 1], px[(y * width + x) * 3 + 2])
                    let row = base + y * stride
                    switch fmt {
                    case AV_PIX_FMT_RGB24: row[3 * x] = r; row[3 * x + 1] = g; row[3 * x + 2] = b
                    case AV_PIX_FMT_BGR24: row[3 * x] = b; row[3 * x + 1] = g; row[3 * x + 2] = r
                    case AV_PIX_FMT_RGBA: row[4 * x] = r; row[4 * x + 1] = g; row[4 * x + 2] = b; row[4 * x + 3] = 255
                    case AV_PIX_FMT_BGRA: row[4 * x] = b; row[4 * x + 1] = g; row[4 * x + 2] = r; row[4 * x + 3] = 255
                    default: row[4 * x] = 255; row[4 * x + 1] = r; row[4 * x + 2] = g; row[4 * x + 3] = b
                    }
                }
            }
        }
        try FFmpeg.check(avcodec_send_frame(ctx, f), path, "encoding")
        try FFmpeg.check(avcodec_send_frame(ctx, nil), path, "encoding")
        var out: [UInt8] = []
        while avcodec_receive_packet(ctx, packet.packet) == 0 {
            out += UnsafeBufferPointer(start: packet.packet.pointee.data, count: Int(packet.packet.pointee.size))
            av_packet_unref(packet.packet)
        }
        guard !out.isEmpty else { throw MediaError.library(path: path, library: "FFmpeg", message: "the encoder produced nothing") }
        return out
    }

    /// Whether an encoder accepts a pixel format.
    static func supported(_ codec: UnsafePointer<AVCodec>, _ fmt: AVPixelFormat) -> Bool {
        guard var p = codec.pointee.pix_fmts else { return true }
        while p.pointee != AV_PIX_FMT_NONE {
            if p.pointee == fmt { return true }
            p += 1
        }
        return false
    }
}
