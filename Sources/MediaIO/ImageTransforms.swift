import Require
/// Geometry and colour operations on `Image`. All return new images.
public enum ResizeFilter: Sendable {
    /// Bilinear interpolation at pixel centres (align_corners = false).
    case bilinear
    /// Area averaging (box filter): each output pixel is the mean of the input area it covers.
    case area
}

extension Image {
    /// Resized to width x height.
    public func resized(width w: Int, height h: Int, filter: ResizeFilter = .bilinear) -> Image {
        require(w > 0 && h > 0, "resized: size must be positive, got \(w)x\(h)")
        if w == width && h == height { return self }
        var out = Image(width: w, height: h, channels: channels)
        switch filter {
        case .bilinear:
            let sx = Float(width) / Float(w), sy = Float(height) / Float(h)
            for y in 0..<h {
                let fy = Swift.max(0, (Float(y) + 0.5) * sy - 0.5)
                let y0 = Swift.min(Int(fy), height - 1), y1 = Swift.min(y0 + 1, height - 1), ty = fy - Float(y0)
                for x in 0..<w {
                    let fx = Swift.max(0, (Float(x) + 0.5) * sx - 0.5)
                    let x0 = Swift.min(Int(fx), width - 1), x1 = Swift.min(x0 + 1, width - 1), tx = fx - Float(x0)
                    for c in 0..<channels {
                        let top = self[y0, x0, c] * (1 - tx) + self[y0, x1, c] * tx
                        let bottom = self[y1, x0, c] * (1 - tx) + self[y1, x1, c] * tx
                        out[y, x, c] = top * (1 - ty) + bottom * ty
                    }
                }
            }
        case .area:
            let sx = Double(width) / Double(w), sy = Double(height) / Double(h)
            for y in 0..<h {
                let ya = Double(y) * sy, yb = Double(y + 1) * sy
                for x in 0..<w {
                    let xa = Double(x) * sx, xb = Double(x + 1) * sx
                    var acc = [Double](repeating: 0, count: channels)
                    var total = 0.0
                    var iy = Int(ya)
                    while Double(iy) < yb && iy < height {
                        let wy = Swift.min(yb, Double(iy + 1)) - Swift.max(ya, Double(iy))
                        var ix = Int(xa)
                        while Double(ix) < xb && ix < width {
                            let wgt = wy * (Swift.min(xb, Double(ix + 1)) - Swift.max(xa, Double(ix)))
                            for c in 0..<channels { acc[c] += wgt * Double(self[iy, ix, c]) }
                            total += wgt
                            ix += 1
                        }
                        iy += 1
                    }
                    for c in 0..<channels { out[y, x, c] = Float(acc[c] / total) }
                }
            }
        }
        return out
    }

    /// The rectangle at (x, y) of size width x height (must lie inside).
    public func cropped(x: Int, y: Int, width w: Int, height h: Int) -> Image {
        require(x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= width && y + h <= height,
                     "cropped: \(w)x\(h) at (\(x), \(y)) is outside \(width)x\(height)")
        var out = Image(width: w, height: h, channels: channels)
        for row in 0..<h {
            let src = ((y + row) * width + x) * channels, dst = row * w * channels
            out.pixels.replaceSubrange(dst..<(dst + w * channels), with: pixels[src..<(src + w * channels)])
        }
        return out
    }

    /// The central square-or-rectangle crop of the given size.
    public func centerCropped(width w: Int, height h: Int) -> Image {
        cropped(x: (width - w) / 2, y: (height - h) / 2, width: w, height: h)
    }

    /// Mirrored left-right.
    public func flippedHorizontally() -> Image {
        var out = self
        for y in 0..<height { for x in 0..<width { for c in 0..<channels { out[y, x, c] = self[y, width - 1 - x, c] } } }
        return out
    }

    /// Mirrored top-bottom.
    public func flippedVertically() -> Image {
        var out = self
        for y in 0..<height { for x in 0..<width { for c in 0..<channels { out[y, x, c] = self[height - 1 - y, x, c] } } }
        return out
    }

    /// Framed by constant borders.
    public func padded(top: Int, bottom: Int, left: Int, right: Int, value: Float = 0) -> Image {
        require(top >= 0 && bottom >= 0 && left >= 0 && right >= 0, "padded: negative padding")
        var out = Image(width: width + left + right, height: height + top + bottom, channels: channels, value: value)
        for y in 0..<height { for x in 0..<width { for c in 0..<channels { out[y + top, x + left, c] = self[y, x, c] } } }
        return out
    }

    /// Whether every pixel has equal channels (a gray picture, perhaps stored as RGB).
    public var isGray: Bool {
        if channels == 1 { return true }
        var i = 0
        while i + channels <= pixels.count {
            for c in 1..<channels where pixels[i + c] != pixels[i] { return false }
            i += channels
        }
        return true
    }

    /// One channel, ITU-R BT.601 luma (0.299 R + 0.587 G + 0.114 B).
    public func grayscale() -> Image {
        if channels == 1 { return self }
        var out = Image(width: width, height: height, channels: 1)
        for i in 0..<(width * height) {
            out.pixels[i] = 0.299 * pixels[3 * i] + 0.587 * pixels[3 * i + 1] + 0.114 * pixels[3 * i + 2]
        }
        return out
    }

    /// Three channels (gray repeated).
    public func rgb() -> Image {
        if channels == 3 { return self }
        var out = Image(width: width, height: height, channels: 3)
        for i in 0..<(width * height) { for c in 0..<3 { out.pixels[3 * i + c] = pixels[i] } }
        return out
    }
}

extension Image {
    /// Pictures side by side, top-aligned, `gap` white pixels between them; channels of the first
    /// (gray ones are widened to colour when the first has 3).
    public static func strip(_ images: [Image], gap: Int = 2) -> Image { tiled(images, gap: gap, across: true) }

    /// Pictures one above the other, left-aligned, `gap` white pixels between them.
    public static func stack(_ images: [Image], gap: Int = 2) -> Image { tiled(images, gap: gap, across: false) }

    static func tiled(_ images: [Image], gap: Int, across: Bool) -> Image {
        guard let first = images.first else { return Image(width: 1, height: 1, channels: 1, value: 1) }
        let c = first.channels, along = images.map { across ? $0.width : $0.height }.reduce(0, +) + gap * (images.count - 1)
        let side = images.map { across ? $0.height : $0.width }.max()!
        var out = Image(width: across ? along : side, height: across ? side : along, channels: c, value: 1)
        var offset = 0
        for img in images {
            let (dy, dx) = across ? (0, offset) : (offset, 0)
            for y in 0..<img.height { for x in 0..<img.width { for k in 0..<c { out[dy + y, dx + x, k] = img[y, x, Swift.min(k, img.channels - 1)] } } }
            offset += (across ? img.width : img.height) + gap
        }
        return out
    }
}

extension Image {
    /// Each pixel repeated k x k times (a small picture made visible without blurring it).
    public func upscaled(_ k: Int) -> Image {
        require(k >= 1, "upscaled: factor \(k) must be at least 1")
        var out = Image(width: width * k, height: height * k, channels: channels)
        for y in 0..<(height * k) { for x in 0..<(width * k) { for c in 0..<channels { out[y, x, c] = self[y / k, x / k, c] } } }
        return out
    }
}
