import MediaIO
import NeuralCore

extension ConfusionMatrix {
    /// A picture of the matrix: rows are the true class, columns the predicted one, each cell
    /// `cell` pixels, shaded by the fraction of its row (viridis), with a 2-pixel grid.
    public func picture(cell: Int = 24) -> Image {
        let n = classes, size = n * cell + 1
        var img = Image(width: size, height: size, channels: 3, value: 1)
        for t in 0..<n {
            let rowTotal = Swift.max(1, counts[t].reduce(0, +))
            for p in 0..<n {
                let frac = Float(counts[t][p]) / Float(rowTotal)
                let (r, g, b) = ColorMap.viridis.color(frac)
                for y in (t * cell + 1)..<((t + 1) * cell) {
                    for x in (p * cell + 1)..<((p + 1) * cell) { img[y, x, 0] = r; img[y, x, 1] = g; img[y, x, 2] = b }
                }
            }
        }
        return img
    }
}

extension ConfusionMatrix {
    /// The matrix as SVG with what the PNG cannot say: class names on both axes and the count in
    /// every cell, shaded by the fraction of its row (viridis). Rows: true class; columns: predicted.
    public func svg(classNames: [String], cell: Int = 40) -> String {
        let n = classes, names = (0..<n).map { $0 < classNames.count ? LinePlot.escaped(classNames[$0]) : "\($0)" }
        let label = min(160, 16 + 7 * (names.map(\.count).max() ?? 1))
        let left = label + 24, top = label + 40, size = n * cell
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(left + size + 16)\" height=\"\(top + size + 16)\" font-family=\"sans-serif\" font-size=\"12\">\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        s += "<text x=\"\(left + size / 2)\" y=\"16\" text-anchor=\"middle\" font-weight=\"bold\">predicted class</text>\n"
        s += "<text transform=\"translate(14,\(top + size / 2)) rotate(-90)\" text-anchor=\"middle\" font-weight=\"bold\">true class</text>\n"
        for k in 0..<n {
            let c = left + k * cell + cell / 2, r = top + k * cell + cell / 2
            s += "<text transform=\"translate(\(c),\(top - 6)) rotate(-60)\">\(names[k])</text>\n"
            s += "<text x=\"\(left - 6)\" y=\"\(r + 4)\" text-anchor=\"end\">\(names[k])</text>\n"
        }
        for t in 0..<n {
            let rowTotal = Swift.max(1, counts[t].reduce(0, +))
            for p in 0..<n {
                let frac = Float(counts[t][p]) / Float(rowTotal)
                let (r, g, b) = ColorMap.viridis.color(frac)
                let hex = String(format: "#%02x%02x%02x", Int(r * 255), Int(g * 255), Int(b * 255))
                let x = left + p * cell, y = top + t * cell
                s += "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(cell)\" height=\"\(cell)\" fill=\"\(hex)\" stroke=\"white\"/>"
                s += "<text x=\"\(x + cell / 2)\" y=\"\(y + cell / 2 + 4)\" text-anchor=\"middle\" fill=\"\(frac > 0.5 ? "black" : "white")\">\(counts[t][p])</text>\n"
            }
        }
        return s + "</svg>\n"
    }
}

extension ConfusionMatrix {
    /// confusion.png and confusion.svg (names and counts) into a folder.
    public func writePictures(in folder: RunFolder, classNames: [String]) throws {
        try picture().writePNG(folder.file("confusion.png"))
        try folder.write("confusion.svg", svg(classNames: classNames))
    }
}
