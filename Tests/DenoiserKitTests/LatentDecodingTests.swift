import XCTest
import NeuralCore
import MediaIO
import RunKit
import DenoiserKit

/// One code of the bundled 2-D autoencoder decoded: the picture a walk decodes at its end, and
/// a clear error for a code of the wrong size.
final class LatentDecodingTests: XCTestCase {
    func testDecodingACodeIsTheWalksEnd() throws {
        let ae = try LoadedAutoencoder.load(try BundledAssets.model("mnist-conv-ae.safetensors"))
        let digit = try Image.read(BundledAssets.folder + "/samples/digits/3.png", mode: .gray)
        let code = inference { ae.model.encode(ae.input(digit)) }.scalars
        let decoded = try ae.decode(code: code)
        XCTAssertEqual(decoded.width, ae.model.size); XCTAssertEqual(decoded.channels, 1)
        let end = ae.walk(digit, digit, steps: 2)[1]
        XCTAssertEqual(decoded.pixels, end.pixels)
        XCTAssertThrowsError(try ae.decode(code: [1, 2, 3]))
        XCTAssertThrowsError(try ae.decode(code: [.infinity, 0]))
    }
}
