import Require
/// Perceptually uniform colour maps for pictures of scalar data.
public enum ColorMap: Sendable {
    /// matplotlib's viridis, interpolated linearly between nine of its published values.
    case viridis
    /// Black to white.
    case gray

    private static let viridisAnchors: [(Float, Float, Float)] = [
        (0.267004, 0.004874, 0.329415), (0.282623, 0.140926, 0.457517), (0.229739, 0.322361, 0.545706),
        (0.172719, 0.448791, 0.557885), (0.127568, 0.566949, 0.550556), (0.157851, 0.683765, 0.501686),
        (0.369214, 0.788888, 0.382914), (0.678489, 0.863742, 0.189503), (0.993248, 0.906157, 0.143936),
    ]

    /// The RGB colour of t in [0, 1] (clamped).
    public func color(_ t: Float) -> (Float, Float, Float) {
        let v = t.isNaN ? 0 : Swift.max(0, Swift.min(1, t))
        switch self {
        case .gray: return (v, v, v)
        case .viridis:
            let a = ColorMap.viridisAnchors
            let x = v * Float(a.count - 1)
            let i = Swift.min(Int(x), a.count - 2), f = x - Float(i)
            return (a[i].0 + f * (a[i + 1].0 - a[i].0), a[i].1 + f * (a[i + 1].1 - a[i].1), a[i].2 + f * (a[i + 1].2 - a[i].2))
        }
    }
}

extension Spectrogram {
    /// A picture: low rows at the bottom, time left to right, values mapped from
    /// [max - dynamicRange, max] through the colour map. Each cell becomes `scale` x `scale` pixels.
    public func picture(dynamicRange: Float = 80, colorMap: ColorMap = .viridis, scale: Int = 1) -> Image {
        require(scale >= 1, "picture: scale must be >= 1")
        let top = values.filter { $0.isFinite }.max() ?? 0
        let bottom = top - dynamicRange
        var img = Image(width: frames * scale, height: rows * scale, channels: 3)
        for r in 0..<rows {
            for f in 0..<frames {
                let (cr, cg, cb) = colorMap.color((self[r, f] - bottom) / Swift.max(dynamicRange, 1e-12))
                for dy in 0..<scale {
                    let y = (rows - 1 - r) * scale + dy
                    for dx in 0..<scale {
                        let x = f * scale + dx
                        img[y, x, 0] = cr; img[y, x, 1] = cg; img[y, x, 2] = cb
                    }
                }
            }
        }
        return img
    }
}
