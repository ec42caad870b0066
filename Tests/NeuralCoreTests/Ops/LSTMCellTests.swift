import XCTest
@testable import NeuralCore
import TestSupport

final class LSTMCellTests: XCTestCase {
    /// Runs the fixture's 2-layer LSTM through the layer-by-layer fused op.
    private func run(_ fx: SafetensorsFile, _ t: [String: Tensor]) -> [String: Tensor] {
        let layers = fx.config["args"].flatMap { ($0 as? [String: Any])?["num_layers"] as? Int } ?? 1
        let h0 = t["h0"]!, c0 = t["c0"]!
        let b = h0.shape[1], h = h0.shape[2]
        var x = t["input"]!
        var hs: [Tensor] = [], cs: [Tensor] = []
        for l in 0..<layers {
            let r = lstmLayer(x, h0: h0.slice(axis: 0, l..<(l + 1)).reshaped([b, h]), c0: c0.slice(axis: 0, l..<(l + 1)).reshaped([b, h]),
                              weightIH: t["weight_ih_l\(l)"]!, weightHH: t["weight_hh_l\(l)"]!,
                              biasIH: t["bias_ih_l\(l)"]!, biasHH: t["bias_hh_l\(l)"]!)
            x = r.output; hs.append(r.h); cs.append(r.c)
        }
        return ["output": x, "h_n": Tensor.stack(hs), "c_n": Tensor.stack(cs)]
    }

    func testParityWithPyTorch() throws {
        try forEachKernelSet { _ in
            try runOpFixture("lstm") { fx, t in run(fx, t) }
            try runOpFixture("lstm_long") { fx, t in run(fx, t) }
        }
    }

    func testGradients() {
        var rng = RandomGenerator(seed: 20)
        let x = Tensor.normal([2, 4, 3], using: &rng)
        let wih = Tensor.normal([20, 3], std: 0.4, using: &rng), whh = Tensor.normal([20, 5], std: 0.4, using: &rng)
        let bih = Tensor.normal([20], std: 0.2, using: &rng), bhh = Tensor.normal([20], std: 0.2, using: &rng)
        let h0 = Tensor.normal([2, 5], using: &rng), c0 = Tensor.normal([2, 5], using: &rng)
        checkGradients([x, wih, whh, bih, bhh, h0, c0], "lstm output + h + c") { a in
            let r = lstmLayer(a[0], h0: a[5], c0: a[6], weightIH: a[1], weightHH: a[2], biasIH: a[3], biasHH: a[4])
            return Tensor.concatenate([r.output.reshaped([2, 20]), r.h, r.c], axis: 1)
        }
    }

    /// A sequence one step per call (generation: each step multiplies by the unpacked weights)
    /// gives the outputs of one call over the whole sequence (one packed product per step), in
    /// inference and while recording; H = 11 ends in a partial 8-lane group.
    func testOneStepAtATimeEqualsWholeSequence() {
        var rng = RandomGenerator(seed: 23)
        let (b, t, inF, h) = (3, 6, 4, 11)
        let x = Tensor.normal([b, t, inF], using: &rng)
        let wih = Tensor.normal([4 * h, inF], std: 0.4, using: &rng), whh = Tensor.normal([4 * h, h], std: 0.4, using: &rng)
        let bih = Tensor.normal([4 * h], std: 0.2, using: &rng), bhh = Tensor.normal([4 * h], std: 0.2, using: &rng)
        for recording in [false, true] {
            let w = recording ? wih.requiringGrad() : wih
            let whole = lstmLayer(x, h0: nil, c0: nil, weightIH: w, weightHH: whh, biasIH: bih, biasHH: bhh)
            var hs: Tensor?, cs: Tensor?, steps: [Tensor] = []
            for s in 0..<t {
                let r = lstmLayer(x.slice(axis: 1, s..<(s + 1)), h0: hs, c0: cs, weightIH: w, weightHH: whh, biasIH: bih, biasHH: bhh)
                steps.append(r.output); hs = r.h; cs = r.c
            }
            assertClose(Tensor.concatenate(steps, axis: 1), whole.output, rtol: 1e-5, atol: 1e-6, "outputs, recording \(recording)")
            assertClose(cs!, whole.c, rtol: 1e-5, atol: 1e-6, "final cell, recording \(recording)")
        }
    }

    /// Split by hidden units (few batch rows per thread) against split by rows: the same outputs,
    /// final states and gradients up to rounding, on 2, 3 and 16 threads, every kernel set, with an H
    /// that fills whole unit groups and one that ends in a partial group (zero columns).
    func testSplitByUnitsMatchesSplitByRows() {
        let saved = (Parallel.threads, LSTMUnitSplit.rowsPerThread, LSTMUnitSplit.inferenceRowsPerThread)
        defer { Parallel.threads = saved.0; LSTMUnitSplit.rowsPerThread = saved.1; LSTMUnitSplit.inferenceRowsPerThread = saved.2 }
        forEachKernelSet { set in
            var rng = RandomGenerator(seed: 24)
            for (b, t, inF, h) in [(3, 5, 7, 32), (5, 4, 6, 37)] {
                let x = Tensor.normal([b, t, inF], using: &rng).requiringGrad()
                let wih = Tensor.normal([4 * h, inF], std: 0.3, using: &rng).requiringGrad()
                let whh = Tensor.normal([4 * h, h], std: 0.3, using: &rng).requiringGrad()
                let bih = Tensor.normal([4 * h], std: 0.2, using: &rng).requiringGrad(), bhh = Tensor.normal([4 * h], std: 0.2, using: &rng)
                let h0 = Tensor.normal([b, h], using: &rng).requiringGrad(), c0 = Tensor.normal([b, h], using: &rng).requiringGrad()
                let up = Tensor.normal([b, t, h], using: &rng)
                func run() -> [Tensor] {
                    for p in [x, wih, whh, bih, h0, c0] { p.zeroGrad() }
                    let r = lstmLayer(x, h0: h0, c0: c0, weightIH: wih, weightHH: whh, biasIH: bih, biasHH: bhh)
                    ((r.output * up).sum() + (r.h * r.c).sum()).backward()
                    func copy(_ t: Tensor) -> Tensor { Tensor(shape: t.shape, scalars: t.scalars) }
                    return [copy(r.output), copy(r.h), copy(r.c)] + [x, wih, whh, bih, h0, c0].map { copy($0.grad!) }
                }
                for threads in [2, 3, 16] {
                    Parallel.threads = threads
                    LSTMUnitSplit.rowsPerThread = 1000
                    XCTAssertFalse(LSTMUnitSplit.applies(batch: b, hidden: 4, training: true), "one unit group: not split")
                    LSTMUnitSplit.rowsPerThread = 0
                    XCTAssertFalse(LSTMUnitSplit.applies(batch: b, hidden: h, training: true))
                    let rows = run()
                    LSTMUnitSplit.rowsPerThread = 1000
                    XCTAssertTrue(LSTMUnitSplit.applies(batch: b, hidden: h, training: true))
                    let units = run()
                    for (i, (u, r)) in zip(units, rows).enumerated() {
                        assertClose(u, r, rtol: 1e-5, atol: 1e-5, "\(set) b\(b) h\(h) on \(threads) threads, result \(i)")
                    }
                    // Inference (no gates kept) follows its own threshold.
                    func infer() -> [Tensor] {
                        withoutGrad {
                            let r = lstmLayer(x, h0: h0, c0: c0, weightIH: wih, weightHH: whh, biasIH: bih, biasHH: bhh)
                            return [r.output, r.h, r.c].map { Tensor(shape: $0.shape, scalars: $0.scalars) }
                        }
                    }
                    LSTMUnitSplit.inferenceRowsPerThread = 0
                    XCTAssertFalse(LSTMUnitSplit.applies(batch: b, hidden: h, training: false))
                    let rowsInferred = infer()
                    LSTMUnitSplit.inferenceRowsPerThread = 1000
                    XCTAssertTrue(LSTMUnitSplit.applies(batch: b, hidden: h, training: false))
                    for (i, (u, r)) in zip(infer(), rowsInferred).enumerated() {
                        assertClose(u, r, rtol: 1e-5, atol: 1e-5, "\(set) b\(b) h\(h) on \(threads) threads, inference result \(i)")
                        assertClose(u, units[i], rtol: 1e-5, atol: 1e-5, "\(set) b\(b) h\(h) on \(threads) threads, inference against training \(i)")
                    }
                }
            }
        }
    }

    /// The unit split's panels: the kernel set's width unless a narrower one takes at least 1/8
    /// off the busiest worker's columns (H 256: 43 groups of 6 units with 8 lanes, 3 on the busiest
    /// of 16 threads; 64 groups of 4 give it 4 x 16 columns, not 3 x 24).
    func testUnitSplitWidthEvensOutTheWorkers() {
        let was = KernelSet.active
        defer { KernelSet.use(was) }
        for set in KernelSet.available where set != .portable {
            KernelSet.use(set)
            let wide = set == .avx512
            XCTAssertEqual(LSTMUnitSplit.width(hidden: 256, threads: 16), wide ? 64 : 16, "\(set) 16 threads")
            XCTAssertEqual(LSTMUnitSplit.width(hidden: 256, threads: 2), wide ? 64 : 24, "\(set) 2 threads")
            XCTAssertEqual(LSTMUnitSplit.width(hidden: 256, threads: 12), wide ? 48 : 24, "\(set) 12 threads")
            // The backward's panels of W_hh's 256 columns: fewest on the busiest thread, widest on a tie.
            XCTAssertEqual(LSTMUnitSplit.backwardWidth(hidden: 256, threads: 16), 16, "\(set) backward, 16 threads")
            XCTAssertEqual(LSTMUnitSplit.backwardWidth(hidden: 256, threads: 2), wide ? 64 : 16, "\(set) backward, 2 threads")
            XCTAssertEqual(LSTMUnitSplit.backwardWidth(hidden: 256, threads: 12), 24, "\(set) backward, 12 threads")
        }
    }
}
