import Foundation
import MediaIO
import NeuralCore

/// A labelled image set for classification: images (N, C, H, W) in [0, 1], labels, class names.
/// Loads MNIST-style IDX files (gzip or not) or one subfolder per class of image files in any
/// format MediaIO reads, resized (area) to the model's input.
public struct ImageClassificationData {
    public var data: LabeledImages
    public var classNames: [String]
    /// Read from one folder per class: split per class (see `split`), not by position.
    public var fromClassFolders = false

    public init(data: LabeledImages, classNames: [String], fromClassFolders: Bool = false) {
        self.data = data; self.classNames = classNames; self.fromClassFolders = fromClassFolders
    }

    public var count: Int { data.count }

    /// File extensions read as images.
    public static let imageExtensions: Set<String> = ["png", "jpg", "jpeg", "bmp", "tif", "tiff", "webp", "gif", "pgm", "ppm"]

    /// The two file sets of an MNIST-style folder: train-*-ubyte and t10k-*-ubyte (gzip or not).
    public enum IDXSplit: String, CaseIterable, Sendable {
        case train, test
        var prefix: String { self == .train ? "train" : "t10k" }
    }

    /// The IDX sets `dir` holds, as (split, images file, labels file).
    public static func idxSets(in dir: String) -> [(split: IDXSplit, images: String, labels: String)] {
        IDXSplit.allCases.compactMap { split in
            for suffix in ["", ".gz"] {
                let images = (dir as NSString).appendingPathComponent("\(split.prefix)-images-idx3-ubyte" + suffix)
                let labels = (dir as NSString).appendingPathComponent("\(split.prefix)-labels-idx1-ubyte" + suffix)
                if FileManager.default.fileExists(atPath: images) { return (split, images, labels) }
            }
            return nil
        }
    }

    /// Reads `dir`: IDX files if it holds train-images-idx3-ubyte or t10k-images-idx3-ubyte (gzip
    /// or not; `split` chooses, default the training set, or the only set there), CIFAR-10 binary
    /// batches if it holds data_batch_*.bin, else class subfolders.
    public static func load(_ dir: String, channels: Int, height: Int, width: Int, limit: Int? = nil,
                            split: IDXSplit? = nil) throws -> ImageClassificationData {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir) else { throw MediaError.cannotOpen(path: dir, reason: "no such folder") }
        guard isDir.boolValue else { throw MediaError.cannotOpen(path: dir, reason: "not a folder") }
        let sets = idxSets(in: dir)
        if !sets.isEmpty {
            let wanted = split ?? (sets.contains { $0.split == .train } ? .train : sets[0].split)
            guard let set = sets.first(where: { $0.split == wanted }) else {
                throw MediaError.cannotOpen(path: dir, reason: "no \(wanted.prefix)-images-idx3-ubyte file (it holds the \(sets.map(\.split.rawValue).joined(separator: " and ")) set)")
            }
            var d = try LabeledImages.readIDX(images: set.images, labels: set.labels, limit: limit)
            d = d.resized(channels: channels, height: height, width: width)
            let classes = (d.labels.max() ?? 0) + 1
            return ImageClassificationData(data: d, classNames: (0..<classes).map(String.init))
        }
        if let batches = CIFARBinary.batches(in: dir) {
            let d = try CIFARBinary.read(batches, limit: limit).resized(channels: channels, height: height, width: width)
            return ImageClassificationData(data: d, classNames: CIFARBinary.classNames)
        }
        return try loadFolders(dir, channels: channels, height: height, width: width, limit: limit)
    }

    static func loadFolders(_ dir: String, channels: Int, height: Int, width: Int, limit: Int?) throws -> ImageClassificationData {
        let fm = FileManager.default
        let entries = (try? fm.contentsOfDirectory(atPath: dir)) ?? []
        let classes = entries.filter { name in
            var d: ObjCBool = false
            return !name.hasPrefix(".") && fm.fileExists(atPath: (dir as NSString).appendingPathComponent(name), isDirectory: &d) && d.boolValue
        }.sorted()
        guard !classes.isEmpty else {
            throw MediaError.unsupported(path: dir, reason: "no IDX files, no CIFAR-10 batches and no class subfolders: expected DIR/<class>/<image files>")
        }
        var files: [(String, Int)] = []
        for (label, name) in classes.enumerated() {
            let sub = (dir as NSString).appendingPathComponent(name)
            let images = ((try? fm.contentsOfDirectory(atPath: sub)) ?? []).filter {
                !$0.hasPrefix(".") && imageExtensions.contains(($0 as NSString).pathExtension.lowercased())
            }.sorted()
            files += images.map { ((sub as NSString).appendingPathComponent($0), label) }
        }
        if let limit { files = Array(files.prefix(limit)) }
        guard !files.isEmpty else { throw MediaError.unsupported(path: dir, reason: "the class folders hold no image files") }
        let per = channels * height * width
        let t = Tensor(uninitializedShape: [files.count, channels, height, width])
        for (i, (path, _)) in files.enumerated() {
            let img = try Image.read(path, mode: channels == 1 ? .gray : .rgb).resized(width: width, height: height, filter: .area)
            let chw = img.chw
            chw.withUnsafeBufferPointer { (t.storage.pointer + i * per).update(from: $0.baseAddress!, count: per) }
        }
        return ImageClassificationData(data: LabeledImages(images: t, labels: files.map(\.1)), classNames: classes, fromClassFolders: true)
    }

    /// Training and validation parts. IDX and CIFAR data: the first `1 - fraction` and the last
    /// `fraction` (the split the peers use: MNIST's last 10,000 training images are validation at
    /// 1/6). Class folders: the same fraction of every class, drawn by a fixed seed (the files of a
    /// class are in name order, so a positional cut would put the last class almost only in
    /// validation); train and evaluate --fraction draw the same images.
    public func split(validationFraction f: Double) -> (train: ImageClassificationData, validation: ImageClassificationData) {
        if fromClassFolders { return stratifiedSplit(validationFraction: f) }
        let nVal = Swift.max(0, Swift.min(count - 1, Int((Double(count) * f).rounded())))
        let cut = count - nVal
        return (ImageClassificationData(data: data.subset(0..<cut), classNames: classNames),
                ImageClassificationData(data: data.subset(cut..<count), classNames: classNames))
    }

    func stratifiedSplit(validationFraction f: Double) -> (train: ImageClassificationData, validation: ImageClassificationData) {
        var train: [Int] = [], val: [Int] = []
        for c in classNames.indices {
            var members = data.labels.indices.filter { data.labels[$0] == c }
            var rng = RandomGenerator(seed: 0x5EED_5F17 &+ UInt64(c))
            members.shuffle(using: &rng)
            let nVal = Swift.max(0, Swift.min(members.count - 1, Int((Double(members.count) * f).rounded())))
            val += members.prefix(nVal)
            train += members.dropFirst(nVal)
        }
        func part(_ idx: [Int]) -> ImageClassificationData {
            let (x, y) = data.batch(idx.sorted())
            return ImageClassificationData(data: LabeledImages(images: x, labels: y), classNames: classNames, fromClassFolders: true)
        }
        return (part(train), part(val))
    }
}

extension LabeledImages {
    /// Converted to `channels` and resized (area) to height x width; unchanged when it already fits.
    public func resized(channels: Int, height: Int, width: Int) -> LabeledImages {
        let s = images.shape
        if s[1] == channels && s[2] == height && s[3] == width { return self }
        let n = s[0], per = channels * height * width
        let out = Tensor(uninitializedShape: [n, channels, height, width])
        for i in 0..<n {
            let src = Array(UnsafeBufferPointer(start: images.storage.pointer + i * s[1] * s[2] * s[3], count: s[1] * s[2] * s[3]))
            var img = Image(chw: src, channels: s[1], height: s[2], width: s[3])
            img = (channels == 1 ? img.grayscale() : img.rgb()).resized(width: width, height: height, filter: .area)
            img.chw.withUnsafeBufferPointer { (out.storage.pointer + i * per).update(from: $0.baseAddress!, count: per) }
        }
        return LabeledImages(images: out, labels: labels)
    }
}
