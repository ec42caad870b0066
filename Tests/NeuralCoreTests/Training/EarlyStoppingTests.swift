import XCTest
import NeuralCore
import TestSupport

final class EarlyStoppingTests: XCTestCase {
    func testStopsAfterPatienceAndRestoresBest() {
        var rng = RandomGenerator(seed: 5)
        let model = Sequential([Linear(2, 1, rng: &rng)])
        let w = model.namedParameters()[0].1
        let stopper = EarlyStopping(patience: 2)
        w.assign(.full([1, 2], 1)); XCTAssertFalse(stopper.update(0.9, epoch: 0, model: model))
        w.assign(.full([1, 2], 2)); XCTAssertFalse(stopper.update(0.5, epoch: 1, model: model))
        w.assign(.full([1, 2], 3)); XCTAssertFalse(stopper.update(0.6, epoch: 2, model: model))
        w.assign(.full([1, 2], 4)); XCTAssertTrue(stopper.update(0.7, epoch: 3, model: model))
        XCTAssertEqual(stopper.bestEpoch, 1)
        XCTAssertEqual(stopper.best, 0.5)
        stopper.restoreBest(into: model)
        XCTAssertEqual(w.value.scalars, [2, 2])
    }

    func testMaximizeMode() {
        var rng = RandomGenerator(seed: 6)
        let model = Sequential([Linear(1, 1, rng: &rng)])
        let s = EarlyStopping(patience: 1, mode: .maximize)
        XCTAssertFalse(s.update(0.5, epoch: 0, model: model))
        XCTAssertFalse(s.update(0.8, epoch: 1, model: model))
        XCTAssertTrue(s.update(0.7, epoch: 2, model: model))
        XCTAssertEqual(s.bestEpoch, 1)
    }
}
