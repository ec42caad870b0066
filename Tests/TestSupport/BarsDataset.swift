import Foundation
import MediaIO

/// A two-class image set drawn here: vertical and horizontal bars on 28x28 gray, `perClass`
/// images each, moved a little from one to the next; DIR/horizontal/*.png, DIR/vertical/*.png.
public enum BarsDataset {
    public static func write(to dir: URL, perClass: Int, shifts: Int) throws {
        for (label, vertical) in [("horizontal", false), ("vertical", true)] {
            let folder = dir.appendingPathComponent(label)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for i in 0..<perClass {
                var img = Image(width: 28, height: 28, channels: 1)
                let o = 8 + i % shifts * 2
                for a in 4..<24 { for b in o..<(o + 4) { if vertical { img[a, b, 0] = 1 } else { img[b, a, 0] = 1 } } }
                try img.writePNG(folder.appendingPathComponent("\(i).png").path)
            }
        }
    }
}
