import Foundation
import MediaIO

extension Image {
    /// The picture as a PNG data URL ("data:image/png;base64,..."), for an <img> or a JSON field.
    func dataURL(scale: Int = 1) throws -> String {
        let picture = scale > 1 ? upscaled(scale) : self
        return "data:image/png;base64," + Data(try picture.pngData()).base64EncodedString()
    }
}
