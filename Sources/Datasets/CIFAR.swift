import Foundation
import MediaIO
import NeuralCore

/// CIFAR-10's binary batches (data_batch_1.bin ... data_batch_5.bin, test_batch.bin): records of
/// one label byte and 3072 bytes of 32x32 red, green and blue planes.
public enum CIFARBinary {
    public static let classNames = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
    static let record = 1 + 3 * 32 * 32

    /// The training batches found in `dir` (data_batch_*.bin, sorted), or nil when there are none.
    public static func batches(in dir: String) -> [String]? {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [])
            .filter { $0.hasPrefix("data_batch_") && $0.hasSuffix(".bin") }.sorted()
        return names.isEmpty ? nil : names.map { (dir as NSString).appendingPathComponent($0) }
    }

    /// Images (N, 3, 32, 32) in [0, 1] and labels from the given batch files.
    public static func read(_ files: [String], limit: Int? = nil) throws -> LabeledImages {
        var bytes: [[UInt8]] = []
        var total = 0
        for f in files {
            let b = try FileBytes.read(f)
            guard !b.isEmpty, b.count % record == 0 else {
                throw MediaError.corrupt(path: f, reason: "\(b.count) bytes is not a whole number of \(record)-byte CIFAR records")
            }
            bytes.append(b); total += b.count / record
        }
        let n = Swift.min(total, limit ?? Int.max)
        let t = Tensor(uninitializedShape: [n, 3, 32, 32])
        var labels: [Int] = []
        labels.reserveCapacity(n)
        let p = t.storage.pointer
        var i = 0
        outer: for (f, b) in zip(files, bytes) {
            for r in 0..<(b.count / record) {
                if i == n { break outer }
                let label = Int(b[r * record])
                guard label < 10 else { throw MediaError.corrupt(path: f, reason: "record \(r) has label \(label)") }
                labels.append(label)
                for k in 0..<(record - 1) { p[i * 3072 + k] = Float(b[r * record + 1 + k]) / 255 }
                i += 1
            }
        }
        return LabeledImages(images: t, labels: labels)
    }
}
