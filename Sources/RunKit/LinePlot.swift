import Foundation

/// Line charts as SVG: one panel per metric, one line per series (e.g. training vs validation
/// loss per epoch), axes with ticks and a legend. Pictures people can open in any browser.
public struct LinePlot {
    public struct Series {
        public let name: String
        public let values: [Double]
        public let color: String
        public init(_ name: String, _ values: [Double], color: String) { self.name = name; self.values = values; self.color = color }
    }
    public struct Panel {
        public let title: String
        public let series: [Series]
        public init(_ title: String, _ series: [Series]) { self.title = title; self.series = series }
    }

    public var panels: [Panel]
    public var xLabel = "epoch"
    /// x values start at this number (epochs count from 1).
    public var xStart = 1.0
    /// Explicit x value of each point (for tick labels), instead of xStart + index.
    public var xValues: [Double]?

    public init(_ panels: [Panel]) { self.panels = panels }

    public func svg(width: Int = 480, height: Int = 300) -> String {
        let total = width * panels.count
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(total)\" height=\"\(height)\" font-family=\"sans-serif\" font-size=\"12\">\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        for (i, panel) in panels.enumerated() {
            out += panelSVG(panel, x0: Double(i * width), width: Double(width), height: Double(height))
        }
        return out + "</svg>\n"
    }

    private func fmt(_ v: Double) -> String {
        if v == 0 { return "0" }
        let a = Swift.abs(v)
        if a >= 1000 || a < 0.01 { return String(format: "%.2g", v) }
        return String(format: a >= 10 ? "%.0f" : (a >= 1 ? "%.1f" : "%.3f"), v)
    }

    /// The x value of point i: xValues[i], or xStart + i.
    func x(_ i: Int) -> Double { xValues.flatMap { i < $0.count ? $0[i] : nil } ?? xStart + Double(i) }

    /// About `count` round tick values (1, 2 or 5 times a power of ten) covering lo...hi.
    static func ticks(_ lo: Double, _ hi: Double, count: Int = 6) -> [Double] {
        guard hi > lo else { return [lo] }
        let raw = (hi - lo) / Double(count), mag = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * mag }.first { $0 >= raw } ?? 10 * mag
        var out: [Double] = []
        var v = (lo / step).rounded(.up) * step
        while v <= hi + step * 1e-9 { out.append(abs(v) < step * 1e-9 ? 0 : v); v += step }
        return out
    }

    static func escaped(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    private func panelSVG(_ panel: Panel, x0: Double, width: Double, height: Double) -> String {
        // Title, then a legend strip above the plot (never over the curves), then the plot.
        let left = x0 + 56, right = x0 + width - 16, top = 46.0, bottom = height - 40
        let finite = panel.series.flatMap { $0.values.filter(\.isFinite) }
        var lo = finite.min() ?? 0, hi = finite.max() ?? 1
        if hi - lo < 1e-12 { lo -= 0.5; hi += 0.5 }
        let pad = (hi - lo) * 0.05
        lo -= pad; hi += pad
        let n = Swift.max(1, panel.series.map(\.values.count).max() ?? 1)
        let xs = (0..<n).map(x)
        var xlo = xs.min() ?? 0, xhi = xs.max() ?? 1
        if xhi - xlo < 1e-12 { xlo -= 1; xhi += 1 }
        // Points sit at their x values (unevenly spaced epsilons stay uneven).
        func px(_ v: Double) -> Double { left + (right - left) * (v - xlo) / (xhi - xlo) }
        func py(_ v: Double) -> Double { bottom - (bottom - top) * (v - lo) / (hi - lo) }
        var s = "<text x=\"\(x0 + width / 2)\" y=\"18\" text-anchor=\"middle\" font-weight=\"bold\">\(Self.escaped(panel.title))</text>\n"
        s += "<line x1=\"\(left)\" y1=\"\(bottom)\" x2=\"\(right)\" y2=\"\(bottom)\" stroke=\"black\"/>\n"
        s += "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(bottom)\" stroke=\"black\"/>\n"
        for v in Self.ticks(lo, hi, count: 5) {
            let y = py(v)
            s += "<line x1=\"\(left - 4)\" y1=\"\(y)\" x2=\"\(right)\" y2=\"\(y)\" stroke=\"#ddd\"/>"
            s += "<text x=\"\(left - 6)\" y=\"\(y + 4)\" text-anchor=\"end\">\(fmt(v))</text>\n"
        }
        for v in Self.ticks(xlo, xhi) where xValues != nil || v == v.rounded() {
            s += "<line x1=\"\(px(v))\" y1=\"\(bottom)\" x2=\"\(px(v))\" y2=\"\(bottom + 4)\" stroke=\"black\"/>"
            s += "<text x=\"\(px(v))\" y=\"\(bottom + 16)\" text-anchor=\"middle\">\(fmt(v))</text>\n"
        }
        s += "<text x=\"\((left + right) / 2)\" y=\"\(height - 6)\" text-anchor=\"middle\">\(Self.escaped(xLabel))</text>\n"
        var lx = left
        for series in panel.series {
            let pts = series.values.enumerated().filter { $0.element.isFinite }.map { "\(px(x($0.offset))),\(py($0.element))" }
            if pts.count == 1 {
                let p = pts[0].split(separator: ",")
                s += "<circle cx=\"\(p[0])\" cy=\"\(p[1])\" r=\"3\" fill=\"\(series.color)\"/>\n"
            } else if !pts.isEmpty {
                s += "<polyline fill=\"none\" stroke=\"\(series.color)\" stroke-width=\"2\" points=\"\(pts.joined(separator: " "))\"/>\n"
            }
            s += "<line x1=\"\(lx)\" y1=\"32\" x2=\"\(lx + 18)\" y2=\"32\" stroke=\"\(series.color)\" stroke-width=\"2\"/>"
            s += "<text x=\"\(lx + 22)\" y=\"36\">\(Self.escaped(series.name))</text>\n"
            lx += 34 + 7 * Double(series.name.count)
        }
        return s
    }
}
