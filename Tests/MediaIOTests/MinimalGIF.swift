/// Builds a GIF89a by hand: a 256-entry gray palette and LZW data that never grows past 9-bit
/// codes (a clear code every 254 pixels), so any picture can be written without an encoder.
/// `frames` pictures of width x height gray levels (0...255).
func minimalGIF(width: Int, height: Int, frames: [[UInt8]]) -> [UInt8] {
    func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
    var out = Array("GIF89a".utf8) + le16(width) + le16(height) + [0xF7, 0, 0]
    for i in 0..<256 { out += [UInt8(i), UInt8(i), UInt8(i)] }
    for pixels in frames {
        out += [0x21, 0xF9, 4, 0, 10, 0, 0, 0]                      // graphic control: 0.1 s
        out += [0x2C] + le16(0) + le16(0) + le16(width) + le16(height) + [0]
        out.append(8)                                              // LZW minimum code size
        var bits: [Bool] = []
        func emit(_ code: Int) { for b in 0..<9 { bits.append(code >> b & 1 == 1) } }
        emit(256)
        for (i, p) in pixels.enumerated() {
            if i > 0 && i % 254 == 0 { emit(256) }
            emit(Int(p))
        }
        emit(257)
        var bytes: [UInt8] = []
        for start in stride(from: 0, to: bits.count, by: 8) {
            var v: UInt8 = 0
            for b in 0..<8 where start + b < bits.count && bits[start + b] { v |= 1 << UInt8(b) }
            bytes.append(v)
        }
        for start in stride(from: 0, to: bytes.count, by: 255) {
            let block = bytes[start..<min(start + 255, bytes.count)]
            out.append(UInt8(block.count)); out += block
        }
        out.append(0)
    }
    out.append(0x3B)
    return out
}
