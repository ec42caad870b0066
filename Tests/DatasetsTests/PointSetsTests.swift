import XCTest
import Datasets

/// The lab's point sets: sizes, balanced classes, and the rule that makes each class.
final class PointSetsTests: XCTestCase {
    func testShapesBalanceAndDeterminism() {
        for set in PointSet.allCases {
            let (x, y) = set.make(count: 101, noise: 0.05, seed: 4)
            XCTAssertEqual(x.shape, [101, 2])
            XCTAssertEqual(y.filter { $0 == 1 }.count, 50)
            XCTAssertEqual(set.make(count: 101, noise: 0.05, seed: 4).points.scalars, x.scalars)
            XCTAssertNotEqual(set.make(count: 101, noise: 0.05, seed: 5).points.scalars, x.scalars)
        }
    }

    func testEachClassFollowsItsRuleWithoutNoise() {
        let (xor, xl) = PointSet.xor.make(count: 200, noise: 0, seed: 1)
        for i in 0..<200 { XCTAssertEqual((xor.scalars[2 * i] * xor.scalars[2 * i + 1] < 0) ? 1 : 0, xl[i]) }
        let (circles, cl) = PointSet.circles.make(count: 200, noise: 0, seed: 1)
        for i in 0..<200 {
            let r = (circles.scalars[2 * i] * circles.scalars[2 * i] + circles.scalars[2 * i + 1] * circles.scalars[2 * i + 1]).squareRoot()
            XCTAssertTrue(cl[i] == 0 ? r <= 0.5 : (r >= 0.7 && r <= 1.0), "point \(i): r \(r), class \(cl[i])")
        }
        // Spirals: the two arms are the same curve turned by half a turn.
        let (sp, _) = PointSet.spirals.make(count: 200, noise: 0, seed: 1)
        for k in 0..<100 {
            XCTAssertEqual(sp.scalars[4 * k], -sp.scalars[4 * k + 2], accuracy: 1e-5)
            XCTAssertEqual(sp.scalars[4 * k + 1], -sp.scalars[4 * k + 3], accuracy: 1e-5)
        }
    }
}
