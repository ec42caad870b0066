import XCTest
import Foundation
@testable import NeuralCore
import TestSupport

final class FastMathTests: XCTestCase {
    func testAgainstFoundation() {
        forEachKernelSet { _ in
            let xs = stride(from: -30.0 as Float, through: 30, by: 0.0137).map { $0 } + [0, 1e-6, -1e-6, 0.6249, 0.6251, -0.625, 80, -80, 100, -100]
            var e = [Float](repeating: 0, count: xs.count), s = e, t = e
            FastMath.exp(xs, &e, xs.count)
            FastMath.sigmoid(xs, &s, xs.count)
            FastMath.tanh(xs, &t, xs.count)
            for (i, x) in xs.enumerated() {
                let d = Double(x)
                if Swift.abs(x) < 85 { XCTAssertEqual(Double(e[i]), Foundation.exp(d), accuracy: 4e-7 * Foundation.exp(d), "exp(\(x))") }
                XCTAssertEqual(Double(s[i]), 1 / (1 + Foundation.exp(-d)), accuracy: 2e-7, "sigmoid(\(x))")
                XCTAssertEqual(Double(t[i]), Foundation.tanh(d), accuracy: 2e-7 + 2e-7 * Swift.abs(Foundation.tanh(d)), "tanh(\(x))")
            }
            XCTAssertTrue(e.allSatisfy { $0.isFinite })
        }
    }

    /// log against Double's over 76 binades (within 2.5e-7 relative, or 1e-7 near 1), libm's bits
    /// for 0, negatives, subnormals, inf and NaN; √ exactly; GELU and its derivative against the
    /// definition by Double's erfc (within 1e-6 relative, plus 4e-8·x² for what rounding x² to a float makes of
    /// e^(-x²/2) in the far negative tail), beyond |x| = 13 the tail taken as 0 (GELU(-inf) NaN as
    /// PyTorch's, the derivative 1 at inf and 0 at -inf, NaN kept); the backward writes g·gelu'(x)
    /// or adds it; on every kernel set, lengths with a tail after the vectors.
    func testLogSqrtGeluAgainstDouble() {
        forEachKernelSet { set in
            var xs: [Float] = (-60...75).map { Float(Foundation.pow(2.0, Double($0) / 2)) }
            xs += stride(from: Float(0.9), through: 1.1, by: 0.0013).map { $0 }
            xs += [1, 0, -0, -1, 1e-40, Float.leastNonzeroMagnitude, Float.leastNormalMagnitude, .greatestFiniteMagnitude, .infinity, .nan, -.infinity]
            var l = [Float](repeating: 0, count: xs.count), r = l
            FastMath.log(xs, &l, xs.count)
            FastMath.sqrt(xs, &r, xs.count)
            for (i, x) in xs.enumerated() {
                if x >= Float.leastNormalMagnitude && x.isFinite {
                    let want = Foundation.log(Double(x))
                    XCTAssertEqual(Double(l[i]), want, accuracy: Swift.max(1e-7, 2.5e-7 * Swift.abs(want)), "\(set) log(\(x))")
                } else {
                    XCTAssertEqual(l[i].bitPattern, Foundation.log(x).bitPattern, "\(set) log(\(x))")
                }
                XCTAssertEqual(r[i].bitPattern, x.squareRoot().bitPattern, "\(set) sqrt(\(x))")
            }
            let gs = stride(from: Float(-14), through: 14, by: 0.0173).map { $0 } + [0, -0.5, 0.5, 3, -3]
            var y = [Float](repeating: 0, count: gs.count), d = y
            FastMath.gelu(gs, &y, gs.count)
            FastMath.geluBackward(gs, [Float](repeating: 1, count: gs.count), &d, gs.count, accumulate: false)
            var added = [Float](repeating: 1, count: gs.count)   // 1 + 2·gelu'(x)
            FastMath.geluBackward(gs, [Float](repeating: 2, count: gs.count), &added, gs.count, accumulate: true)
            XCTAssertEqual(added, d.map { 1 + 2 * $0 }, "\(set)")
            for (i, x) in gs.enumerated() {
                let v = Double(x), cdf = 0.5 * (1 + Foundation.erf(v / 2.0.squareRoot())), tail = 0.5 * Foundation.erfc(Swift.abs(v) / 2.0.squareRoot())
                let phi = v < 0 ? tail : cdf, want = v * phi, wantD = phi + v * Foundation.exp(-0.5 * v * v) / (2 * Double.pi).squareRoot()
                let tolerance = 1e-6 + 4e-8 * v * v
                XCTAssertEqual(Double(y[i]), want, accuracy: tolerance * Swift.abs(want) + 1e-30, "\(set) gelu(\(x))")
                XCTAssertEqual(Double(d[i]), wantD, accuracy: tolerance * Swift.abs(wantD) + 1e-7, "\(set) gelu'(\(x))")
            }
            let specials: [Float] = [-20, -1e30, .infinity, -.infinity, .nan, 20, 1e30]
            var ys = [Float](repeating: 0, count: specials.count), ds = ys
            FastMath.gelu(specials, &ys, specials.count)
            FastMath.geluBackward(specials, [Float](repeating: 1, count: specials.count), &ds, specials.count, accumulate: false)
            XCTAssertEqual(ys[0...2].map(\.bitPattern), [Float(-0.0), -0.0, .infinity].map(\.bitPattern), "\(set)")
            XCTAssertTrue(ys[3].isNaN && ys[4].isNaN, "\(set)")
            XCTAssertEqual(Array(ys[5...]), [20, 1e30], "\(set)")
            XCTAssertEqual(Array(ds[0..<4]), [0, 0, 1, 0], "\(set)")
            XCTAssertTrue(ds[4].isNaN, "\(set)")
            XCTAssertEqual(Array(ds[5...]), [1, 1], "\(set)")
        }
    }

    /// ReLU and leaky ReLU forward and backward against their definitions on every kernel set, over
    /// lengths that leave a tail after the vectors, with NaN (ReLU: 0; leaky: NaN), ±0 and ±inf.
    func testRectifiersMatchTheDefinition() {
        forEachKernelSet { set in
            var rng = RandomGenerator(seed: 21)
            for n in [1, 7, 16, 37, 100] {
                var x = Tensor.normal([n], using: &rng).scalars
                x[0] = .nan
                if n > 3 { x[1] = -0.0; x[2] = .infinity; x[3] = -.infinity }
                let g = Tensor.normal([n], using: &rng).scalars
                for slope: Float in [0, 0.2] {
                    var y = [Float](repeating: 7, count: n)
                    FastMath.rectifier(x, slope: slope, &y, n)
                    var gx = [Float](repeating: 1, count: n)
                    FastMath.rectifierBackward(ref: x, g, slope: slope, &gx, n, accumulate: true)
                    for i in 0..<n {
                        let want: Float = x[i] > 0 ? x[i] : (slope == 0 ? 0 : slope * x[i])
                        XCTAssertTrue(y[i] == want || (y[i].isNaN && want.isNaN), "\(set) slope \(slope) x \(x[i]): \(y[i])")
                        XCTAssertEqual(gx[i], 1 + (x[i] > 0 ? g[i] : slope * g[i]), accuracy: 1e-6, "\(set) backward at \(i)")
                    }
                }
            }
        }
    }

    /// The LSTM cell's nonlinearities and update against their definition on every kernel set, for
    /// unit counts that end in a part vector, with gates `stride` apart (the columns between the
    /// gates untouched) and the gates and tanh(c) kept.
    func testLSTMPointwiseMatchesTheDefinition() {
        forEachKernelSet { set in
            var rng = RandomGenerator(seed: 22)
            for n in [1, 6, 8, 13, 16, 37] {
                let m = n + 3
                let pre0 = Tensor.normal([4 * m], std: 2, using: &rng).scalars, bias = Tensor.normal([4 * m], using: &rng).scalars
                let cPrev = Tensor.normal([n], using: &rng).scalars
                let pre = UnsafeMutablePointer<Float>.allocate(capacity: 4 * m), out = UnsafeMutablePointer<Float>.allocate(capacity: 7 * n)
                defer { pre.deallocate(); out.deallocate() }
                pre.initialize(from: pre0, count: 4 * m)
                out.initialize(repeating: .nan, count: 7 * n)
                let c = out, h = out + n, tc = out + 2 * n, saving = out + 3 * n   // saving (4, n)
                FastMath.lstmPointwise(pre, bias: bias, cPrev: cPrev, c: c, h: h, hidden: n, gateStride: m, savingGates: saving, tanhC: tc)
                func sigmoid(_ x: Float) -> Double { 1 / (1 + Foundation.exp(-Double(x))) }
                for j in 0..<n {
                    let i = sigmoid(pre0[j] + bias[j]), f = sigmoid(pre0[m + j] + bias[m + j])
                    let g = Foundation.tanh(Double(pre0[2 * m + j] + bias[2 * m + j])), o = sigmoid(pre0[3 * m + j] + bias[3 * m + j])
                    let cn = f * Double(cPrev[j]) + i * g
                    for (k, want) in [i, f, g, o].enumerated() {
                        XCTAssertEqual(Double(pre[k * m + j]), want, accuracy: 1e-6, "\(set) n \(n) gate \(k) of unit \(j)")
                        XCTAssertEqual(saving[k * n + j], pre[k * m + j], "\(set) n \(n) kept gate \(k) of unit \(j)")
                    }
                    XCTAssertEqual(Double(c[j]), cn, accuracy: 2e-6 * (1 + Swift.abs(cn)), "\(set) n \(n) c of unit \(j)")
                    XCTAssertEqual(Double(tc[j]), Foundation.tanh(cn), accuracy: 2e-6, "\(set) n \(n) tanh(c) of unit \(j)")
                    XCTAssertEqual(Double(h[j]), o * Foundation.tanh(cn), accuracy: 2e-6, "\(set) n \(n) h of unit \(j)")
                }
                for k in 0..<4 { for j in n..<m { XCTAssertEqual(pre[k * m + j], pre0[k * m + j], "\(set) n \(n) column \(j) past gate \(k)") } }
            }
        }
    }

    /// The cell's backward for one row against its definition, on every kernel set and unit counts
    /// that end in a part vector; the gates a whole row (stride n) or a slice of a longer one (stride
    /// n + 5: the unit split's), whose other columns stay as they were.
    func testLSTMPointwiseBackwardMatchesTheDefinition() {
        forEachKernelSet { set in
            var rng = RandomGenerator(seed: 23)
            for n in [1, 6, 8, 13, 16, 37] { for m in [n, n + 5] {
                func uniform(_ count: Int) -> [Float] { (0..<count).map { _ in Float.random(in: 0.01...0.99, using: &rng) } }
                let gates = uniform(4 * m), tc = uniform(n).map { 2 * $0 - 1 }
                let cp = Tensor.normal([n], using: &rng).scalars, gy = Tensor.normal([n], using: &rng).scalars
                let dh = Tensor.normal([n], using: &rng).scalars, dc0 = Tensor.normal([n], using: &rng).scalars
                var dc = dc0, dg = [Float](repeating: 7, count: 4 * m)
                FastMath.lstmPointwiseBackward(gates: gates, tanhC: tc, cPrev: cp, gy: gy, dh: dh, dc: &dc, dGates: &dg, hidden: n,
                                               gateStride: m)
                for j in 0..<n {
                    let i = Double(gates[j]), f = Double(gates[m + j]), g = Double(gates[2 * m + j]), o = Double(gates[3 * m + j])
                    let t = Double(tc[j]), dhj = Double(gy[j]) + Double(dh[j]), dcj = Double(dc0[j]) + dhj * o * (1 - t * t)
                    let want = [dcj * g * i * (1 - i), dcj * Double(cp[j]) * f * (1 - f), dcj * i * (1 - g * g), dhj * t * o * (1 - o)]
                    for k in 0..<4 {
                        XCTAssertEqual(Double(dg[k * m + j]), want[k], accuracy: 1e-5 * (1 + Swift.abs(want[k])),
                                       "\(set) n \(n) stride \(m) gate \(k) of unit \(j)")
                    }
                    XCTAssertEqual(Double(dc[j]), dcj * f, accuracy: 1e-5 * (1 + Swift.abs(dcj)), "\(set) n \(n) stride \(m) dc of unit \(j)")
                }
                for k in 0..<4 { for j in n..<m { XCTAssertEqual(dg[k * m + j], 7, "\(set) n \(n) column \(j) past gate \(k)") } }
            } }
        }
    }

    /// Binary cross-entropy on logits against Double's max(x, 0) - x·t + log1p(e^-|x|) (within
    /// 3e-7 relative, plus x·t's rounding where max(x, 0) - x·t cancels; targets of 0 leave
    /// log1p(e^-|x|) alone, down to 1e-41), the sum against the values' sum in Double, the
    /// backward against (σ(x) - t)·g (or ·k) added to what gx held; NaN kept; on every kernel
    /// set, lengths with a tail after the vectors.
    func testLogitCrossEntropyAgainstDouble() {
        forEachKernelSet { set in
            var xs: [Float] = stride(from: Float(-95), through: 95, by: 0.37).map { $0 } + [0, -0.0, 1e-8, -1e-8, 30, -30]
            var rng = RandomGenerator(seed: 24)
            let gs = Tensor.normal([xs.count], using: &rng).scalars
            for ts in [Tensor.uniform([xs.count], low: 0, high: 1, using: &rng).scalars, [Float](repeating: 0, count: xs.count)] {
                for n in [xs.count, 13, 8, 1] {
                    var y = [Float](repeating: 0, count: n)
                    FastMath.logitCrossEntropy(xs, ts, &y, n)
                    var wantSum = 0.0
                    for i in 0..<n {
                        let x = Double(xs[i]), t = Double(ts[i])
                        let want = Swift.max(x, 0) - x * t + Foundation.log1p(Foundation.exp(-Swift.abs(x)))
                        guard want > 1e-37 else { continue }   // e^-|x| below float's normal range
                        XCTAssertEqual(Double(y[i]), want, accuracy: 3e-7 * want + 2e-7 * Swift.abs(x * t), "\(set) bce(\(x), \(t))")
                        wantSum += Double(y[i])
                    }
                    let sum = FastMath.logitCrossEntropySum(xs, ts, n)
                    XCTAssertEqual(sum, wantSum, accuracy: 1e-12 * Swift.max(wantSum, 1) + 1e-30, "\(set) sum n \(n)")
                    var gx = [Float](repeating: 0.5, count: n), gk = gx
                    FastMath.logitCrossEntropyBackward(xs, ts, g: gs, k: 0, &gx, n)
                    FastMath.logitCrossEntropyBackward(xs, ts, g: nil, k: 2, &gk, n)
                    for i in 0..<n {
                        let d = 1 / (1 + Foundation.exp(-Double(xs[i]))) - Double(ts[i])
                        XCTAssertEqual(Double(gx[i]), 0.5 + Double(gs[i]) * d, accuracy: 1e-6, "\(set) backward at \(xs[i])")
                        XCTAssertEqual(Double(gk[i]), 0.5 + 2 * d, accuracy: 1e-6, "\(set) backward by k at \(xs[i])")
                    }
                }
            }
            xs = [.nan, 1, .nan]
            var y = [Float](repeating: 0, count: 3)
            FastMath.logitCrossEntropy(xs, [0.5, 0.5, 0.5], &y, 3)
            XCTAssertTrue(y[0].isNaN && !y[1].isNaN && y[2].isNaN, "\(set)")
            XCTAssertTrue(FastMath.logitCrossEntropySum(xs, [0.5, 0.5, 0.5], 3).isNaN, "\(set)")
        }
    }
}
