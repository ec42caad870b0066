import XCTest
import NeuralCore
@testable import Datasets

final class AugmentationTests: XCTestCase {
    func testShiftMovesContentAndKeepsMass() {
        var x = Tensor.zeros([1, 1, 9, 9])
        x[[0, 0, 4, 4]] = 1
        var rng = RandomGenerator(seed: 3)
        var moved = x
        Augmentation(maxShift: 2).apply(&moved, using: &rng)
        let p = moved.scalars
        XCTAssertEqual(p.reduce(0, +), 1, accuracy: 1e-6, "a pure shift moves the dot whole")
        let at = p.firstIndex(of: 1)!
        XCTAssertLessThanOrEqual(abs(at / 9 - 4), 2); XCTAssertLessThanOrEqual(abs(at % 9 - 4), 2)
    }

    func testRotationTurnsABarAndNoAugmentationIsIdentity() {
        // A horizontal bar through the centre, rotated by up to 90 degrees, is no longer the same.
        var x = Tensor.zeros([2, 1, 11, 11])
        for i in 0..<11 { x[[0, 0, 5, i]] = 1; x[[1, 0, 5, i]] = 1 }
        var rng = RandomGenerator(seed: 4)
        var same = x
        Augmentation(maxShift: 0).apply(&same, using: &rng)
        XCTAssertEqual(same.scalars, x.scalars)
        var turned = x
        Augmentation(maxShift: 0, maxRotation: 90).apply(&turned, using: &rng)
        XCTAssertNotEqual(turned.scalars, x.scalars)
        XCTAssertEqual(turned[[0, 0, 5, 5]], 1, accuracy: 1e-5, "the centre stays on the bar")
    }
}
