import Foundation
import XCTest
import NeuralCore
import TestSupport

final class ElementwiseTests: XCTestCase {
    func testBroadcastAddParity() throws {
        try runOpFixture("broadcast_add") { _, t in ["output": t["input0"]! + t["input1"]!] }
    }

    func testBroadcastMulParity() throws {
        try runOpFixture("broadcast_mul") { _, t in ["output": t["input0"]! * t["input1"]!] }
    }

    func testArithmeticGradients() {
        var rng = RandomGenerator(seed: 1)
        let a = Tensor.normal([2, 3, 4], using: &rng), b = Tensor.normal([3, 1], using: &rng)
        let pos = Tensor.uniform([3, 1], low: 0.5, high: 2, using: &rng)
        checkGradients([a, b], "add") { $0[0] + $0[1] }
        checkGradients([a, b], "sub") { $0[0] - $0[1] }
        checkGradients([a, b], "mul") { $0[0] * $0[1] }
        checkGradients([a, pos], "div") { $0[0] / $0[1] }
        // A row repeated over the other's rows (a bias: shape (4) or (1, 4) against (2, 3, 4)).
        let row = Tensor.normal([4], using: &rng), row1 = Tensor.uniform([1, 4], low: 0.5, high: 2, using: &rng)
        for (name, op) in [("add", (+) as (Tensor, Tensor) -> Tensor), ("sub", (-)), ("mul", (*))] {
            checkGradients([a, row], "\(name), a row") { op($0[0], $0[1]) }
        }
        checkGradients([a, row1], "div, a row") { $0[0] / $0[1] }
        // The broadcast operand first (its rows one element against the other's rows of 4).
        let q = Tensor.uniform([2, 3, 4], low: 0.5, high: 2, using: &rng)
        checkGradients([b, a], "add, broadcast first") { $0[0] + $0[1] }
        checkGradients([b, a], "sub, broadcast first") { $0[0] - $0[1] }
        checkGradients([b, a], "mul, broadcast first") { $0[0] * $0[1] }
        checkGradients([b, q], "div, broadcast first") { $0[0] / $0[1] }
        for (name, op) in [("add", (+) as (Tensor, Tensor) -> Tensor), ("sub", (-)), ("mul", (*)), ("div", (/))] {
            checkGradients([a, q], "\(name), same shapes") { op($0[0], $0[1]) }
        }
        checkGradients([a], "scalar ops") { (2 * $0[0] + 1.5) / 3 - 0.25 }
        let p = Tensor.uniform([2, 5], low: 0.5, high: 2, using: &rng)
        checkGradients([p], "pow") { $0[0].pow(1.7) }
        checkGradients([p], "sqrt") { $0[0].sqrt() }
        checkGradients([p], "log") { $0[0].log() }
        checkGradients([a], "exp") { $0[0].exp() }
        checkGradients([a], "squared") { $0[0].squared() }
    }

    /// exp in vectors: within 1e-6 of Foundation's over the whole range, inf where that
    /// overflows, 0 and subnormals below, NaN for NaN; on every kernel set.
    func testExpOverTheWholeRange() {
        forEachKernelSet { set in
            var xs = stride(from: Float(-110), through: 110, by: 0.37).map { $0 }
            xs += [-.infinity, .infinity, .nan, 88.3, 88.31, 88.7, 88.8, -87.3, -87.31, -103, 0]
            let y = Tensor(shape: [xs.count], scalars: xs).exp().scalars
            for (x, v) in zip(xs, y) {
                let want = Foundation.exp(x)
                if want.isNaN { XCTAssertTrue(v.isNaN, "\(set) exp(\(x))"); continue }
                if want.isInfinite || want < Float.leastNormalMagnitude { XCTAssertEqual(v, want, "\(set) exp(\(x))"); continue }
                XCTAssertEqual(Double(v), Double(want), accuracy: 1e-6 * Double(want), "\(set) exp(\(x))")
            }
            // NaN among inputs in range (the pass that finds none out of range)
            let inRange = Tensor(shape: [3], scalars: [1, .nan, 2]).exp().scalars
            XCTAssertTrue(inRange[1].isNaN, "\(set)")
            XCTAssertEqual(Double(inRange[2]), Foundation.exp(2.0), accuracy: 1e-5, "\(set)")
        }
    }

    /// Broadcast rows on threads (started anywhere in the output): the definition, and the same
    /// bits on 1, 3 and 16 threads, values and both gradients, both operand orders.
    func testBroadcastRowsOnThreads() {
        let saved = Parallel.threads
        defer { Parallel.threads = saved }
        var rng = RandomGenerator(seed: 23)
        let av = Tensor.normal([37, 5, 300], using: &rng), bv = Tensor.normal([5, 1], using: &rng), cv = Tensor.normal([300], using: &rng)
        let w = Tensor.normal([37, 5, 300], using: &rng)
        let a = av.scalars, b = bv.scalars, c = cv.scalars
        var first: [[UInt32]] = []
        for threads in [1, 3, 16] {
            Parallel.threads = threads
            let x = av.requiringGrad(), y = bv.requiringGrad(), z = cv.requiringGrad()
            let p = x * y, q = z - x, u = x / z
            ((p * w).sum() + (q * w).sum() + (u * w).sum()).backward()
            for i in 0..<a.count {
                XCTAssertEqual(p.scalars[i], a[i] * b[i / 300 % 5], "a·b at \(i)")
                XCTAssertEqual(q.scalars[i], c[i % 300] - a[i], "c - a at \(i)")
                XCTAssertEqual(u.scalars[i], a[i] / c[i % 300], "a / c at \(i)")
            }
            let bits = [p.scalars, q.scalars, u.scalars, x.grad!.scalars, y.grad!.scalars, z.grad!.scalars].map { $0.map(\.bitPattern) }
            if first.isEmpty { first = bits } else { XCTAssertTrue(bits == first, "\(threads) threads against 1") }
        }
    }

    func testBroadcastShapes() {
        let a = Tensor(shape: [2, 1], scalars: [1, 2]), b = Tensor(shape: [3], scalars: [10, 20, 30])
        let c = a + b
        XCTAssertEqual(c.shape, [2, 3])
        XCTAssertEqual(c.scalars, [11, 21, 31, 12, 22, 32])
        // a row with more axes than the other operand: the output takes them (PyTorch's rule)
        let d = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]) + Tensor(shape: [1, 1, 3], scalars: [10, 20, 30])
        XCTAssertEqual(d.shape, [1, 2, 3])
        XCTAssertEqual(d.scalars, [11, 22, 33, 14, 25, 36])
    }
}
