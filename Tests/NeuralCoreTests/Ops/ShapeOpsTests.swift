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
        let empty = Tensor.zeros([1, 2, 0, 3]).padded2d(1)   // planes of no pixels: only the border
        XCTAssertEqual(empty.shape, [1, 2, 2, 5])
        XCTAssertEqual(empty.scalars, [Float](repeating: 0, count: 20))
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

    /// Slice, concatenate, reshape, permute and padding on tensors large enough to be split across
    /// threads (ranges starting inside rows): values and gradients equal the definitions exactly on
    /// 1, 3 and 16 threads.
    func testLargeMovesOnThreadsEqualTheDefinitions() {
        let saved = Parallel.threads
        defer { Parallel.threads = saved }
        var rng = RandomGenerator(seed: 41)
        let (a, b, c) = (6, 40, 251)
        let xv = Tensor.normal([a, b, c], using: &rng), yv = Tensor.normal([a, 17, c], using: &rng)
        let xs = xv.scalars, ys = yv.scalars
        func at(_ i: Int, _ j: Int, _ k: Int, _ d1: Int) -> Int { (i * d1 + j) * c + k }
        for threads in [1, 3, 16] {
            Parallel.threads = threads
            // slice along axis 1: the rows 5..<33
            let x = xv.requiringGrad(), u = Tensor.normal([a, 28, c], using: &rng), us = u.scalars
            let s = x.slice(axis: 1, 5..<33)
            var want = [Float](repeating: 0, count: a * 28 * c), wantG = [Float](repeating: 0, count: xs.count)
            for i in 0..<a { for j in 0..<28 { for k in 0..<c {
                want[at(i, j, k, 28)] = xs[at(i, j + 5, k, b)]; wantG[at(i, j + 5, k, b)] = us[at(i, j, k, 28)]
            } } }
            (s * u).sum().backward()
            XCTAssertEqual(s.scalars, want, "slice, \(threads) threads")
            XCTAssertEqual(x.grad!.scalars, wantG, "slice gradient, \(threads) threads")
            // concatenate along axis 1
            let x2 = xv.requiringGrad(), y2 = yv.requiringGrad(), v = Tensor.normal([a, b + 17, c], using: &rng), vs = v.scalars
            let cat = Tensor.concatenate([x2, y2], axis: 1)
            var wantC = [Float](repeating: 0, count: a * (b + 17) * c)
            for i in 0..<a { for k in 0..<c {
                for j in 0..<b { wantC[at(i, j, k, b + 17)] = xs[at(i, j, k, b)] }
                for j in 0..<17 { wantC[at(i, b + j, k, b + 17)] = ys[at(i, j, k, 17)] }
            } }
            (cat * v).sum().backward()
            XCTAssertEqual(cat.scalars, wantC, "concatenate, \(threads) threads")
            XCTAssertEqual(x2.grad!.scalars, (0..<xs.count).map { vs[at($0 / (b * c), $0 / c % b, $0 % c, b + 17)] }, "concatenate gradient, \(threads) threads")
            XCTAssertEqual(y2.grad!.scalars, (0..<ys.count).map { vs[at($0 / (17 * c), b + $0 / c % 17, $0 % c, b + 17)] }, "concatenate gradient, \(threads) threads")
            // reshape: a fresh gradient (copied), then one added to
            let x3 = xv.requiringGrad(), p = Tensor.normal([a * b, c], using: &rng), q = Tensor.normal([a * b, c], using: &rng)
            (x3.reshaped([a * b, c]) * p + x3.reshaped([a * b, c]) * q).sum().backward()
            XCTAssertEqual(x3.grad!.scalars, zip(p.scalars, q.scalars).map { $0 + $1 }, "reshape gradient, \(threads) threads")
            // permute (2, 0, 1)
            let x4 = xv.requiringGrad(), w = Tensor.normal([c, a, b], using: &rng), ws = w.scalars
            let t = x4.permuted([2, 0, 1])
            (t * w).sum().backward()
            XCTAssertEqual(t.scalars, (0..<xs.count).map { o in xs[at(o / b % a, o % b, o / (a * b), b)] }, "permute, \(threads) threads")
            XCTAssertEqual(x4.grad!.scalars, (0..<xs.count).map { e in ws[(e % c * a + e / (b * c)) * b + e / c % b] }, "permute gradient, \(threads) threads")
            // padding by 2 of (a, b, 9, 29)
            let x5 = Tensor.normal([a, b, 9, 29], using: &rng).requiringGrad(), x5s = x5.scalars
            let z = Tensor.normal([a, b, 13, 33], using: &rng), zs = z.scalars
            let padded = x5.padded2d(2)
            (padded * z).sum().backward()
            var wantP = [Float](repeating: 0, count: a * b * 13 * 33), wantPG = [Float](repeating: 0, count: a * b * 9 * 29)
            for pl in 0..<(a * b) { for r in 0..<9 { for k in 0..<29 {
                wantP[(pl * 13 + r + 2) * 33 + k + 2] = x5s[(pl * 9 + r) * 29 + k]
                wantPG[(pl * 9 + r) * 29 + k] = zs[(pl * 13 + r + 2) * 33 + k + 2]
            } } }
            XCTAssertEqual(padded.scalars, wantP, "padding, \(threads) threads")
            XCTAssertEqual(x5.grad!.scalars, wantPG, "padding gradient, \(threads) threads")
        }
    }
}
