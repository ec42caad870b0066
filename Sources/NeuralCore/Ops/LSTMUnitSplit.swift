import Foundation
internal import CKernels

/// An LSTM layer's forward split across threads by hidden units instead of batch rows, for when
/// the batch gives each thread too few rows (32 rows on 16 threads: 2 each, and every thread
/// reads all of [W_ih | W_hh] for its 2 rows at every step). Each thread owns groups of g units
/// (g = panel width / 4) and computes, for all rows, the four gates of its units from its own
/// panels of the weights, then their cell and hidden states; the threads meet once per step
/// (one parallel region each), since every unit's next step reads all of h.
///
/// The weights are packed with their gate rows regrouped by worker: a worker's panels hold the i
/// gates of its units, then their f, g and o gates (zero columns past H), so the product leaves
/// each gate's units side by side and the cell reads them where they are. Results equal the row
/// split's up to rounding (the product sums x's and h's parts separately).
struct LSTMUnitSplit {
    /// Batch rows per thread below which the units are split (`applies`): in training (gates kept
    /// for the backward; at 2 threads and 16 rows a thread the unit split measured 0.98x the row
    /// split), and in inference (nil: by the kernel set, `inferenceThreshold`).
    nonisolated(unsafe) static var rowsPerThread = 4
    nonisolated(unsafe) static var inferenceRowsPerThread: Int? = nil

    /// Inference at 2 threads, 8, 16 and 32 rows, H 256 (lstmLayer alone, best of 7): with 16 lanes
    /// the unit split took 0.95-1.0x the row split's time (the char_lstm bench at 32 rows: 1.01-1.08x
    /// as fast), so 17; with 8 lanes 1.04-1.10x (panels of 6 units, each row's gates then copied out
    /// of them; read in place since, the char_lstm bench at 2 threads still 0.99x the row split's
    /// speed, Zen 3), so only where training splits too.
    static var inferenceThreshold: Int { inferenceRowsPerThread ?? (dm_kernels_active()!.pointee.lanes >= 16 ? 17 : rowsPerThread) }

    let packed: PackedMatrix
    let group: Int, groups: Int, inputs: Int, hidden: Int, workers: Int
    let bias: Storage   // the summed biases in the packed columns' order (0 past H)

    /// Whether to split by units: more than one thread, not nested, fewer than `rowsPerThread`
    /// (`inferenceThreshold` when not `training`) rows for each, and at least two unit groups
    /// (else one thread would run them all).
    static func applies(batch: Int, hidden: Int, training: Bool) -> Bool {
        let threads = Parallel.isNested ? 1 : Parallel.threads
        let group = width(hidden: hidden, threads: threads) / 4
        return threads > 1 && batch < (training ? rowsPerThread : inferenceThreshold) * threads && hidden > group
    }

    /// The panel width: the kernel set's for 4H, or a narrower one of its widths whose busiest
    /// worker has at least 1/8 fewer columns (H 256 on 16 threads with 8 lanes: 43 groups of 6
    /// units, 3 on the busiest worker, 72 columns; 64 groups of 4, 64 columns; modelled, the step
    /// 1.66 -> 1.48 ms, its work the same. A narrower panel by less, 2 threads and 4 rows: 5 %
    /// more work than it saved).
    static func width(hidden h: Int, threads: Int) -> Int {
        let chosen = Int(dm_kernels_active()!.pointee.packed_width(4 * h))
        func busiest(_ width: Int) -> Int { busiestColumns(units: h, unitsPerPanel: width / 4, width: width, threads: threads) }
        let best = PackedMatrix.widths.filter { $0 < chosen }.reversed().min { busiest($0) < busiest($1) }   // ties: the widest
        if let best, busiest(best) * 9 <= busiest(chosen) * 8 { return best }
        return chosen
    }

    /// weightIH (4H, I), weightHH (4H, H) row-major, bias (4H): the summed biases.
    init(weightIH: UnsafePointer<Float>, weightHH: UnsafePointer<Float>, inputs: Int, hidden h: Int, bias: UnsafePointer<Float>) {
        let width = LSTMUnitSplit.width(hidden: h, threads: Parallel.threads), group = width / 4
        let groups = (h + group - 1) / group, workers = Swift.min(Parallel.threads, groups)
        // Worker w's panels, columns p0·width ..< p1·width: gate k of its j-th unit at k·span + j
        // (span = its units, padding included); -1 past H.
        var order = [Int](repeating: -1, count: groups * width)
        for w in 0..<workers {
            let panels = LSTMUnitSplit.panels(of: w, workers: workers, count: groups), span = panels.count * group
            for j in 0..<span where panels.lowerBound * group + j < h {
                for k in 0..<4 { order[panels.lowerBound * width + k * span + j] = k * h + panels.lowerBound * group + j }
            }
        }
        packed = PackedMatrix(transposing: [(weightIH, cols: inputs), (weightHH, cols: h)], rows: 4 * h, order: order, width: width)
        self.bias = Storage(count: groups * width)
        for (col, row) in order.enumerated() { self.bias.pointer[col] = row < 0 ? 0 : bias[row] }
        self.group = group; self.groups = groups; self.inputs = inputs; self.hidden = h; self.workers = workers
    }

    /// Worker w's share of `count` panels (unit groups; W_hh's column panels in the backward).
    static func panels(of w: Int, workers: Int, count: Int) -> Range<Int> { (count * w / workers)..<(count * (w + 1) / workers) }

    /// The sequence: x (B, T, I); h0, c0 (B, H); y (B, ·) row bi's h_s at bi·ldy + s·H; cs (B, T, H)
    /// every c_s; for the backward, gates (B, T, 4H) in the usual i, f, g, o blocks and tanhC (B, T, H).
    func run(x: UnsafePointer<Float>, steps t: Int, batch b: Int, h0: UnsafePointer<Float>, c0: UnsafePointer<Float>,
             y: UnsafeMutablePointer<Float>, ldy: Int, cs: UnsafeMutablePointer<Float>,
             gates: UnsafeMutablePointer<Float>?, tanhC: UnsafeMutablePointer<Float>?) {
        let h = hidden, inF = inputs, width = packed.width, ldp = groups * width, g4 = 4 * h
        let pre = Storage(count: b * ldp), pp = pre.pointer, pb = bias.pointer
        for s in 0..<t {
            // Step s: each worker its groups, all rows; the region's end is the step's barrier.
            Parallel.forEachFixed(workers) { _, w in
                let panels = LSTMUnitSplit.panels(of: w, workers: workers, count: groups)
                if panels.isEmpty { return }
                let hPrev: UnsafePointer<Float> = s == 0 ? h0 : UnsafePointer(y + (s - 1) * h)
                let ldh: Int = s == 0 ? h : ldy
                packed.multiply(a: x + s * inF, lda: t * inF, m: b, panels: panels, ks: 0..<inF, c: pp, ldc: ldp, accumulate: false)
                packed.multiply(a: hPrev, lda: ldh, m: b, panels: panels, ks: inF..<(inF + h), c: pp, ldc: ldp, accumulate: true)
                // The worker's columns: i, f, g, o of its units, `span` apart.
                let u0 = panels.lowerBound * group, units = Swift.min(h, panels.upperBound * group) - u0
                let span = panels.count * group, col = panels.lowerBound * width
                for bi in 0..<b {
                    let r: Int = bi * t + s
                    let gatesIn: UnsafeMutablePointer<Float> = pp + bi * ldp + col
                    let cPrev: UnsafePointer<Float> = s == 0 ? c0 + bi * h + u0 : UnsafePointer(cs + (r - 1) * h + u0)
                    let tc: UnsafeMutablePointer<Float>? = tanhC.map { $0 + r * h + u0 }
                    FastMath.lstmPointwise(gatesIn, bias: pb + col, cPrev: cPrev, c: cs + r * h + u0, h: y + bi * ldy + s * h + u0,
                                           hidden: units, gateStride: span, savingGates: nil, tanhC: tc)
                    if let gates {
                        for k in 0..<4 { (gates + r * g4 + k * h + u0).update(from: gatesIn + k * span, count: units) }
                    }
                }
            }
        }
    }
}

extension LSTMUnitSplit {
    /// The backward through time split the same way, for the same few rows per thread: by rows,
    /// each thread would multiply its 2 rows (32 on 16 threads) by all of W_hh at every step
    /// (char_lstm's 1 MB; the 2-row product ran at 61 GFLOP/s from L3, 4 rows at 89). Here each
    /// thread owns whole panels of W_hh's columns, its units, and per step, for all rows: dh of its
    /// units = dG_{s+1} · W_hh[:, its units] (the region before wrote all of dG_{s+1}), then its
    /// units' cell backward into dG_s and dc. One region a step, one more for dh_{-1} (h0's).
    /// gates (B, T, 4H), tanhC and cs (B, T, H), gy row bi's step s at bi·ldy + s·H; dh (B, H) zero,
    /// dc (B, H) the last cell gradient; out: dGates (B, T, 4H), dh and dc those of h0 and c0.
    static func backward(weightHH pwh: UnsafePointer<Float>, steps t: Int, batch b: Int, hidden h: Int,
                         gates pg: UnsafePointer<Float>, tanhC ptc: UnsafePointer<Float>, c0 pc0: UnsafePointer<Float>,
                         cs pcs: UnsafePointer<Float>, gy gp: UnsafePointer<Float>, ldy: Int,
                         dGates pdg: UnsafeMutablePointer<Float>, dh pdh: UnsafeMutablePointer<Float>, dc pdc: UnsafeMutablePointer<Float>) {
        let g4 = 4 * h
        let packed = PackedMatrix(pwh, rows: g4, cols: h, width: backwardWidth(hidden: h, threads: Parallel.threads))
        let panels = packed.panels, workers = Swift.min(Parallel.threads, panels)
        for s in stride(from: t - 1, through: -1, by: -1) {
            Parallel.forEachFixed(workers) { _, w in
                let mine = LSTMUnitSplit.panels(of: w, workers: workers, count: panels)
                if mine.isEmpty { return }
                let u0 = mine.lowerBound * packed.width, units = Swift.min(h, mine.upperBound * packed.width) - u0
                if s < t - 1 {
                    packed.multiply(a: pdg + (s + 1) * g4, lda: t * g4, m: b, panels: mine, ks: 0..<g4, c: pdh, ldc: h, accumulate: false)
                }
                if s < 0 { return }
                for bi in 0..<b {
                    let r = bi * t + s
                    let cPrev = (s == 0 ? pc0 + bi * h : pcs + (r - 1) * h) + u0
                    FastMath.lstmPointwiseBackward(gates: pg + r * g4 + u0, tanhC: ptc + r * h + u0, cPrev: cPrev, gy: gp + bi * ldy + s * h + u0,
                                                   dh: pdh + bi * h + u0, dc: pdc + bi * h + u0, dGates: pdg + r * g4 + u0,
                                                   hidden: units, gateStride: h)
                }
            }
        }
    }

    /// The backward's panel width for W_hh's H columns: the one whose busiest thread has fewest
    /// columns, the widest on a tie (H 256 on 16 threads: 16 panels of 16, not 11 of 24).
    static func backwardWidth(hidden h: Int, threads: Int) -> Int {
        func busiest(_ width: Int) -> Int { busiestColumns(units: h, unitsPerPanel: width, width: width, threads: threads) }
        return PackedMatrix.widths.reversed().min { busiest($0) < busiest($1) }!
    }

    /// Columns on the busiest of `threads` workers when `units` come in panels of `width` columns
    /// holding `unitsPerPanel` units each, whole panels a worker.
    static func busiestColumns(units: Int, unitsPerPanel: Int, width: Int, threads: Int) -> Int {
        let panels = (units + unitsPerPanel - 1) / unitsPerPanel, workers = Swift.min(threads, panels)
        return (panels + workers - 1) / workers * width
    }
}
