internal import CKernels

/// exp, log, √, sigmoid, tanh and GELU over buffers, vectorised in CKernels (Cephes-style range
/// reduction and polynomials, a few ulp), with the LSTM step's pointwise part and the rectifiers.
/// y may be x.
enum FastMath {
    static func log(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) { dm_kernels_active()!.pointee.log(x, y, n) }
    static func sqrt(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) { dm_kernels_active()!.pointee.sqrt(x, y, n) }
    /// x·Φ(x) (Φ by erfc, fractional error under 5e-7 + 3e-8·x²), and its backward gx = g·(Φ(x) + x·φ(x))
    /// (added to gx when accumulating).
    static func gelu(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) { dm_kernels_active()!.pointee.gelu(x, y, n) }
    static func geluBackward(_ x: UnsafePointer<Float>, _ g: UnsafePointer<Float>, _ gx: UnsafeMutablePointer<Float>, _ n: Int, accumulate: Bool) {
        dm_kernels_active()!.pointee.gelu_backward(x, g, n, gx, accumulate ? 1 : 0)
    }
    /// Binary cross-entropy on logits, max(x, 0) - x·t + log(1 + e^-|x|): values into y, or their sum
    /// in Double; the backward gx[i] += (g?[i] ?? k)·(σ(x[i]) - t[i]).
    static func logitCrossEntropy(_ x: UnsafePointer<Float>, _ t: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        dm_kernels_active()!.pointee.logit_cross_entropy(x, t, n, y)
    }
    static func logitCrossEntropySum(_ x: UnsafePointer<Float>, _ t: UnsafePointer<Float>, _ n: Int) -> Double {
        dm_kernels_active()!.pointee.logit_cross_entropy_sum(x, t, n)
    }
    static func logitCrossEntropyBackward(_ x: UnsafePointer<Float>, _ t: UnsafePointer<Float>, g: UnsafePointer<Float>?, k: Float,
                                          _ gx: UnsafeMutablePointer<Float>, _ n: Int) {
        dm_kernels_active()!.pointee.logit_cross_entropy_backward(x, t, g, k, n, gx)
    }
    static func sigmoid(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) { dm_kernels_active()!.pointee.sigmoid(x, y, n) }
    static func tanh(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) { dm_kernels_active()!.pointee.tanh(x, y, n) }
    static func exp(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) { dm_kernels_active()!.pointee.exp(x, y, n) }

    /// y = x > 0 ? x : slope·x (slope 0: ReLU, NaN -> 0); y may be x.
    static func rectifier(_ x: UnsafePointer<Float>, slope: Float, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        dm_kernels_active()!.pointee.rectifier(x, slope, n, y)
    }

    /// gx (+)= ref > 0 ? g : slope·g, ref being ReLU's output or leaky ReLU's input.
    static func rectifierBackward(ref: UnsafePointer<Float>, _ g: UnsafePointer<Float>, slope: Float,
                                  _ gx: UnsafeMutablePointer<Float>, _ n: Int, accumulate: Bool) {
        dm_kernels_active()!.pointee.rectifier_backward(ref, g, slope, n, gx, accumulate ? 1 : 0)
    }

    /// One row of one LSTM step: the pre-activations pre + bias (4H) become i, f, g, o = σ, σ, tanh, σ
    /// in place (copied to savingGates for the backward); then c (H) = f·cPrev + i·g,
    /// h = o·tanh(c) (tanh(c) to tanhC for the backward).
    static func lstmPointwise(_ pre: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>, cPrev: UnsafePointer<Float>,
                              c: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>, hidden n: Int, gateStride: Int? = nil,
                              savingGates: UnsafeMutablePointer<Float>?, tanhC: UnsafeMutablePointer<Float>?) {
        dm_kernels_active()!.pointee.lstm_pointwise(pre, bias, cPrev, c, h, n, gateStride ?? n, savingGates, tanhC)
    }

    /// Its backward for one row of one step: from the kept gates (4H), tanh(c) and cPrev (H), the
    /// output's gradient gy and the next step's dh (H), dc (H, in: the next step's cell gradient,
    /// out: f times this step's) and the pre-activations' gradients dGates (4H); `gateStride`: the
    /// gate blocks' distance in gates and dGates when n units are a slice of a row of H (default n).
    static func lstmPointwiseBackward(gates: UnsafePointer<Float>, tanhC: UnsafePointer<Float>, cPrev: UnsafePointer<Float>,
                                      gy: UnsafePointer<Float>, dh: UnsafePointer<Float>, dc: UnsafeMutablePointer<Float>,
                                      dGates: UnsafeMutablePointer<Float>, hidden n: Int, gateStride: Int? = nil) {
        dm_kernels_active()!.pointee.lstm_pointwise_backward(gates, tanhC, cPrev, gy, dh, dc, dGates, n, gateStride ?? n)
    }
}
