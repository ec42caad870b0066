import XCTest
import Foundation
@testable import MediaIO
import TestSupport

/// A fresh temporary folder per test case.
func temporaryFolder() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("mediaio-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// ../shared/datasets/media-samples/<name>, or a skip with a printed line.
func sample(_ name: String) throws -> String {
    guard let dir = Fixtures.dataset("media-samples") else { throw XCTSkip("../shared/datasets/media-samples not present") }
    return dir.appendingPathComponent(name).path
}

/// Peak signal-to-noise ratio in dB for values in [0, 1].
func psnr(_ a: [Float], _ b: [Float]) -> Double {
    precondition(a.count == b.count)
    var mse: Double = 0
    for i in 0..<a.count { let d = Double(a[i] - b[i]); mse += d * d }
    mse /= Double(a.count)
    return mse == 0 ? .infinity : 10 * log10(1 / mse)
}

/// A smooth, natural-looking test picture: gradients, a disc and soft texture.
func syntheticImage(width: Int, height: Int, channels: Int) -> Image {
    var img = Image(width: width, height: height, channels: channels)
    for y in 0..<height {
        for x in 0..<width {
            let fx = Float(x) / Float(width), fy = Float(y) / Float(height)
            let d = ((fx - 0.5) * (fx - 0.5) + (fy - 0.5) * (fy - 0.5)).squareRoot()
            for c in 0..<channels {
                var v = 0.3 + 0.4 * fx * Float(c + 1) / Float(channels) + 0.2 * fy
                v += d < 0.25 ? 0.2 : 0
                v += 0.05 * sin(Float(x) * 0.3 + Float(c)) * cos(Float(y) * 0.2)
                img[y, x, c] = Swift.max(0, Swift.min(1, v))
            }
        }
    }
    return img
}
