import Foundation

/// Builds a valid PNG by hand (stored, uncompressed deflate blocks), so tests can make any colour
/// type and bit depth without another encoder. `value(pixelIndex, component)` gives each sample.
func minimalPNG(width: Int, height: Int, colorType: Int, bitDepth: Int, value: (Int, Int) -> Int) -> [UInt8] {
    let comps = [0: 1, 2: 3, 4: 2, 6: 4][colorType]!
    var raw: [UInt8] = []
    for y in 0..<height {
        raw.append(0)   // filter: none
        for x in 0..<width {
            for c in 0..<comps {
                let v = value(y * width + x, c)
                if bitDepth == 16 { raw += [UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] } else { raw.append(UInt8(v & 0xFF)) }
            }
        }
    }
    func be32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
    func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return be32(data.count) + body + be32(Int(crc32(body)))
    }
    // zlib stream of stored blocks + Adler-32.
    var z: [UInt8] = [0x78, 0x01]
    var offset = 0
    repeat {
        let n = min(65_535, raw.count - offset)
        let final: UInt8 = offset + n >= raw.count ? 1 : 0
        z += [final, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
        z += raw[offset..<(offset + n)]
        offset += n
    } while offset < raw.count
    var a: UInt32 = 1, b: UInt32 = 0
    for byte in raw { a = (a + UInt32(byte)) % 65_521; b = (b + a) % 65_521 }
    z += be32(Int(b << 16 | a))
    let ihdr = be32(width) + be32(height) + [UInt8(bitDepth), UInt8(colorType), 0, 0, 0]
    return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", ihdr) + chunk("IDAT", z) + chunk("IEND", [])
}

func crc32(_ bytes: [UInt8]) -> UInt32 {
    var c: UInt32 = 0xFFFF_FFFF
    for b in bytes {
        c ^= UInt32(b)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    }
    return ~c
}
