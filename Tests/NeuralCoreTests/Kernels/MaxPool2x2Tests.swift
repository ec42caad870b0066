import XCTest
@testable import NeuralCore
import TestSupport

/// The 2x2 stride-2 pooling kernel on every kernel set against the definition: widths that leave
/// steps of 8 and 4 and a scalar tail after the full vectors, odd sizes (the last row and column belong to no window),
/// ties (the first maximum wins), NaN (wins only in a window's first place), and the backward
/// writing or adding whole windows.
final class MaxPool2x2Tests: XCTestCase {
    func testForwardAndBackwardMatchTheDefinition() {
        forEachKernelSet { set in
            var rng = RandomGenerator(seed: 25)
            // Outputs a row: 1, 19, 33, 32, 8, 12 (8 + 4), 4, 15 (8 + 4 + 3), 6 (4 + 2).
            for (h, w) in [(2, 2), (4, 38), (5, 67), (6, 64), (3, 17), (4, 24), (2, 8), (5, 30), (4, 13)] {
                var x = Tensor.normal([h * w], using: &rng).scalars.map { ($0 * 2).rounded() / 2 }   // many ties
                x[0] = .nan
                if w > 5 { x[3] = .nan }   // second place of window 1: loses
                let ho = h / 2, wo = w / 2
                var y = [Float](repeating: 9, count: ho * wo), arg = [Int32](repeating: -1, count: ho * wo)
                MaxPool2x2.forward(x, h: h, w: w, into: &y, argmax: &arg)
                var noArg = [Float](repeating: 9, count: ho * wo)
                MaxPool2x2.forward(x, h: h, w: w, into: &noArg, argmax: nil)
                for oy in 0..<ho {
                    for ox in 0..<wo {
                        let places = [2 * oy * w + 2 * ox, 2 * oy * w + 2 * ox + 1, (2 * oy + 1) * w + 2 * ox, (2 * oy + 1) * w + 2 * ox + 1]
                        var best = places[0]
                        for p in places.dropFirst() where x[p] > x[best] { best = p }
                        let o = oy * wo + ox
                        XCTAssertEqual(Int(arg[o]), best, "\(set) \(h)x\(w) window \(oy),\(ox)")
                        XCTAssertTrue(y[o] == x[best] || (y[o].isNaN && x[best].isNaN), "\(set) \(h)x\(w) value")
                        XCTAssertTrue(noArg[o] == y[o] || (noArg[o].isNaN && y[o].isNaN))
                    }
                }
                let g = Tensor.normal([ho * wo], using: &rng).scalars
                for accumulate in [false, true] {
                    var gx = [Float](repeating: 0.25, count: h * w)
                    MaxPool2x2.backward(g, argmax: arg, h: h, w: w, into: &gx, accumulate: accumulate)
                    var want = [Float](repeating: 0.25, count: h * w)
                    for oy in 0..<ho { for ox in 0..<wo {
                        for p in [2 * oy * w + 2 * ox, 2 * oy * w + 2 * ox + 1, (2 * oy + 1) * w + 2 * ox, (2 * oy + 1) * w + 2 * ox + 1] {
                            want[p] = (accumulate ? 0.25 : 0) + (p == Int(arg[oy * wo + ox]) ? g[oy * wo + ox] : 0)
                        }
                    } }
                    XCTAssertEqual(gx, want, "\(set) \(h)x\(w) backward, accumulate \(accumulate)")
                }
            }
        }
    }
}
