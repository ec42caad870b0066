import Foundation
import NeuralCore
import MediaIO
import Datasets
import RunKit

/// validation.png: the log-mel spectrograms of a few validation clips side by side, each over a
/// bar (green: predicted right, red: wrong); validation.svg names truth and prediction.
enum ValidationPicture {
    static func write(in run: RunFolder, clips: [AudioClip], model: any Layer, features: ClipFeatures, classes: [String]) throws {
        guard !clips.isEmpty else { return }
        let extractor = try ClipFeatureExtractor(features)
        let windows = clips.map { features.fit($0.samples) }
        let logits = inference { model(extractor.batch(windows: windows)) }
        let predicted = logits.argmax(axis: -1)
        let scale = 2, gap = 6, bar = 10
        let w = features.frames * scale, h = features.mels * scale
        var img = Image(width: clips.count * (w + gap) - gap, height: h + bar + 2, channels: 3, value: 1)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(img.width)\" height=\"\(img.height + 34)\" font-family=\"sans-serif\" font-size=\"11\">\n"
        svg += "<image href=\"validation.png\" width=\"\(img.width)\" height=\"\(img.height)\"/>\n"
        for (k, clip) in clips.enumerated() {
            let pic = extractor.logMelDB(windows[k]).picture(scale: scale)
            let x0 = k * (w + gap)
            for y in 0..<min(h, pic.height) { for x in 0..<min(w, pic.width) { for c in 0..<3 { img[y, x0 + x, c] = pic[y, x, c] } } }
            let right = predicted[k] == clip.label
            let color: (Float, Float, Float) = right ? (0.17, 0.63, 0.17) : (0.84, 0.15, 0.16)
            for y in (h + 2)..<(h + 2 + bar) { for x in 0..<w { img[y, x0 + x, 0] = color.0; img[y, x0 + x, 1] = color.1; img[y, x0 + x, 2] = color.2 } }
            svg += "<text x=\"\(x0 + w / 2)\" y=\"\(img.height + 14)\" text-anchor=\"middle\">\(TimelinePicture.escaped(classes[clip.label]))</text>\n"
            svg += "<text x=\"\(x0 + w / 2)\" y=\"\(img.height + 28)\" text-anchor=\"middle\" fill=\"\(right ? "#2ca02c" : "#d62728")\">→ \(TimelinePicture.escaped(classes[predicted[k]]))</text>\n"
        }
        svg += "</svg>\n"
        try img.writePNG(run.file("validation.png"))
        try run.write("validation.svg", svg)
    }
}
