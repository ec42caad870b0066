import XCTest
@testable import NeuralCore
import TestSupport

/// (a, a) from an int, or (a, b) from a two-element list, as PyTorch's arguments.
func pair(_ v: Any?, default d: Int) -> (Int, Int) {
    if let i = v as? Int { return (i, i) }
    if let l = v as? [Int], l.count == 2 { return (l[0], l[1]) }
    return (d, d)
}

final class ConvolutionTests: XCTestCase {
    func testParityWithPyTorch() throws {
        let cases = Fixtures.cases(in: "ops").filter { $0.hasPrefix("conv2d_") }
        XCTAssertEqual(cases.count, 7)
        for name in cases {
            try runOpFixture(name) { fx, t in
                let args = fx.config["args"] as! [String: Any]
                return ["output": conv2d(t["input"]!, weight: t["weight"]!, bias: t["bias"],
                                         stride: pair(args["stride"], default: 1), padding: pair(args["padding"], default: 0),
                                         dilation: pair(args["dilation"], default: 1))]
            }
        }
    }

    func testGradients() {
        var rng = RandomGenerator(seed: 11)
        let x = Tensor.normal([2, 3, 6, 5], using: &rng)
        let w = Tensor.normal([4, 3, 3, 3], std: 0.3, using: &rng), b = Tensor.normal([4], using: &rng)
        checkGradients([x, w, b], "conv k3 p1") { conv2d($0[0], weight: $0[1], bias: $0[2], padding: (1, 1)) }
        checkGradients([x, w], "conv k3 s2 d2") { conv2d($0[0], weight: $0[1], stride: (2, 1), padding: (2, 1), dilation: (2, 1)) }
        // k4 s2 p1 on even planes (DCGAN's down-sampling): im2col and col2im by phase planes.
        let xe = Tensor.normal([2, 3, 6, 8], using: &rng), w4 = Tensor.normal([4, 3, 4, 4], std: 0.3, using: &rng)
        checkGradients([xe, w4, b], "conv k4 s2 p1") { conv2d($0[0], weight: $0[1], bias: $0[2], stride: (2, 2), padding: (1, 1)) }
    }

    /// The direct 3x3 kernel (rows of 16+ pixels), under each kernel set, agrees with the im2col
    /// path on DnCNN's layers (40 = 24 + 16 pixels), on widths that end in an overlapping 2-vector
    /// segment (35) or in the one-vector, 8-channel tail (17, 20, 25, 50, 100), on the widths that
    /// AVX-512 runs in 16-lane vectors (16, 32, 64, 80, 100), and on channel counts that are not a
    /// multiple of 4. Widths whose rows would leave lanes idle (17, 20, 25, 35, 40, 50, 100 in
    /// 16-lane vectors; 17, 20, 25, 35, 50, 100 in 8-lane ones) run the kernel's flat mode; rows of
    /// 17-31 pixels in 16 lanes only that (2x17 falls back to 8 lanes), in bands of rows whose last
    /// takes in a shorter remainder (512 channels of 11 rows of 25: bands of 5 and 6, not 5, 5, 1);
    /// rows of exactly 16 or 32 pixels from 16 input channels on flat as well.
    func testDirectKernelMatchesIm2col() {
        forEachKernelSet { _ in
            var rng = RandomGenerator(seed: 14)
            for (cin, cout, h, w) in [(32, 32, 40, 40), (1, 32, 40, 40), (32, 1, 40, 40), (3, 5, 3, 20), (4, 6, 2, 17),
                                      (3, 12, 3, 25), (2, 9, 2, 50), (5, 7, 2, 35), (2, 4, 3, 100),
                                      (3, 6, 2, 16), (2, 5, 2, 32), (2, 3, 2, 64), (2, 6, 2, 80), (512, 5, 11, 25), (16, 6, 3, 32), (20, 9, 4, 16)] {
                let x = Tensor.normal([3, cin, h, w], using: &rng)
                let wt = Tensor.normal([cout, cin, 3, 3], std: 0.06, using: &rng), b = Tensor.normal([cout], using: &rng)
                let direct = withoutGrad { conv2d(x, weight: wt, bias: b, padding: (1, 1)) }
                DirectConv3x3.enabled = false
                let reference = withoutGrad { conv2d(x, weight: wt, bias: b, padding: (1, 1)) }
                DirectConv3x3.enabled = true
                // Each output sums 9·cin products in another order on each path: rounding grows
                // with √(terms) (512 channels: 2e-5 seen).
                let atol = 1e-5 * Swift.max(1, Float(9 * cin).squareRoot() / 16)
                assertClose(direct, reference, rtol: 1e-5, atol: atol, "\(cin)->\(cout) \(h)x\(w)")
            }
        }
    }

    /// Few input channels, stride 1, any kernel: the flat direct kernel against im2col + sgemm, for
    /// LeNet's 1 -> 32 5x5, padded kernels (5x5 p2, 3x7 p(1, 3)), channel counts that are not a
    /// multiple of 4, a tall picture cut into bands of rows (700 rows), ReLU, and one picture whose
    /// output channels are shared out across threads.
    func testFlatKernelMatchesIm2col() {
        forEachKernelSet { _ in
            var rng = RandomGenerator(seed: 21)
            for (n, cin, cout, h, w, kh, kw, ph, pw, relu) in [(3, 1, 32, 28, 28, 5, 5, 0, 0, true), (2, 3, 6, 20, 30, 5, 5, 2, 2, false),
                                                              (2, 15, 5, 9, 22, 3, 7, 1, 3, true), (1, 2, 9, 700, 18, 4, 2, 0, 0, false)] {
                let x = Tensor.normal([n, cin, h, w], using: &rng)
                let wt = Tensor.normal([cout, cin, kh, kw], std: 0.1, using: &rng), b = Tensor.normal([cout], using: &rng)
                let geo = ConvGeometry(c: cin, h: h, w: w, kernel: (kh, kw), stride: (1, 1), padding: (ph, pw), dilation: (1, 1))
                XCTAssertTrue(DirectConvFlat.applies(geo), "\(cin)->\(cout) \(kh)x\(kw) on \(h)x\(w)")
                func run() -> Tensor {
                    withoutGrad { relu ? conv2dReLU(x, weight: wt, bias: b, padding: (ph, pw)) : conv2d(x, weight: wt, bias: b, padding: (ph, pw)) }
                }
                let direct = run()
                DirectConvFlat.enabled = false
                let reference = run()
                DirectConvFlat.enabled = true
                assertClose(direct, reference, rtol: 1e-5, atol: 1e-5, "\(cin)->\(cout) \(kh)x\(kw) p(\(ph), \(pw)) on \(h)x\(w)")
            }
        }
    }

    /// Forty random stride-1 geometries of few channels (kernels 1-7, padding 0-3, planes from 1
    /// row up): wherever the flat kernel takes one, it agrees with im2col + sgemm, on every set.
    func testFlatKernelOnRandomGeometries() {
        forEachKernelSet { _ in
            var rng = RandomGenerator(seed: 22)
            var taken = 0
            for _ in 0..<40 {
                let cin = 1 + Int(rng.next() % 6), cout = 1 + Int(rng.next() % 9)
                let kh = 1 + Int(rng.next() % 7), kw = 1 + Int(rng.next() % 7)
                let ph = Int(rng.next() % 4), pw = Int(rng.next() % 4)
                let h = Swift.max(1, kh - 2 * ph) + Int(rng.next() % 30), w = Swift.max(1, kw - 2 * pw) + Int(rng.next() % 40)
                let x = Tensor.normal([2, cin, h, w], using: &rng)
                let wt = Tensor.normal([cout, cin, kh, kw], std: 0.2, using: &rng), b = Tensor.normal([cout], using: &rng)
                let geo = ConvGeometry(c: cin, h: h, w: w, kernel: (kh, kw), stride: (1, 1), padding: (ph, pw), dilation: (1, 1))
                if DirectConvFlat.applies(geo) { taken += 1 }
                let direct = withoutGrad { conv2dReLU(x, weight: wt, bias: b, padding: (ph, pw)) }
                DirectConvFlat.enabled = false
                let reference = withoutGrad { conv2dReLU(x, weight: wt, bias: b, padding: (ph, pw)) }
                DirectConvFlat.enabled = true
                assertClose(direct, reference, rtol: 1e-5, atol: 1e-5, "\(cin)->\(cout) \(kh)x\(kw) p(\(ph), \(pw)) on \(h)x\(w)")
            }
            XCTAssertGreaterThan(taken, 20, "the flat kernel should take most of these geometries")
        }
    }

    /// The weight gradient in flat mode against im2col + sgemm: LeNet's first layer (64 images:
    /// one chunk of 36 and one of 28 on 1 thread, 6 pieces of 10-11 on 3), padded and uneven kernels,
    /// channel counts that are not a multiple of 4 (or 2), tap counts that are not a multiple of 5,
    /// and twenty random geometries, every kernel set. The bias and input gradients too. One image
    /// a call (32 threads on 64; two a call at 16) is left to im2col.
    func testFlatWeightGradientMatchesIm2col() {
        let saved = Parallel.threads
        defer { Parallel.threads = saved; DirectConvFlat.enabled = true }
        forEachKernelSet { set in
            var rng = RandomGenerator(seed: 23)
            var cases = [(64, 1, 32, 28, 28, 5, 5, 0, 0), (2, 3, 6, 20, 30, 5, 5, 2, 2), (3, 15, 5, 9, 22, 3, 7, 1, 3),
                         (2, 2, 9, 40, 18, 4, 2, 0, 0), (5, 1, 7, 64, 100, 3, 3, 1, 1), (24, 1, 3, 12, 20, 5, 5, 0, 0)]
            let lenet = ConvGeometry(c: 1, h: 28, w: 28, kernel: (5, 5), stride: (1, 1), padding: (0, 0), dilation: (1, 1))
            XCTAssertTrue(DirectConvFlat.appliesToWeightGradient(lenet, images: 64, workers: 8))
            XCTAssertTrue(DirectConvFlat.appliesToWeightGradient(lenet, images: 64, workers: 16), "two images a call")
            XCTAssertFalse(DirectConvFlat.appliesToWeightGradient(lenet, images: 64, workers: 32), "one image a call")
            for _ in 0..<20 {
                let kh = 1 + Int(rng.next() % 7), kw = 1 + Int(rng.next() % 7), ph = Int(rng.next() % 4), pw = Int(rng.next() % 4)
                cases.append((2 + Int(rng.next() % 4), 1 + Int(rng.next() % 6), 1 + Int(rng.next() % 9),
                              Swift.max(1, kh - 2 * ph) + Int(rng.next() % 30), Swift.max(1, kw - 2 * pw) + Int(rng.next() % 40), kh, kw, ph, pw))
            }
            var taken = 0
            for (n, cin, cout, h, w, kh, kw, ph, pw) in cases {
                let geo = ConvGeometry(c: cin, h: h, w: w, kernel: (kh, kw), stride: (1, 1), padding: (ph, pw), dilation: (1, 1))
                guard DirectConvFlat.applies(geo) else { continue }
                let x = Tensor.normal([n, cin, h, w], using: &rng).requiringGrad()
                let wt = Tensor.normal([cout, cin, kh, kw], std: 0.2, using: &rng).requiringGrad()
                let b = Tensor.normal([cout], using: &rng).requiringGrad()
                let up = Tensor.normal([n, cout, geo.ho, geo.wo], using: &rng)
                func grads() -> [Tensor] {
                    for p in [x, wt, b] { p.zeroGrad() }
                    (conv2d(x, weight: wt, bias: b, padding: (ph, pw)) * up).sum().backward()
                    return [wt, b, x].map { Tensor(shape: $0.grad!.shape, scalars: $0.grad!.scalars) }
                }
                for threads in [1, 3] {
                    Parallel.threads = threads
                    guard DirectConvFlat.appliesToWeightGradient(geo, images: n, workers: BatchLayout.workers(n: n)) else { continue }
                    taken += 1
                    let flat = grads()
                    DirectConvFlat.enabled = false
                    let reference = grads()
                    DirectConvFlat.enabled = true
                    // A weight's gradient sums n·Ho·Wo products of order 1 (36,864 for LeNet), whose
                    // float rounding in another order is bounded by about that many x 6e-8.
                    let terms = Float(n * geo.ho * geo.wo)
                    for (i, name) in ["weight", "bias", "input"].enumerated() {
                        assertClose(flat[i], reference[i], rtol: 1e-4, atol: 1e-7 * terms + 1e-5,
                                    "\(set) \(name) n\(n) \(cin)->\(cout) \(kh)x\(kw) p(\(ph), \(pw)) on \(h)x\(w), \(threads) threads")
                    }
                }
            }
            XCTAssertGreaterThan(taken, 14, "the flat kernel should take most of these geometries")
        }
    }

    /// A wide image whose 64 input channels do not fit the kernel's cache budget in one piece goes
    /// through in bands of a few rows (here 5, 5 and 2), each band passed by every block of 4
    /// output channels: the same sums as im2col.
    func testDirectKernelInRowBandsMatchesIm2col() {
        forEachKernelSet { _ in
            var rng = RandomGenerator(seed: 15)
            let x = Tensor.normal([1, 64, 12, 200], using: &rng)
            let wt = Tensor.normal([6, 64, 3, 3], std: 0.04, using: &rng), b = Tensor.normal([6], using: &rng)
            let direct = withoutGrad { conv2d(x, weight: wt, bias: b, padding: (1, 1)) }
            DirectConv3x3.enabled = false
            let reference = withoutGrad { conv2d(x, weight: wt, bias: b, padding: (1, 1)) }
            DirectConv3x3.enabled = true
            assertClose(direct, reference, rtol: 1e-5, atol: 1e-5)
        }
    }

    /// Fewer pictures than threads (one picture at inference): the output channels are shared out
    /// in groups of 4 (10 channels: 4 + 4 + 2 on 3 threads; 2 pictures on 4 threads: 2 parts each),
    /// each channel summed as on one thread, so the results are equal to the last bit.
    func testOnePictureSplitsItsChannelsAcrossThreadsExactly() {
        var rng = RandomGenerator(seed: 16)
        let saved = Parallel.threads
        defer { Parallel.threads = saved }
        for (n, threads) in [(1, 3), (1, 2), (2, 4)] {
            let x = Tensor.normal([n, 5, 9, 33], using: &rng)
            let w = Tensor.normal([10, 5, 3, 3], std: 0.2, using: &rng), b = Tensor.normal([10], using: &rng)
            XCTAssertGreaterThan({ Parallel.threads = threads; return DirectConv3x3.parts(n: n, cout: 10) }(), 1)
            let split = withoutGrad { conv2d(x, weight: w, bias: b, padding: (1, 1)) }
            Parallel.threads = 1
            let serial = withoutGrad { conv2d(x, weight: w, bias: b, padding: (1, 1)) }
            XCTAssertEqual(split.scalars, serial.scalars, "\(n) pictures on \(threads) threads")
        }
        XCTAssertEqual(DirectConv3x3.channels(part: 2, of: 3, cout: 10), 8..<10)
        for (cout, threads) in [(1, 2), (5, 2), (32, 16), (33, 16), (256, 3)] {
            Parallel.threads = threads
            let parts = DirectConv3x3.parts(n: 1, cout: cout)
            let ranges = (0..<parts).map { DirectConv3x3.channels(part: $0, of: parts, cout: cout) }
            XCTAssertEqual(ranges.flatMap { Array($0) }, Array(0..<cout), "\(cout) channels on \(threads) threads")
            XCTAssert(ranges.allSatisfy { !$0.isEmpty && $0.lowerBound % 4 == 0 })
        }
    }

    /// Outside the direct kernel (the U-Net's 2x2 stride-2 convolutions, 5x5, 3x3 stride 2), one or
    /// two pictures on more threads share their output pixels out in runs: the same bits as serial.
    func testOnePictureSplitsItsPixelsAcrossThreadsExactly() {
        var rng = RandomGenerator(seed: 18)
        let saved = Parallel.threads
        defer { Parallel.threads = saved }
        for (n, threads, k, s, p) in [(1, 2, 2, 2, 0), (1, 3, 5, 1, 2), (2, 4, 3, 2, 1), (1, 16, 2, 2, 0)] {
            let x = Tensor.normal([n, 17, 37, 46], using: &rng)
            let w = Tensor.normal([9, 17, k, k], std: 0.2, using: &rng), b = Tensor.normal([9], using: &rng)
            Parallel.threads = threads
            let split = withoutGrad { conv2d(x, weight: w, bias: b, stride: (s, s), padding: (p, p)) }
            let splitReLU = withoutGrad { conv2dReLU(x, weight: w, bias: b, stride: (s, s), padding: (p, p)) }
            Parallel.threads = 1
            let serial = withoutGrad { conv2d(x, weight: w, bias: b, stride: (s, s), padding: (p, p)) }
            XCTAssertEqual(split.scalars, serial.scalars, "\(n) pictures on \(threads) threads, \(k)x\(k) stride \(s)")
            XCTAssertEqual(splitReLU.scalars, serial.scalars.map { Swift.max($0, 0) })
        }
    }

    /// In training, the input gradient of a 3x3 "same" convolution is the direct kernel run on the
    /// output gradient with the adjoint weights, added to what the input's gradient already holds;
    /// the weight gradient is summed directly too, along flat rows of W+2 in groups of 8 output
    /// channels (4 on 8-lane sets): also 13 and 20 channels (a part group after whole ones) and
    /// runs of H·(W+2) that end in a part vector (3x25: 81 values); with 1 or 2 input channels row
    /// by row instead, each row's last vector overlapping the one before (25, 50, 40 pixels).
    func testDirectInputGradientMatchesIm2col() {
        forEachKernelSet { _ in
            var rng = RandomGenerator(seed: 15)
            for (cin, cout, h, w) in [(32, 32, 40, 40), (5, 3, 3, 20), (6, 4, 2, 17), (1, 8, 4, 16), (3, 6, 3, 24), (12, 3, 3, 25), (9, 2, 2, 50), (7, 5, 2, 35),
                                      (4, 5, 2, 32), (3, 6, 2, 64), (2, 3, 2, 48), (3, 13, 3, 25), (2, 20, 2, 40), (1, 6, 3, 25)] {
                let x = Tensor.normal([2, cin, h, w], using: &rng).requiringGrad()
                let wt = Tensor.normal([cout, cin, 3, 3], std: 0.1, using: &rng).requiringGrad()
                let up = Tensor.normal([2, cout, h, w], using: &rng)
                func gradients() -> (Tensor, Tensor) {
                    x.zeroGrad(); wt.zeroGrad()
                    // x is used twice, so its gradient accumulates: the direct kernel must add.
                    ((conv2d(x, weight: wt, padding: (1, 1)) * up).sum() + (x * x).sum()).backward()
                    func copy(_ t: Tensor) -> Tensor { Tensor(shape: t.shape, storage: Storage(copying: t.storage)) }
                    return (copy(x.grad!), copy(wt.grad!))
                }
                let (gx, gw) = gradients()
                DirectConv3x3.enabled = false
                let (rx, rw) = gradients()
                DirectConv3x3.enabled = true
                assertClose(gx, rx, rtol: 1e-5, atol: 1e-5, "input gradient \(cin)->\(cout) \(h)x\(w)")
                // Each weight-gradient value sums 2·h·w products of unit-scale values in float32, in
                // another order on each path: rounding grows with √(terms) (40x40: 9e-5 seen).
                let terms = Float(2 * h * w)
                assertClose(gw, rw, rtol: 1e-5, atol: 1e-5 * terms.squareRoot(), "weight gradient \(cin)->\(cout) \(h)x\(w)")
            }
        }
    }

    /// Inputs of 16+ channels outside the direct path go channel-last through one packed product:
    /// checked against the definition y[o, oy, ox] = b[o] + Σ x[c, oy·s - p + i·d, ox·s - p + j·d]·W[o, c, i, j]
    /// for DCGAN's k4 s2 p1, a dilated k3 with unequal strides, 11 output channels, and ReLU; a
    /// dilation across (colᵀ's rows then read tap by tap) and a kernel row of 5 x 48 floats (read
    /// in two K blocks).
    func testChannelLastForwardMatchesDefinition() {
        forEachKernelSet { _ in
            var rng = RandomGenerator(seed: 18)
            for (n, cin, cout, h, w, k, s, p, d, relu) in [(3, 16, 11, 8, 6, 4, (2, 2), (1, 1), (1, 1), false),
                                                         (2, 17, 5, 9, 7, 3, (2, 1), (1, 2), (2, 1), true),
                                                         (2, 64, 70, 7, 9, 4, (1, 2), (2, 1), (1, 2), false),
                                                         (1, 48, 9, 6, 6, 5, (1, 1), (0, 0), (1, 1), true)] {
                let x = Tensor.normal([n, cin, h, w], using: &rng), wt = Tensor.normal([cout, cin, k, k], std: 0.2, using: &rng)
                let b = Tensor.normal([cout], using: &rng)
                let y = withoutGrad { relu ? conv2dReLU(x, weight: wt, bias: b, stride: s, padding: p, dilation: d)
                                           : conv2d(x, weight: wt, bias: b, stride: s, padding: p, dilation: d) }
                let ho = (h + 2 * p.0 - d.0 * (k - 1) - 1) / s.0 + 1, wo = (w + 2 * p.1 - d.1 * (k - 1) - 1) / s.1 + 1
                XCTAssertEqual(y.shape, [n, cout, ho, wo])
                let px = x.storage.pointer, pw = wt.storage.pointer, pb = b.storage.pointer
                var expected: [Float] = []
                for im in 0..<n { for o in 0..<cout { for oy in 0..<ho { for ox in 0..<wo {
                    var v = pb[o]
                    for c in 0..<cin { for i in 0..<k { for j in 0..<k {
                        let iy = oy * s.0 - p.0 + i * d.0, ix = ox * s.1 - p.1 + j * d.1
                        if iy >= 0 && iy < h && ix >= 0 && ix < w { v += px[((im * cin + c) * h + iy) * w + ix] * pw[((o * cin + c) * k + i) * k + j] }
                    } } }
                    expected.append(relu ? Swift.max(v, 0) : v)
                } } } }
                assertClose(Array(y.storage.buffer), expected, rtol: 1e-5, atol: 1e-5, "\(cin)->\(cout) k\(k) s\(s) d\(d)")
            }
        }
    }

    /// Stride-2 geometries that halve even planes (k2 p0, k4 p1, k6 p2) fold col back by phase
    /// planes: the same sums in the same order as the plain scatter-add, so equal to the bit,
    /// for two images whose columns sit side by side in a wider column matrix (ld > 2·l).
    func testCol2imByPhasesEqualsScatterAdd() {
        var rng = RandomGenerator(seed: 16)
        for (c, h, w, k, p) in [(3, 14, 14, 4, 1), (2, 6, 8, 4, 1), (2, 8, 6, 2, 0), (1, 10, 12, 6, 2), (2, 28, 28, 4, 1)] {
            let geo = ConvGeometry(c: c, h: h, w: w, kernel: (k, k), stride: (2, 2), padding: (p, p), dilation: (1, 1))
            XCTAssertTrue(geo.halvesEvenPlanes)
            let images = 2, ld = images * geo.l + 5, size = c * h * w
            let col = Tensor.normal([geo.k * ld], using: &rng), start = Tensor.normal([images * size], using: &rng)
            let x = Tensor(shape: start.shape, storage: Storage(copying: start.storage))
            geo.col2im(col.storage.pointer, x.storage.pointer, ld: ld, images: images)
            // The scatter-add, element by element in (image, c, i, j, oy, ox) order.
            let expected = Storage(copying: start.storage), e = expected.pointer, pc = col.storage.pointer
            for s in 0..<images { for ci in 0..<c { for i in 0..<k { for j in 0..<k { for oy in 0..<geo.ho { for ox in 0..<geo.wo {
                let iy = oy * 2 - p + i, ix = ox * 2 - p + j
                if iy >= 0 && iy < h && ix >= 0 && ix < w {
                    e[s * size + (ci * h + iy) * w + ix] += pc[((ci * k + i) * k + j) * ld + s * geo.l + oy * geo.wo + ox]
                }
            } } } } } }
            let got = x.storage.pointer
            let differ = (0..<(images * size)).filter { got[$0] != e[$0] }.count
            XCTAssertEqual(differ, 0, "k\(k) p\(p) on \(c)x\(h)x\(w): \(differ) values differ")
        }
    }

    /// Workers claim batch pieces in whatever order they get free; the weight gradient is summed
    /// per piece and the pieces in order, so repeated backward passes agree to the bit.
    func testWeightGradientDoesNotDependOnSchedule() {
        var rng = RandomGenerator(seed: 17)
        let saved = Parallel.threads
        defer { Parallel.threads = saved }
        Parallel.threads = 2
        let x = Tensor.normal([19, 3, 12, 12], using: &rng), up = Tensor.normal([19, 8, 12, 12], using: &rng)
        let w = Tensor.normal([8, 3, 3, 3], std: 0.2, using: &rng).requiringGrad()
        var first: [Float]?
        for _ in 0..<6 {
            w.zeroGrad()
            (conv2d(x, weight: w, padding: (1, 1)) * up).sum().backward()
            let g = w.grad!.scalars
            if let first { XCTAssertEqual(g, first) } else { first = g }
        }
    }

    func testParallelBatchMatchesSerial() {
        var rng = RandomGenerator(seed: 12)
        let x = Tensor.normal([5, 2, 7, 7], using: &rng), w = Tensor.normal([3, 2, 3, 3], using: &rng)
        let saved = Parallel.threads
        Parallel.threads = 1
        let serial = conv2d(x, weight: w, padding: (1, 1))
        Parallel.threads = 2
        let parallel = conv2d(x, weight: w, padding: (1, 1))
        Parallel.threads = saved
        assertClose(parallel, serial, rtol: 1e-6, atol: 1e-6)
    }

    /// 16+ input channels: the weight gradient is gathered channel-last per batch piece and the
    /// pieces summed per range of output channels, then laid out (Cout, Cin, kh, kw). Against the
    /// definition in Double on 1, 3 and 16 threads (16 pieces of one image each at 16).
    func testChannelLastWeightGradientOnManyThreads() {
        var rng = RandomGenerator(seed: 19)
        let saved = Parallel.threads
        defer { Parallel.threads = saved }
        let (n, cin, h, wd, cout, k, s, p) = (16, 17, 8, 9, 5, 4, 2, 1)
        let ho = (h + 2 * p - k) / s + 1, wo = (wd + 2 * p - k) / s + 1
        let x = Tensor.normal([n, cin, h, wd], using: &rng), up = Tensor.normal([n, cout, ho, wo], using: &rng)
        let w = Tensor.normal([cout, cin, k, k], std: 0.2, using: &rng).requiringGrad()
        let xs = x.scalars, us = up.scalars
        var want = [Double](repeating: 0, count: cout * cin * k * k)
        for b in 0..<n { for co in 0..<cout { for ci in 0..<cin { for ky in 0..<k { for kx in 0..<k {
            var sum = 0.0
            for oy in 0..<ho { for ox in 0..<wo {
                let iy = oy * s - p + ky, ix = ox * s - p + kx
                if iy < 0 || iy >= h || ix < 0 || ix >= wd { continue }
                sum += Double(us[((b * cout + co) * ho + oy) * wo + ox]) * Double(xs[((b * cin + ci) * h + iy) * wd + ix])
            } }
            want[((co * cin + ci) * k + ky) * k + kx] += sum
        } } } } }
        for threads in [1, 3, 16] {
            Parallel.threads = threads
            w.zeroGrad()
            (conv2d(x, weight: w, stride: (s, s), padding: (p, p)) * up).sum().backward()
            let got = w.grad!.scalars
            let worst = zip(got, want).map { abs(Double($0) - $1) }.max()!
            XCTAssertLessThan(worst, 1e-4, "\(threads) threads")
        }
    }
}
