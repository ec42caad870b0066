import XCTest
@testable import NeuralCore
import TestSupport

final class DirectConv3x3Tests: XCTestCase {
    /// Scratch full of NaN with only `clearBorders` zeroed gives the same bits as all-zero
    /// scratch, forward and weight gradient, on every kernel set: the kernels read nothing else
    /// they did not write first. Widths in whole vectors, flat runs and part vectors.
    func testClearedBordersAreAllTheKernelsNeed() {
        forEachKernelSet { set in
            var rng = RandomGenerator(seed: 31)
            for (ins, outs, h, w) in [(3, 8, 5, 16), (16, 12, 7, 40), (5, 6, 9, 25), (2, 4, 4, 32), (32, 8, 3, 17)] {
                guard DirectConv3x3.applies(ConvGeometry(c: ins, h: h, w: w, kernel: (3, 3), stride: (1, 1), padding: (1, 1),
                                                         dilation: (1, 1))) else { continue }
                let x = Tensor.normal([ins, h, w], using: &rng), g = Tensor.normal([outs, h, w], using: &rng)
                let wt = Tensor.normal([outs, ins, 3, 3], using: &rng), bias = Tensor.normal([outs], using: &rng)
                let packed = DirectConv3x3.pack(wt.storage.pointer, cout: outs, cin: ins)
                func forward(_ cleared: Bool) -> [Float] {
                    let count = DirectConv3x3.padCount(ins: ins, h: h, w: w)
                    var pad = [Float](repeating: cleared ? .nan : 0, count: count), y = [Float](repeating: 0, count: outs * h * w)
                    pad.withUnsafeMutableBufferPointer { p in
                        if cleared { DirectConv3x3.clearBorders(p.baseAddress!, planes: ins, h: h, w: w) }
                        y.withUnsafeMutableBufferPointer {
                            DirectConv3x3.image(x.storage.pointer, ins: ins, outs: outs, h: h, w: w, packed: packed.pointer,
                                                bias: bias.storage.pointer, y: $0.baseAddress!, pad: p.baseAddress!)
                        }
                    }
                    return y
                }
                func weightGradient(_ cleared: Bool) -> [Float] {
                    let count = DirectConv3x3.weightGradientScratch(ins: ins, outs: outs, h: h, w: w)
                    var pad = [Float](repeating: cleared ? .nan : 0, count: count), gw = [Float](repeating: 0, count: outs * ins * 9)
                    pad.withUnsafeMutableBufferPointer { p in
                        if cleared { DirectConv3x3.clearBorders(p.baseAddress!, planes: ins, h: h, w: w, after: 16) }
                        gw.withUnsafeMutableBufferPointer {
                            DirectConv3x3.weightGradient(x: x.storage.pointer, g: g.storage.pointer, ins: ins, outs: outs, h: h, w: w,
                                                         gw: $0.baseAddress!, pad: p.baseAddress!)
                        }
                    }
                    return gw
                }
                let y = forward(true), gw = weightGradient(true)
                XCTAssertFalse(y.contains { $0.isNaN }, "\(set) forward \(ins)->\(outs) \(h)x\(w)")
                XCTAssertEqual(y, forward(false), "\(set) forward \(ins)->\(outs) \(h)x\(w)")
                XCTAssertFalse(gw.contains { $0.isNaN }, "\(set) weight gradient \(ins)->\(outs) \(h)x\(w)")
                XCTAssertEqual(gw, weightGradient(false), "\(set) weight gradient \(ins)->\(outs) \(h)x\(w)")
            }
        }
    }
}
