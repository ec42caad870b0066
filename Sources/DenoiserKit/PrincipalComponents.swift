import Foundation

/// The first two principal components of a set of vectors, to draw codes of more than two
/// numbers on a plane.
enum PrincipalComponents {
    /// rows x cols values (row-major) -> each row's coordinates on the two directions of largest
    /// variance (power iteration on the covariance, the second after deflating the first).
    static func project(_ v: [Float], rows n: Int, cols d: Int) -> [(Double, Double)] {
        var mean = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { mean[j] += Double(v[i * d + j]) } }
        mean = mean.map { $0 / Double(Swift.max(n, 1)) }
        var cov = [Double](repeating: 0, count: d * d)
        for i in 0..<n {
            for a in 0..<d {
                let da = Double(v[i * d + a]) - mean[a]
                for b in 0..<d { cov[a * d + b] += da * (Double(v[i * d + b]) - mean[b]) }
            }
        }
        // Power iteration kept orthogonal to `against` (so a second direction exists even when the
        // spread is all along the first).
        func leading(_ m: [Double], against: [Double]? = nil) -> [Double] {
            func orthonormal(_ w: [Double]) -> [Double]? {
                var w = w
                if let a = against { let dot = zip(w, a).reduce(0) { $0 + $1.0 * $1.1 }; w = zip(w, a).map { $0 - dot * $1 } }
                let norm = sqrt(w.reduce(0) { $0 + $1 * $1 })
                return norm > 1e-12 ? w.map { $0 / norm } : nil
            }
            var u = orthonormal((0..<d).map { 1 + 0.37 * Double($0 * $0 % 7) }) ?? orthonormal((0..<d).map { $0 == 0 ? 1 : 0 }) ?? [Double](repeating: 0, count: d)
            for _ in 0..<200 {
                var w = [Double](repeating: 0, count: d)
                for a in 0..<d { for b in 0..<d { w[a] += m[a * d + b] * u[b] } }
                guard let next = orthonormal(w) else { return u }
                u = next
            }
            return u
        }
        let u1 = leading(cov)
        var lambda = 0.0
        for a in 0..<d { for b in 0..<d { lambda += u1[a] * cov[a * d + b] * u1[b] } }
        var deflated = cov
        for a in 0..<d { for b in 0..<d { deflated[a * d + b] -= lambda * u1[a] * u1[b] } }
        let u2 = leading(deflated, against: u1)
        return (0..<n).map { i in
            var x = 0.0, y = 0.0
            for j in 0..<d { let c = Double(v[i * d + j]) - mean[j]; x += c * u1[j]; y += c * u2[j] }
            return (x, y)
        }
    }
}
