import NeuralCore
import MediaIO

/// Pictures of generated images: tensors in [-1, 1] to Images in [0, 1], and a grid.
public enum SampleGrid {
    /// (N, C, H, W) in [-1, 1] -> N pictures.
    public static func images(_ x: Tensor) -> [Image] {
        let c = x.shape[1], h = x.shape[2], w = x.shape[3], per = c * h * w
        let s = x.scalars
        return (0..<x.shape[0]).map { i in
            Image(chw: s[(i * per)..<((i + 1) * per)].map { min(1, max(0, ($0 + 1) / 2)) }, channels: c, height: h, width: w)
        }
    }

    /// Rows of `columns` pictures, each `scale` times larger, 2-pixel white gaps.
    public static func grid(_ pictures: [Image], columns: Int, scale: Int = 2) -> Image {
        let rows = stride(from: 0, to: pictures.count, by: max(1, columns)).map { Array(pictures[$0..<min(pictures.count, $0 + columns)]) }
        return Image.stack(rows.map { Image.strip($0.map { $0.upscaled(scale) }) })
    }
}
