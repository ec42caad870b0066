import Foundation

/// Scores of generated images in a classifier's eyes: the Inception Score from its class
/// probabilities, the Frechet distance between Gaussians fitted to its features of generated
/// and of real images, and the histogram of predicted classes.
public enum SampleQuality {
    /// exp(mean over samples of KL(p(y|x) || p(y))): N x C probabilities, one split.
    public static func inceptionScore(_ p: [Float], classes c: Int) -> Double {
        let n = p.count / c
        guard n > 0 else { return .nan }
        var marginal = [Double](repeating: 0, count: c)
        for i in 0..<n { for k in 0..<c { marginal[k] += Double(p[i * c + k]) } }
        marginal = marginal.map { $0 / Double(n) }
        var kl = 0.0
        for i in 0..<n { for k in 0..<c {
            let q = Double(p[i * c + k])
            if q > 0 { kl += q * (log(q) - log(max(marginal[k], 1e-300))) }
        } }
        return exp(kl / Double(n))
    }

    /// Mean (d) and covariance (d x d, divided by n - 1) of N x d features.
    public static func gaussian(_ f: [Float], dims d: Int) -> (mean: [Double], cov: [Double]) {
        let n = f.count / d
        var mean = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { mean[j] += Double(f[i * d + j]) } }
        mean = mean.map { $0 / Double(max(n, 1)) }
        var cov = [Double](repeating: 0, count: d * d)
        var row = [Double](repeating: 0, count: d)
        for i in 0..<n {
            for j in 0..<d { row[j] = Double(f[i * d + j]) - mean[j] }
            for a in 0..<d where row[a] != 0 { for b in a..<d { cov[a * d + b] += row[a] * row[b] } }
        }
        let div = Double(max(n - 1, 1))
        for a in 0..<d { for b in a..<d { cov[a * d + b] /= div; cov[b * d + a] = cov[a * d + b] } }
        return (mean, cov)
    }

    /// |m1 - m2|² + tr(S1) + tr(S2) - 2 tr((S1^½ S2 S1^½)^½), the Frechet distance of two Gaussians.
    public static func frechetDistance(_ a: (mean: [Double], cov: [Double]), _ b: (mean: [Double], cov: [Double])) -> Double {
        let d = a.mean.count
        let diff = zip(a.mean, b.mean).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        let root1 = SymmetricEigen(a.cov, n: d).applying { max($0, 0).squareRoot() }
        // M = S1^½ S2 S1^½ (symmetric)
        var t = [Double](repeating: 0, count: d * d), m = [Double](repeating: 0, count: d * d)
        for i in 0..<d { for k in 0..<d where root1[i * d + k] != 0 { let r = root1[i * d + k]; for j in 0..<d { t[i * d + j] += r * b.cov[k * d + j] } } }
        for i in 0..<d { for k in 0..<d where t[i * d + k] != 0 { let r = t[i * d + k]; for j in 0..<d { m[i * d + j] += r * root1[k * d + j] } } }
        for i in 0..<d { for j in (i + 1)..<d { let s = (m[i * d + j] + m[j * d + i]) / 2; m[i * d + j] = s; m[j * d + i] = s } }
        let traceRoot = SymmetricEigen(m, n: d).values.reduce(0) { $0 + max($1, 0).squareRoot() }
        let tr1 = (0..<d).reduce(0) { $0 + a.cov[$1 * d + $1] }, tr2 = (0..<d).reduce(0) { $0 + b.cov[$1 * d + $1] }
        return diff + tr1 + tr2 - 2 * traceRoot
    }

    /// Counts of the most probable class of each sample.
    public static func histogram(_ p: [Float], classes c: Int) -> [Int] {
        var h = [Int](repeating: 0, count: c)
        for k in predicted(p, classes: c) { h[k] += 1 }
        return h
    }
}

extension SampleQuality {
    /// The most probable class of each of N x C probabilities.
    public static func predicted(_ p: [Float], classes c: Int) -> [Int] {
        (0..<(p.count / c)).map { i in (0..<c).max { p[i * c + $0] < p[i * c + $1] }! }
    }
}
