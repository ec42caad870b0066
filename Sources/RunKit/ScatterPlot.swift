import Foundation
import MediaIO

/// Points on a plane coloured by class (a latent space): a PNG of the points alone, and an SVG
/// with axes, the class colours named, and the same points.
public struct ScatterPlot {
    public struct Point: Sendable { public var x: Double, y: Double, label: Int
        public init(x: Double, y: Double, label: Int) { self.x = x; self.y = y; self.label = label } }
    public var points: [Point]
    public var classNames: [String]
    public var xLabel = "z1", yLabel = "z2"

    public init(_ points: [Point], classNames: [String]) { self.points = points; self.classNames = classNames }

    /// matplotlib's tab10, then grey.
    static let palette: [(Float, Float, Float)] = [(0.12, 0.47, 0.71), (1.0, 0.5, 0.05), (0.17, 0.63, 0.17), (0.84, 0.15, 0.16),
                                                   (0.58, 0.4, 0.74), (0.55, 0.34, 0.29), (0.89, 0.47, 0.76), (0.5, 0.5, 0.5),
                                                   (0.74, 0.74, 0.13), (0.09, 0.75, 0.81)]
    static func color(_ label: Int) -> (Float, Float, Float) { label >= 0 && label < palette.count ? palette[label] : (0.3, 0.3, 0.3) }
    static func hex(_ label: Int) -> String {
        let (r, g, b) = color(label)
        return String(format: "#%02x%02x%02x", Int(r * 255), Int(g * 255), Int(b * 255))
    }

    /// The bounds with 5 % margin (finite points only).
    var bounds: (x0: Double, x1: Double, y0: Double, y1: Double) {
        let f = points.filter { $0.x.isFinite && $0.y.isFinite }
        guard let x0 = f.map(\.x).min(), let x1 = f.map(\.x).max(), let y0 = f.map(\.y).min(), let y1 = f.map(\.y).max() else { return (0, 1, 0, 1) }
        let mx = Swift.max(x1 - x0, 1e-9) * 0.05, my = Swift.max(y1 - y0, 1e-9) * 0.05
        return (x0 - mx, x1 + mx, y0 - my, y1 + my)
    }

    /// size x size pixels, each point a 3x3 square of its class colour.
    public func png(size: Int = 512) -> Image {
        var img = Image(width: size, height: size, channels: 3, value: 1)
        let b = bounds
        for p in points where p.x.isFinite && p.y.isFinite {
            let px = Int((p.x - b.x0) / (b.x1 - b.x0) * Double(size - 1)), py = Int((b.y1 - p.y) / (b.y1 - b.y0) * Double(size - 1))
            let (r, g, bl) = Self.color(p.label)
            for y in Swift.max(0, py - 1)...Swift.min(size - 1, py + 1) {
                for x in Swift.max(0, px - 1)...Swift.min(size - 1, px + 1) { img[y, x, 0] = r; img[y, x, 1] = g; img[y, x, 2] = bl }
            }
        }
        return img
    }

    public func svg(size: Int = 480) -> String {
        let left = 50, top = 20, legend = 110, b = bounds
        func sx(_ x: Double) -> Double { Double(left) + (x - b.x0) / (b.x1 - b.x0) * Double(size) }
        func sy(_ y: Double) -> Double { Double(top) + (b.y1 - y) / (b.y1 - b.y0) * Double(size) }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(left + size + legend)\" height=\"\(top + size + 45)\" font-family=\"sans-serif\" font-size=\"12\">\n"
        s += "<rect x=\"\(left)\" y=\"\(top)\" width=\"\(size)\" height=\"\(size)\" fill=\"none\" stroke=\"#888\"/>\n"
        for k in 0...4 {
            let fx = b.x0 + (b.x1 - b.x0) * Double(k) / 4, fy = b.y0 + (b.y1 - b.y0) * Double(k) / 4
            s += String(format: "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.2g</text>\n", sx(fx), top + size + 16, fx)
            s += String(format: "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.2g</text>\n", left - 4, sy(fy) + 4, fy)
        }
        s += "<text x=\"\(left + size / 2)\" y=\"\(top + size + 36)\" text-anchor=\"middle\">\(LinePlot.escaped(xLabel))</text>\n"
        s += "<text x=\"14\" y=\"\(top + size / 2)\" transform=\"rotate(-90 14 \(top + size / 2))\" text-anchor=\"middle\">\(LinePlot.escaped(yLabel))</text>\n"
        for p in points where p.x.isFinite && p.y.isFinite {
            s += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"1.6\" fill=\"%@\"/>\n", sx(p.x), sy(p.y), Self.hex(p.label))
        }
        for (i, name) in classNames.enumerated() {
            let y = top + 14 + 18 * i
            s += "<rect x=\"\(left + size + 16)\" y=\"\(y - 9)\" width=\"10\" height=\"10\" fill=\"\(Self.hex(i))\"/>"
            s += "<text x=\"\(left + size + 32)\" y=\"\(y)\">\(LinePlot.escaped(name))</text>\n"
        }
        return s + "</svg>\n"
    }
}
