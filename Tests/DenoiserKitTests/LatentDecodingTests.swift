import XCTest
import NeuralCore
import MediaIO
import RunKit
import DenoiserKit

/// One code of the bundled 2-D autoencoder decoded: the picture a walk decodes at its end (up to
/// rounding), and a clear error for a code of the wrong size.
final class LatentDecodingTests: XCTestCase {
    func testDecodingACodeIsTheWalksEnd() throws {
        let ae = try LoadedAutoencoder.load(try BundledAssets.model("mnist-conv-ae.safetensors"))
        let digit = try Image.read(BundledAssets.folder + "/samples/digits/3.png", mode: .gray)
        let code = inference { ae.model.encode(ae.input(digit)) }.scalars
        let decoded = try ae.decode(code: code)
        XCTAssertEqual(decoded.width, ae.model.size); XCTAssertEqual(decoded.channels, 1)
        // The same code, decoded in a batch of 2: equal up to rounding (a batch of one takes a
        // matrix-vector product, a batch of two a matrix product, which sum in another order on
        // some CPUs: the avx2 set with OpenBLAS's Zen core differed in the 7th digit).
        let end = ae.walk(digit, digit, steps: 2)[1]
        XCTAssertEqual(decoded.pixels.count, end.pixels.count)
        let worst = zip(decoded.pixels, end.pixels).map { Swift.abs($0 - $1) }.max() ?? .infinity
        XCTAssertLessThan(worst, 1e-5)
        XCTAssertThrowsError(try ae.decode(code: [1, 2, 3]))
        XCTAssertThrowsError(try ae.decode(code: [.infinity, 0]))
    }
}
