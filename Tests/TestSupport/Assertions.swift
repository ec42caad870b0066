import XCTest
import NeuralCore

/// Checks shapes first, then |a - b| <= atol + rtol·|b| for every value (b is the reference).
public func assertClose(_ a: Tensor, _ b: Tensor, rtol: Float = 1e-4, atol: Float = 1e-5, _ what: String = "",
                        file: StaticString = #filePath, line: UInt = #line) {
    guard a.shape == b.shape else {
        XCTFail("\(what): shape \(a.shape) != expected \(b.shape)", file: file, line: line)
        return
    }
    var worst: Float = 0, worstIndex = -1
    let pa = a.scalars, pb = b.scalars
    for i in 0..<pa.count {
        let excess = Swift.abs(pa[i] - pb[i]) - (atol + rtol * Swift.abs(pb[i]))
        if !(excess <= 0) && (worstIndex < 0 || excess > worst || excess.isNaN) { worst = excess; worstIndex = i }
    }
    if worstIndex >= 0 {
        XCTFail("\(what): value \(worstIndex) is \(pa[worstIndex]), expected \(pb[worstIndex]) (rtol \(rtol), atol \(atol))",
                file: file, line: line)
    }
}

public func assertClose(_ a: [Float], _ b: [Float], rtol: Float = 1e-4, atol: Float = 1e-5, _ what: String = "",
                        file: StaticString = #filePath, line: UInt = #line) {
    assertClose(Tensor(shape: [a.count], scalars: a), Tensor(shape: [b.count], scalars: b), rtol: rtol, atol: atol, what,
                file: file, line: line)
}
