import XCTest
import NeuralCore
import TestSupport

final class ShapeOpsTests: XCTestCase {
    func testPermuteValues() {
        let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(x.transposed().scalars, [1, 4, 2, 5, 3, 6])
        let y = Tensor(shape: [2, 1, 3], scalars: [1, 2, 3, 4, 5, 6]).permuted([2, 0, 1])
        XCTAssertEqual(y.shape, [3, 2, 1])
        XCTAssertEqual(y.scalars, [1, 4, 2, 5, 3, 6])
    }

    /// pixel_unshuffle as PyTorch defines it, its inverse, and gradients through both.
    func testPixelShuffle() {
        var rng = RandomGenerator(seed: 9)
        let x = Tensor.normal([2, 3, 4, 6], using: &rng)
        let u = x.pixelUnshuffled(2)
        XCTAssertEqual(u.shape, [2, 12, 2, 3])
        let px = x.scalars, pu = u.scalars
        for n in 0..<2 { for c in 0..<3 { for i in 0..<2 { for j in 0..<2 { for h in 0..<2 { for w in 0..<3 {
            XCTAssertEqual(pu[((n * 12 + c * 4 + i * 2 + j) * 2 + h) * 3 + w], px[((n * 3 + c) * 4 + h * 2 + i) * 6 + w * 2 + j])
        } } } } } }
        XCTAssertEqual(u.pixelShuffled(2).scalars, px)
        XCTAssertEqual(x.pixelUnshuffled(1).scalars, px)
        checkGradients([Tensor.normal([1, 2, 4, 4], using: &rng)], "pixel unshuffle") { $0[0].pixelUnshuffled(2) * $0[0].pixelUnshuffled(2) }
        checkGradients([Tensor.normal([1, 8, 2, 3], using: &rng)], "pixel shuffle") { $0[0].pixelShuffled(2).tanh() }
    }

    func testSliceConcatenateStack() {
        let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(x.slice(axis: 1, 1..<3).scalars, [2, 3, 5, 6])
        let c = Tensor.concatenate([x, x.slice(axis: 1, 0..<1)], axis: 1)
        XCTAssertEqual(c.shape, [2, 4])
        XCTAssertEqual(c.scalars, [1, 2, 3, 1, 4, 5, 6, 4])
        let s = Tensor.stack([x, x * 2], axis: 1)
        XCTAssertEqual(s.shape, [2, 2, 3])
        XCTAssertEqual(s.scalars, [1, 2, 3, 2, 4, 6, 4, 5, 6, 8, 10, 12])
        XCTAssertEqual(x.reshaped([3, -1]).shape, [3, 2])
    }

    func testGradients() {
        var rng = RandomGenerator(seed: 5)
        let x = Tensor.normal([2, 3, 4], using: &rng), y = Tensor.normal([2, 2, 4], using: &rng)
        checkGradients([x], "reshape") { $0[0].reshaped([4, 6]) }
        checkGradients([x], "permute") { $0[0].permuted([2, 0, 1]) }
        checkGradients([x], "slice") { $0[0].slice(axis: 1, 1..<3) }
        checkGradients([x, y], "concatenate") { Tensor.concatenate([$0[0], $0[1]], axis: 1) }
        checkGradients([x, x * 0.5], "stack") { Tensor.stack([$0[0], $0[1]], axis: 2) }
    }

    func testCopyOnWrite() {
        var a = Tensor(shape: [2], scalars: [1, 2])
        let b = a
        a[[0]] = 9
        XCTAssertEqual(a.scalars, [9, 2])
        XCTAssertEqual(b.scalars, [1, 2])
    }

    func testCreation() {
        XCTAssertEqual(Tensor.arange(0, 5).scalars, [0, 1, 2, 3, 4])
        XCTAssertEqual(Tensor.full([2], 3).scalars, [3, 3])
        var r1 = RandomGenerator(seed: 9), r2 = RandomGenerator(seed: 9)
        XCTAssertEqual(Tensor.normal([5], using: &r1).scalars, Tensor.normal([5], using: &r2).scalars)
        let u = Tensor.uniform([1000], low: -1, high: 1, using: &r1).scalars
        XCTAssertTrue(u.allSatisfy { $0 >= -1 && $0 < 1 })
        XCTAssertEqual(u.reduce(0, +) / 1000, 0, accuracy: 0.1)
    }
}
