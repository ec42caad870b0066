import XCTest
import NeuralCore
import TestSupport

final class ConvTransposeTests: XCTestCase {
    func testParityWithPyTorch() throws {
        try forEachKernelSet { _ in
            let cases = Fixtures.cases(in: "ops").filter { $0.hasPrefix("conv_transpose2d_") }
            XCTAssertEqual(cases.count, 3)
            for name in cases {
                try runOpFixture(name) { fx, t in
                    let args = fx.config["args"] as! [String: Any]
                    return ["output": convTranspose2d(t["input"]!, weight: t["weight"]!, bias: t["bias"],
                                                      stride: pair(args["stride"], default: 1), padding: pair(args["padding"], default: 0),
                                                      outputPadding: pair(args["output_padding"], default: 0))]
                }
            }
        }
    }

    func testGradients() {
        var rng = RandomGenerator(seed: 13)
        let x = Tensor.normal([2, 3, 3, 4], using: &rng)
        let w = Tensor.normal([3, 2, 4, 4], std: 0.3, using: &rng), b = Tensor.normal([2], using: &rng)
        checkGradients([x, w, b], "convT k4 s2 p1") { convTranspose2d($0[0], weight: $0[1], bias: $0[2], stride: (2, 2), padding: (1, 1)) }
        checkGradients([x, w], "convT k4 s2 op1") { convTranspose2d($0[0], weight: $0[1], stride: (2, 2), padding: (1, 1), outputPadding: (1, 1)) }
    }

    /// One or two pictures on more threads (the U-Net's 2x2 stride-2 up, DCGAN's 4x4 stride 2 with
    /// overlapping taps, 3x3 with output padding): runs of input pixels, then of output rows, give the
    /// same bits as serial; and so does conv2d's input gradient, which is this transposed convolution.
    func testOnePictureSplitsAcrossThreadsExactly() {
        var rng = RandomGenerator(seed: 19)
        let saved = Parallel.threads
        defer { Parallel.threads = saved }
        for (n, threads, k, s, p, op) in [(1, 2, 2, 2, 0, 0), (1, 3, 4, 2, 1, 0), (2, 4, 3, 2, 1, 1), (1, 16, 2, 2, 0, 0)] {
            let x = Tensor.normal([n, 12, 19, 23], using: &rng)
            let w = Tensor.normal([12, 10, k, k], std: 0.2, using: &rng), b = Tensor.normal([10], using: &rng)
            func run() -> [Float] {
                withoutGrad { convTranspose2d(x, weight: w, bias: b, stride: (s, s), padding: (p, p), outputPadding: (op, op)).scalars }
            }
            Parallel.threads = threads
            let split = run()
            Parallel.threads = 1
            XCTAssertEqual(split, run(), "\(n) pictures on \(threads) threads, \(k)x\(k) stride \(s)")
        }
        // conv2d's input gradient for a 2x2 stride-2 convolution (no direct kernel) of one picture.
        let x = Tensor.normal([1, 6, 40, 33], using: &rng), w = Tensor.normal([16, 6, 2, 2], using: &rng)
        func inputGradient(threads: Int) -> [Float] {
            Parallel.threads = threads
            let xg = x.detached().requiringGrad()
            conv2d(xg, weight: w, stride: (2, 2)).sum().backward()
            return xg.grad!.scalars
        }
        XCTAssertEqual(inputGradient(threads: 2), inputGradient(threads: 1), "conv2d input gradient")
    }

    /// The backward with 16+ output channels (conv2d's channel-last kernels: the input gradient as
    /// the convolution of g, added to what x's gradient holds; the weight gradient as that
    /// convolution's) against the definition, gx[c, iy, ix] = Σ g[o, oy, ox]·W[c, o, i, j] and
    /// gW[c, o, i, j] = Σ x[c, iy, ix]·g[o, oy, ox] over (oy, ox) = (iy·s - p + i·d, ix·s - p + j·d)
    /// on the output: DCGAN's 4x4 s2 p1, the U-Net's 2x2 s2, a dilated 3x3 with unequal strides,
    /// one picture on 3 threads (cut into runs of pixels), under every kernel set.
    func testBackwardMatchesDefinition() {
        let saved = Parallel.threads
        defer { Parallel.threads = saved }
        forEachKernelSet { _ in
            var rng = RandomGenerator(seed: 23)
            for (n, threads, cin, cout, h, w, k, s, p, d) in [(3, 1, 5, 17, 4, 6, 4, (2, 2), (1, 1), (1, 1)), (2, 2, 3, 16, 5, 4, 2, (2, 2), (0, 0), (1, 1)),
                                                               (2, 1, 4, 20, 4, 5, 3, (2, 1), (1, 0), (2, 1)), (1, 3, 6, 16, 7, 7, 4, (2, 2), (1, 1), (1, 1))] {
                Parallel.threads = threads
                let x = Tensor.normal([n, cin, h, w], using: &rng).requiringGrad()
                let wt = Tensor.normal([cin, cout, k, k], using: &rng).requiringGrad()
                let y = convTranspose2d(x, weight: wt, stride: s, padding: p, dilation: d)
                let up = Tensor.normal(y.shape, using: &rng)
                // x is used twice, so its gradient accumulates: the input gradient must add.
                ((y * up).sum() + (x * x).sum()).backward()
                let ho = y.shape[2], wo = y.shape[3]
                let px = x.storage.pointer, pw = wt.storage.pointer, pg = up.storage.pointer
                var gx = x.scalars.map { 2 * $0 }, gw = [Float](repeating: 0, count: cin * cout * k * k)
                for im in 0..<n { for c in 0..<cin { for iy in 0..<h { for ix in 0..<w { for o in 0..<cout { for i in 0..<k { for j in 0..<k {
                    let oy = iy * s.0 - p.0 + i * d.0, ox = ix * s.1 - p.1 + j * d.1
                    if oy >= 0 && oy < ho && ox >= 0 && ox < wo {
                        let gv = pg[((im * cout + o) * ho + oy) * wo + ox]
                        gx[((im * cin + c) * h + iy) * w + ix] += gv * pw[((c * cout + o) * k + i) * k + j]
                        gw[((c * cout + o) * k + i) * k + j] += gv * px[((im * cin + c) * h + iy) * w + ix]
                    }
                } } } } } } }
                let what = "\(cin)->\(cout) k\(k) s\(s) d\(d), \(n) images on \(threads) threads"
                assertClose(x.grad!.scalars, gx, rtol: 1e-5, atol: 1e-5 * Float(cout * k * k).squareRoot(), "input gradient \(what)")
                assertClose(wt.grad!.scalars, gw, rtol: 1e-5, atol: 1e-5 * Float(n * h * w).squareRoot(), "weight gradient \(what)")
            }
        }
    }

    /// The forward (one packed product, then tap vectors added channel-last) against the
    /// definition written out, y[o, iy·s - p + i·d, ix·s - p + j·d] += x[c, iy, ix]·W[c, o, i, j],
    /// on geometries the fixtures lack: dilation, unequal strides, 11 output channels (8 + 3 lanes)
    /// and enough images for several chunks.
    func testForwardMatchesDefinition() {
        var rng = RandomGenerator(seed: 17)
        for (n, cin, cout, h, w, k, s, p, d) in [(3, 5, 11, 4, 6, 3, (2, 1), (1, 0), (2, 1)), (70, 2, 3, 2, 3, 2, (2, 2), (0, 0), (1, 1))] {
            let x = Tensor.normal([n, cin, h, w], using: &rng), wt = Tensor.normal([cin, cout, k, k], using: &rng)
            let b = Tensor.normal([cout], using: &rng)
            let y = withoutGrad { convTranspose2d(x, weight: wt, bias: b, stride: s, padding: p, dilation: d) }
            let ho = (h - 1) * s.0 - 2 * p.0 + d.0 * (k - 1) + 1, wo = (w - 1) * s.1 - 2 * p.1 + d.1 * (k - 1) + 1
            XCTAssertEqual(y.shape, [n, cout, ho, wo])
            var expected = [Float](repeating: 0, count: n * cout * ho * wo)
            let px = x.storage.pointer, pw = wt.storage.pointer, pb = b.storage.pointer
            for im in 0..<n { for o in 0..<cout { for q in 0..<(ho * wo) { expected[(im * cout + o) * ho * wo + q] = pb[o] } } }
            for im in 0..<n { for c in 0..<cin { for iy in 0..<h { for ix in 0..<w { for o in 0..<cout { for i in 0..<k { for j in 0..<k {
                let oy = iy * s.0 - p.0 + i * d.0, ox = ix * s.1 - p.1 + j * d.1
                if oy >= 0 && oy < ho && ox >= 0 && ox < wo {
                    expected[((im * cout + o) * ho + oy) * wo + ox] += px[((im * cin + c) * h + iy) * w + ix] * pw[((c * cout + o) * k + i) * k + j]
                }
            } } } } } } }
            assertClose(Array(y.storage.buffer), expected, rtol: 1e-5, atol: 1e-5, "\(cin)->\(cout) k\(k) s\(s) d\(d)")
        }
    }
}
