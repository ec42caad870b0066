import Foundation
import MediaIO
import RunKit

/// A spectrogram of any length drawn as a picture of bounded width: columns are averaged in
/// pairs whenever they pass twice `maxColumns`, so an hour of audio takes as much memory as a
/// minute. Segments are drawn as a band of class colours under it; an SVG beside the PNG names them.
struct TimelinePicture {
    let rows: Int
    let framesPerSecond: Double
    var maxColumns = 2400
    private(set) var columns: [[Float]] = []
    private(set) var framesPerColumn = 1
    private var partial: [Float] = [], partialCount = 0

    init(rows: Int, framesPerSecond: Double) { self.rows = rows; self.framesPerSecond = framesPerSecond }

    /// Appends frames of a (rows x frames) dB spectrogram.
    mutating func add(_ s: Spectrogram, frames: Range<Int>) {
        for f in frames {
            if partial.isEmpty { partial = [Float](repeating: 0, count: rows) }
            for r in 0..<rows { partial[r] += s[r, f] }
            partialCount += 1
            if partialCount == framesPerColumn { columns.append(partial.map { $0 / Float(partialCount) }); partial = []; partialCount = 0 }
            if columns.count >= 2 * maxColumns {
                columns = stride(from: 0, to: columns.count - 1, by: 2).map { k in zip(columns[k], columns[k + 1]).map { ($0 + $1) / 2 } }
                framesPerColumn *= 2
            }
        }
    }

    mutating func add(_ s: Spectrogram, seconds: Double) { add(s, frames: 0..<min(s.frames, Int(seconds * framesPerSecond))) }

    static let palette: [(Float, Float, Float)] = [
        (0.12, 0.47, 0.71), (1.0, 0.50, 0.05), (0.17, 0.63, 0.17), (0.84, 0.15, 0.16), (0.58, 0.40, 0.74),
        (0.55, 0.34, 0.29), (0.89, 0.47, 0.76), (0.50, 0.50, 0.50), (0.74, 0.74, 0.13), (0.09, 0.75, 0.81),
    ]

    func write(_ path: String, segments: [TagSegment], duration: Double, classes: [String]) throws {
        let cols = max(1, columns.count)
        let spectrogram = Spectrogram(rows: rows, frames: cols, values: (0..<(rows * cols)).map { i in
            columns.isEmpty ? 0 : columns[i % cols][i / cols]
        })
        let scale = 2, band = 24
        let top = spectrogram.picture(scale: scale)
        var img = Image(width: top.width, height: top.height + band, channels: 3, value: 1)
        img.pixels.replaceSubrange(0..<top.pixels.count, with: top.pixels)
        let pxPerSecond = Double(top.width) / max(duration, 1e-9)
        for s in segments {
            let c = Self.palette[(classes.firstIndex(of: s.tag) ?? 0) % Self.palette.count]
            let x0 = max(0, Int(s.start * pxPerSecond)), x1 = min(top.width, max(x0 + 1, Int(s.end * pxPerSecond)))
            for y in (top.height + 2)..<(top.height + band - 2) { for x in x0..<x1 { img[y, x, 0] = c.0; img[y, x, 1] = c.1; img[y, x, 2] = c.2 } }
        }
        try img.writePNG(path)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(img.width)\" height=\"\(img.height + 20)\" font-family=\"sans-serif\" font-size=\"12\">\n"
        svg += "<image href=\"\((path as NSString).lastPathComponent)\" width=\"\(img.width)\" height=\"\(img.height)\"/>\n"
        for s in segments {
            let x = (s.start + s.end) / 2 * pxPerSecond
            svg += String(format: "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%@</text>\n", x, img.height + 15, Self.escaped(s.tag))
        }
        svg += "</svg>\n"
        try RunFolder.atomicWrite(((path as NSString).deletingPathExtension) + ".svg", Data(svg.utf8))
    }

    static func escaped(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
