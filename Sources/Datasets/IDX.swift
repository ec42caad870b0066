import MediaIO
import NeuralCore

/// The IDX format of MNIST (optionally gzip-compressed): big-endian magic 0x0000 08 NDIM, NDIM
/// big-endian UInt32 sizes, then unsigned bytes.
public struct IDXFile {
    public let shape: [Int]
    public let bytes: [UInt8]

    public static func read(_ path: String) throws -> IDXFile {
        let b = try FileBytes.read(path, maxBytes: 1 << 31)
        guard b.count >= 4, b[0] == 0, b[1] == 0 else { throw MediaError.corrupt(path: path, reason: "not an IDX file (bad magic)") }
        guard b[2] == 0x08 else { throw MediaError.corrupt(path: path, reason: "IDX element type \(b[2]) is not unsigned bytes") }
        let ndim = Int(b[3])
        guard ndim >= 1, ndim <= 4, b.count >= 4 + 4 * ndim else { throw MediaError.corrupt(path: path, reason: "IDX header is truncated") }
        var shape: [Int] = []
        for i in 0..<ndim {
            let o = 4 + 4 * i
            shape.append(Int(b[o]) << 24 | Int(b[o + 1]) << 16 | Int(b[o + 2]) << 8 | Int(b[o + 3]))
        }
        let count = shape.reduce(1, *)
        let start = 4 + 4 * ndim
        guard b.count - start == count else {
            throw MediaError.corrupt(path: path, reason: "IDX header promises \(count) values, file has \(b.count - start)")
        }
        return IDXFile(shape: shape, bytes: Array(b[start...]))
    }
}
