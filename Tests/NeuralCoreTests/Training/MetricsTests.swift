import XCTest
import NeuralCore
import TestSupport

final class MetricsTests: XCTestCase {
    func testAccuracyAndConfusionMatrix() {
        let logits = Tensor(shape: [4, 3], scalars: [5, 1, 0, 0, 2, 1, 0, 3, 9, 1, 0, 0])
        let targets = [0, 1, 1, 2]   // predictions 0, 1, 2, 0
        XCTAssertEqual(accuracy(logits, targets: targets), 0.5)
        var cm = ConfusionMatrix(classes: 3)
        cm.add(logits: logits, targets: targets)
        XCTAssertEqual(cm.counts, [[1, 0, 0], [0, 1, 1], [1, 0, 0]])
        XCTAssertEqual(cm.total, 4)
        XCTAssertEqual(cm.accuracy, 0.5)
        XCTAssertEqual(cm.precision(0), 0.5)
        XCTAssertEqual(cm.recall(1), 0.5)
        XCTAssertEqual(cm.precision(2), 0)
        XCTAssertEqual(cm.recall(2), 0)
    }
}
