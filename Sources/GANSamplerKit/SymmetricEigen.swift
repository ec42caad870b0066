import Foundation

/// Eigenvalues and eigenvectors of a symmetric matrix by cyclic Jacobi rotations (Double).
/// n x n row-major in; values ascending-free (as found), vectors as columns of `vectors`.
struct SymmetricEigen {
    let n: Int
    var values: [Double]
    var vectors: [Double]   // column k is the eigenvector of values[k]

    init(_ a: [Double], n: Int, sweeps: Int = 50) {
        self.n = n
        var m = a
        var v = [Double](repeating: 0, count: n * n)
        for i in 0..<n { v[i * n + i] = 1 }
        for _ in 0..<sweeps {
            var off = 0.0
            for p in 0..<n { for q in (p + 1)..<n { off += m[p * n + q] * m[p * n + q] } }
            if off < 1e-22 { break }
            for p in 0..<n {
                for q in (p + 1)..<n {
                    let apq = m[p * n + q]
                    if abs(apq) < 1e-300 { continue }
                    let theta = (m[q * n + q] - m[p * n + p]) / (2 * apq)
                    let t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<n {   // rows p, q
                        let mpk = m[p * n + k], mqk = m[q * n + k]
                        m[p * n + k] = c * mpk - s * mqk; m[q * n + k] = s * mpk + c * mqk
                    }
                    for k in 0..<n {   // columns p, q
                        let mkp = m[k * n + p], mkq = m[k * n + q]
                        m[k * n + p] = c * mkp - s * mkq; m[k * n + q] = s * mkp + c * mkq
                    }
                    for k in 0..<n {
                        let vkp = v[k * n + p], vkq = v[k * n + q]
                        v[k * n + p] = c * vkp - s * vkq; v[k * n + q] = s * vkp + c * vkq
                    }
                }
            }
        }
        values = (0..<n).map { m[$0 * n + $0] }
        vectors = v
    }

    /// V f(D) Vᵀ for a function of the eigenvalues (e.g. the square root).
    func applying(_ f: (Double) -> Double) -> [Double] {
        var out = [Double](repeating: 0, count: n * n)
        let fv = values.map(f)
        for i in 0..<n { for j in 0..<n {
            var s = 0.0
            for k in 0..<n { s += vectors[i * n + k] * fv[k] * vectors[j * n + k] }
            out[i * n + j] = s
        } }
        return out
    }
}
