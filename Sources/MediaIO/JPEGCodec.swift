internal import CJPEGShim

/// JPEG through libjpeg(-turbo); its errors arrive as messages from the C shim.
enum JPEGCodec {
    static func isJPEG(_ b: [UInt8]) -> Bool { b.count >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF }

    static func decode(_ bytes: [UInt8], channels: Int, path: String, maxPixels: Int = MediaLimits.maxImagePixels) throws -> Image {
        var err = [CChar](repeating: 0, count: 256)
        var w: Int32 = 0, h: Int32 = 0, comps: Int32 = 0
        let info = bytes.withUnsafeBufferPointer { dm_jpeg_info($0.baseAddress, $0.count, &w, &h, &comps, &err, err.count) }
        guard info == 0 else { throw MediaError.library(path: path, library: "libjpeg", message: String(cString: err)) }
        guard w > 0, h > 0, Int(w) <= MediaLimits.maxImageSide, Int(h) <= MediaLimits.maxImageSide,
              Int(w) * Int(h) <= min(maxPixels, MediaLimits.maxImagePixels) else {
            throw MediaError.tooLarge(path: path, reason: "JPEG header declares \(w)x\(h) (at most \(min(maxPixels, MediaLimits.maxImagePixels)) pixels are read)")
        }
        var out = [UInt8](repeating: 0, count: Int(w) * Int(h) * channels)
        let rc = bytes.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                dm_jpeg_decode(src.baseAddress, src.count, Int32(channels), dst.baseAddress, dst.count, &err, err.count)
            }
        }
        guard rc == 0 else { throw MediaError.library(path: path, library: "libjpeg", message: String(cString: err)) }
        return Image(width: Int(w), height: Int(h), channels: channels, bytes: out)
    }

    static func encode(_ image: Image, quality: Int, path: String) throws -> [UInt8] {
        var err = [CChar](repeating: 0, count: 256)
        var out: UnsafeMutablePointer<UInt8>?
        var size = 0
        let px = image.bytes
        let rc = px.withUnsafeBufferPointer {
            dm_jpeg_encode($0.baseAddress, Int32(image.width), Int32(image.height), Int32(image.channels),
                           Int32(Swift.max(1, Swift.min(100, quality))), &out, &size, &err, err.count)
        }
        guard rc == 0, let out else { throw MediaError.library(path: path, library: "libjpeg", message: String(cString: err)) }
        defer { dm_jpeg_free(out) }
        return Array(UnsafeBufferPointer(start: out, count: size))
    }
}
