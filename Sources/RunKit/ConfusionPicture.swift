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
