import Foundation
import MediaIO
import NeuralCore
import Require

/// Pictures to cut training patches from, for image-to-image networks (denoisers): every image
/// of a folder (any MediaIO format, sorted by name) or of a .tar/.tar.gz archive, as gray or colour.
public struct ImagePatches {
    public var images: [Image]
    /// Each image's file name (a folder's file, or an archive member).
    public var names: [String]
    public let channels: Int

    public init(images: [Image], names: [String]? = nil, channels: Int) {
        require(channels == 1 || channels == 3, "ImagePatches: channels must be 1 or 3, got \(channels)")
        self.images = images; self.names = names ?? images.indices.map { "\($0)" }; self.channels = channels
    }

    /// Reads a folder of images or an archive of them (.tar, .tar.gz, .tgz).
    public static func load(_ path: String, channels: Int) throws -> ImagePatches {
        let mode: ColorMode = channels == 1 ? .gray : .rgb
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { throw MediaError.cannotOpen(path: path, reason: "no such file or folder") }
        var images: [Image] = [], names: [String] = []
        if isDir.boolValue {
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter {
                !$0.hasPrefix(".") && ImageClassificationData.imageExtensions.contains(($0 as NSString).pathExtension.lowercased())
            }.sorted()
            for n in files { images.append(try Image.read((path as NSString).appendingPathComponent(n), mode: mode)); names.append(n) }
        } else {
            // Archive members are decoded through a private folder (FFmpeg reads files), removed after.
            let entries = try TarArchive.read(path).filter {
                ImageClassificationData.imageExtensions.contains(($0.name as NSString).pathExtension.lowercased())
            }.sorted { $0.name < $1.name }
            let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("deepmedia-tar-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: tmp) }
            for (i, e) in entries.enumerated() {
                let file = tmp.appendingPathComponent("\(i).\((e.name as NSString).pathExtension)").path
                guard FileManager.default.createFile(atPath: file, contents: Data(e.bytes)) else {
                    throw MediaError.cannotOpen(path: file, reason: "cannot write a temporary file (disk full?)")
                }
                names.append(e.name)
                do { images.append(try Image.read(file, mode: mode)) } catch {
                    throw MediaError.corrupt(path: "\(path):\(e.name)", reason: "\(error)")
                }
            }
        }
        guard !images.isEmpty else { throw MediaError.unsupported(path: path, reason: "no image files") }
        return ImagePatches(images: images, names: names, channels: channels)
    }

    public var count: Int { images.count }

    /// The last `fraction` of the images (at least one, and one left) held out, the rest kept.
    public func split(validationFraction f: Double) -> (train: ImagePatches, validation: ImagePatches) {
        let nVal = f <= 0 ? 0 : Swift.max(1, Swift.min(count - 1, Int((Double(count) * f).rounded())))
        return (ImagePatches(images: Array(images.prefix(count - nVal)), names: Array(names.prefix(count - nVal)), channels: channels),
                ImagePatches(images: Array(images.suffix(nVal)), names: Array(names.suffix(nVal)), channels: channels))
    }

    /// `n` random `size` x `size` patches (N, C, size, size), each from a random image at a
    /// random place, flipped and rotated by one of the eight symmetries of the square.
    public func sample(_ n: Int, size: Int, using rng: inout RandomGenerator) -> Tensor {
        let usable = images.filter { $0.width >= size && $0.height >= size }
        require(!usable.isEmpty, "ImagePatches: no image is at least \(size)x\(size)")
        let c = channels, plane = size * size
        let out = Tensor(uninitializedShape: [n, c, size, size])
        let po = out.storage.pointer
        for k in 0..<n {
            let img = usable[rng.int(below: usable.count)]
            let y0 = rng.int(below: img.height - size + 1), x0 = rng.int(below: img.width - size + 1)
            let symmetry = rng.int(below: 8)
            for y in 0..<size {
                for x in 0..<size {
                    // (y, x) of the output read from a rotated/flipped place of the crop.
                    var sy = y, sx = x
                    if symmetry & 1 != 0 { sx = size - 1 - sx }
                    if symmetry & 2 != 0 { sy = size - 1 - sy }
                    if symmetry & 4 != 0 { swap(&sy, &sx) }
                    for ch in 0..<c { po[(k * c + ch) * plane + y * size + x] = img[y0 + sy, x0 + sx, ch] }
                }
            }
        }
        return out
    }
}
