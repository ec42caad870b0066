import Require
/// A time-frequency matrix: `rows` (frequency bins, mel bands or coefficients) x `frames`,
/// row-major Float values, as librosa lays them out.
public struct Spectrogram: Equatable, Sendable {
    public let rows: Int
    public let frames: Int
    public var values: [Float]

    public init(rows: Int, frames: Int, values: [Float]) {
        require(values.count == rows * frames, "Spectrogram: \(rows)x\(frames) needs \(rows * frames) values, got \(values.count)")
        self.rows = rows; self.frames = frames; self.values = values
    }

    public subscript(row: Int, frame: Int) -> Float { values[row * frames + frame] }

    /// Elementwise map.
    public func map(_ f: (Float) -> Float) -> Spectrogram { Spectrogram(rows: rows, frames: frames, values: values.map(f)) }
}
