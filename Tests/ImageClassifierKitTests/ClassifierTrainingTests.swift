import XCTest
import Foundation
import NeuralCore
import MediaIO
import RunKit
import TestSupport
@testable import ImageClassifierKit

/// ClassifierTraining in-process on bars drawn here: a run folder from settings, a cancelled run
/// that keeps its last finished epoch, and a resume that ends where an uninterrupted run ends.
final class ClassifierTrainingTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("ick-\(UUID().uuidString)")
        try BarsDataset.write(to: dir.appendingPathComponent("bars"), perClass: 10, shifts: 5)
    }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    func settings(epochs: Int) -> ClassifierSettings {
        var s = ClassifierSettings()
        s.data = dir.appendingPathComponent("bars").path
        s.epochs = epochs; s.batchSize = 4; s.lr = 0.003; s.valFraction = 0.25; s.seed = 7
        return s
    }

    /// Cancels once `steps` optimizer steps were taken (the loop asks after every step).
    final class AfterSteps: Cancellation, TrainingEvents {
        let steps: Int
        var seen = 0
        init(_ steps: Int) { self.steps = steps }
        var isCancelled: Bool { seen >= steps }
        func progress(_ p: TrainingProgress) { seen += 1 }
        func log(_ line: String) {}
    }

    func testCancelKeepsTheLastEpochAndResumeMatchesAStraightRun() throws {
        let straight = dir.appendingPathComponent("straight").path
        let r = try ClassifierTraining.run(settings(epochs: 3), out: straight)
        XCTAssertEqual(r.outcome, "finished")
        XCTAssertEqual(r.epochs, 3)
        XCTAssertGreaterThanOrEqual(r.validationAccuracy, 0.8)
        XCTAssertTrue(FileManager.default.fileExists(atPath: straight + "/confusion.png"))

        let cut = dir.appendingPathComponent("cut").path
        let stop = AfterSteps(5)      // 15 training images / batch 4 = 3 steps an epoch: stops in epoch 2
        let c = try ClassifierTraining.run(settings(epochs: 3), out: cut, events: stop, cancellation: stop)
        XCTAssertEqual(c.outcome, "cancelled")
        XCTAssertEqual(try SafetensorsFile.read(path: cut + "/checkpoint.safetensors").metadata["epoch"], "1")
        XCTAssertEqual(try ClassifierTraining.resume(cut).outcome, "finished")
        let a = try SafetensorsFile.read(path: straight + "/checkpoint.safetensors").tensors
        let b = try SafetensorsFile.read(path: cut + "/checkpoint.safetensors").tensors
        XCTAssertEqual(a.keys.sorted(), b.keys.sorted())
        for (k, t) in a { XCTAssertEqual(t.scalars, b[k]!.scalars, k) }
    }

    /// One class would train to 100 % and mean nothing: refused, and the run folder made for it removed.
    func testOneClassIsRefused() throws {
        try FileManager.default.removeItem(at: dir.appendingPathComponent("bars/vertical"))
        let out = dir.appendingPathComponent("one").path
        XCTAssertThrowsError(try ClassifierTraining.run(settings(epochs: 1), out: out)) { e in
            XCTAssertTrue("\(e)".contains("one class only (horizontal)"), "\(e)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }
}
