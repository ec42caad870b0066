import XCTest
@testable import NeuralCore
import TestSupport

final class ConvTapRowsTests: XCTestCase {
    /// Scratch full of NaN, its border rows cleared and each image copied in (whole, or in two
    /// runs of rows), is the padded channel-last batch by the definition: zeros off the image.
    func testClearedRowsAndCopiesMakeThePaddedImages() {
        forEachKernelSet { set in
            var rng = RandomGenerator(seed: 41)
            for (c, h, w, ph, pw) in [(3, 5, 7, 1, 1), (16, 7, 7, 1, 1), (2, 4, 9, 2, 0), (5, 6, 3, 0, 2), (4, 3, 20, 2, 3)] {
                let geo = ConvGeometry(c: c, h: h, w: w, kernel: (3, 3), stride: (1, 1), padding: (ph, pw), dilation: (1, 1))
                let images = 3, x = Tensor.normal([images, c, h, w], using: &rng).scalars
                for split in [false, true] {
                    var dst = [Float](repeating: .nan, count: images * geo.paddedCount)
                    x.withUnsafeBufferPointer { px in
                        dst.withUnsafeMutableBufferPointer { d in
                            geo.clearPaddedRows(d.baseAddress!, images: images)
                            for s in 0..<images {
                                let from = px.baseAddress! + s * c * h * w, to = d.baseAddress! + s * geo.paddedCount
                                if split {
                                    geo.toPaddedChannelLast(from, to, rows: 0..<(h / 2))
                                    geo.toPaddedChannelLast(from, to, rows: (h / 2)..<h)
                                } else {
                                    geo.toPaddedChannelLast(from, to)
                                }
                            }
                        }
                    }
                    var want = [Float](repeating: 0, count: images * geo.paddedCount)
                    for s in 0..<images { for ch in 0..<c { for y in 0..<h { for xx in 0..<w {
                        want[s * geo.paddedCount + ((y + ph) * geo.paddedW + xx + pw) * c + ch] = x[((s * c + ch) * h + y) * w + xx]
                    } } } }
                    XCTAssertEqual(dst, want, "\(set) c\(c) \(h)x\(w) p(\(ph), \(pw)) split \(split)")
                }
            }
        }
    }
}
