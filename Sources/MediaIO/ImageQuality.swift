import Foundation
import Require

/// How close a picture is to a reference, as denoising papers measure it: PSNR and SSIM on the
/// 0..255 scale (images hold 0..1; the scale cancels in PSNR and sets SSIM's constants).
public enum ImageQuality {
    /// 10·log10(1 / MSE) over every value (infinity for identical images).
    public static func psnr(_ a: Image, _ reference: Image) -> Double {
        require(a.width == reference.width && a.height == reference.height && a.channels == reference.channels,
                "psnr: \(a.width)x\(a.height)x\(a.channels) against \(reference.width)x\(reference.height)x\(reference.channels)")
        var se = 0.0
        for (x, y) in zip(a.pixels, reference.pixels) { let d = Double(x) - Double(y); se += d * d }
        let mse = se / Double(Swift.max(a.pixels.count, 1))
        return mse == 0 ? .infinity : 10 * log10(1 / mse)
    }

    /// Mean SSIM (Wang et al. 2004) with an 11x11 Gaussian window (σ 1.5), data range 255,
    /// population covariances, averaged over the pixels at least 5 from the border and over the
    /// channels: scikit-image's structural_similarity(gaussian_weights=True, sigma=1.5,
    /// use_sample_covariance=False, data_range=255).
    public static func ssim(_ a: Image, _ reference: Image) -> Double {
        require(a.width == reference.width && a.height == reference.height && a.channels == reference.channels,
                "ssim: \(a.width)x\(a.height)x\(a.channels) against \(reference.width)x\(reference.height)x\(reference.channels)")
        require(a.width >= 11 && a.height >= 11, "ssim: needs at least 11x11 pixels, got \(a.width)x\(a.height)")
        let w = a.width, h = a.height, n = w * h
        let c1: Double = (0.01 * 255) * (0.01 * 255), c2: Double = (0.03 * 255) * (0.03 * 255)
        var total = 0.0
        for c in 0..<a.channels {
            var x = [Double](repeating: 0, count: n), y = x
            for i in 0..<n { x[i] = Double(a.pixels[i * a.channels + c]) * 255; y[i] = Double(reference.pixels[i * a.channels + c]) * 255 }
            let ux = gaussian(x, w, h), uy = gaussian(y, w, h)
            let uxx = gaussian(x.indices.map { x[$0] * x[$0] }, w, h), uyy = gaussian(y.indices.map { y[$0] * y[$0] }, w, h)
            let uxy = gaussian(x.indices.map { x[$0] * y[$0] }, w, h)
            var sum = 0.0, count = 0
            for r in 5..<(h - 5) {
                for q in 5..<(w - 5) {
                    let i = r * w + q
                    let vx = uxx[i] - ux[i] * ux[i], vy = uyy[i] - uy[i] * uy[i], vxy = uxy[i] - ux[i] * uy[i]
                    sum += ((2 * ux[i] * uy[i] + c1) * (2 * vxy + c2)) / ((ux[i] * ux[i] + uy[i] * uy[i] + c1) * (vx + vy + c2))
                    count += 1
                }
            }
            total += sum / Double(count)
        }
        return total / Double(a.channels)
    }

    /// The normalised Gaussian taps of σ 1.5 over -5...5.
    static let taps: [Double] = {
        let t = (-5...5).map { exp(-Double($0 * $0) / (2 * 1.5 * 1.5)) }
        let s = t.reduce(0, +)
        return t.map { $0 / s }
    }()

    /// Separable Gaussian blur; outside the image the values mirror (only the interior is used).
    static func gaussian(_ v: [Double], _ w: Int, _ h: Int) -> [Double] {
        func mirror(_ i: Int, _ n: Int) -> Int { i < 0 ? -i - 1 : (i >= n ? 2 * n - i - 1 : i) }
        var rows = [Double](repeating: 0, count: v.count), out = rows
        for r in 0..<h { for q in 0..<w {
            var s = 0.0
            for k in -5...5 { s += taps[k + 5] * v[r * w + mirror(q + k, w)] }
            rows[r * w + q] = s
        } }
        for r in 0..<h { for q in 0..<w {
            var s = 0.0
            for k in -5...5 { s += taps[k + 5] * rows[mirror(r + k, h) * w + q] }
            out[r * w + q] = s
        } }
        return out
    }
}
