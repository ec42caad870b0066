import XCTest
import NeuralCore

/// Compares autograd gradients with central finite differences for L = Σ f(inputs) ⊙ w, w a fixed
/// random tensor. Up to `samples` elements per input are checked, in double-precision sums.
public func checkGradients(_ inputs: [Tensor], eps: Float = 1e-2, rtol: Float = 2e-2, atol: Float = 2e-3,
                           samples: Int = 40, seed: UInt64 = 7, _ what: String = "",
                           file: StaticString = #filePath, line: UInt = #line,
                           _ f: ([Tensor]) -> Tensor) {
    var rng = RandomGenerator(seed: seed)
    let leaves = inputs.map { $0.requiringGrad() }
    let y = f(leaves)
    let w = Tensor.normal(y.shape, using: &rng)
    (y * w).sum().backward()
    func loss(_ xs: [Tensor]) -> Double {
        withoutGrad {
            let out = f(xs)
            let po = out.scalars, pw = w.scalars
            var s: Double = 0
            for i in 0..<po.count { s += Double(po[i]) * Double(pw[i]) }
            return s
        }
    }
    for (k, x) in inputs.enumerated() {
        guard let analytic = leaves[k].grad?.scalars else {
            XCTFail("\(what): input \(k) received no gradient", file: file, line: line)
            continue
        }
        let n = x.count
        let stride = Swift.max(1, n / samples)
        for i in Swift.stride(from: 0, to: n, by: stride) {
            var plus = inputs, minus = inputs
            plus[k] = x.detached(); plus[k].withMutableData { $0[i] += eps }
            minus[k] = x.detached(); minus[k].withMutableData { $0[i] -= eps }
            let numeric = Float((loss(plus) - loss(minus)) / Double(2 * eps))
            let a = analytic[i]
            if !(Swift.abs(a - numeric) <= atol + rtol * Swift.abs(numeric)) {
                XCTFail("\(what): input \(k) element \(i): autograd \(a), finite difference \(numeric)", file: file, line: line)
                return
            }
        }
    }
}
