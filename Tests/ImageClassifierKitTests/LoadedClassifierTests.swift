import XCTest
import Foundation
import NeuralCore
import MediaIO
import RunKit
import Datasets
@testable import ImageClassifierKit

/// The classifier's verbs in-process, on the bundled MNIST model and digits drawn here.
final class LoadedClassifierTests: XCTestCase {
    /// Eight 28x28 strokes in [0, 1] (N, 1, 28, 28), different enough to get different answers.
    func strokes() -> Tensor {
        var px = [Float](repeating: 0, count: 8 * 784)
        for n in 0..<8 {
            for t in 0..<20 {
                let y = 4 + t, x = 6 + (n * 3 + t * (n % 3)) % 16
                for d in 0..<3 { px[n * 784 + y * 28 + min(27, x + d)] = 1 }
            }
        }
        return Tensor(shape: [8, 1, 28, 28], scalars: px)
    }

    func one(_ x: Tensor, _ i: Int) -> Tensor { x.slice(axis: 0, i..<(i + 1)) }

    func testPredictionsAreDistributions() throws {
        let c = try LoadedClassifier.load()
        XCTAssertEqual(c.classNames.count, 10)
        let p = c.probabilities(strokes())
        XCTAssertEqual(p.shape, [8, 10])
        for r in 0..<8 { XCTAssertEqual(p.scalars[(r * 10)..<(r * 10 + 10)].reduce(0, +), 1, accuracy: 1e-4) }
        let top = c.predict(one(strokes(), 0), top: 3)
        XCTAssertEqual(top.top.count, 3)
        XCTAssertGreaterThanOrEqual(top.top[0].probability, top.top[1].probability)
    }

    /// Predict (no graph) and explain/attack (gradients with respect to the input) at the same
    /// time on one loaded model give what they give one after the other, and leave the model's
    /// parameters without gradients.
    func testConcurrentPredictAndExplainMatchSerial() async throws {
        let c = try LoadedClassifier.load()
        let x = strokes()
        let serialP = (0..<8).map { c.predict(one(x, $0), top: 10).top }
        let serialS = (0..<8).map { c.saliency(one(x, $0)).map }
        let serialA = c.fgsm(x, classes: Array(repeating: 3, count: 8), epsilon: 0.1).scalars
        try await withThrowingTaskGroup(of: (Int, [ClassScore]?, [Float]?).self) { group in
            for round in 0..<6 {
                for i in 0..<8 {
                    group.addTask { (i, c.predict(self.one(x, i), top: 10).top, nil) }
                    group.addTask { (i, nil, c.saliency(self.one(x, i)).map) }
                }
                if round % 2 == 0 {
                    group.addTask { (-1, nil, c.fgsm(x, classes: Array(repeating: 3, count: 8), epsilon: 0.1).scalars) }
                }
            }
            var checked = 0
            for try await (i, p, s) in group {
                if let p { XCTAssertEqual(p, serialP[i]) }
                if let s, i >= 0 { XCTAssertEqual(s, serialS[i]) }
                if let s, i < 0 { XCTAssertEqual(s, serialA) }
                checked += 1
            }
            XCTAssertEqual(checked, 6 * 16 + 3)
        }
        for p in c.model.trainableParameters { XCTAssertNil(p.grad, "explain must not touch the shared model's gradients") }
    }

    /// inference {} runs a model that is in training mode as in eval mode, without changing it.
    func testInferenceForcesEvalWithoutFlippingTheModel() {
        var rng = RandomGenerator(seed: 3)
        let net = Sequential([Linear(4, 8, rng: &rng), Dropout(0.5, rng: &rng), Linear(8, 2, rng: &rng)])
        let x = Tensor.uniform([5, 4], low: -1, high: 1, using: &rng)
        net.eval()
        let evalOut = withoutGrad { net(x) }.scalars
        net.train()
        XCTAssertEqual(inference { net(x) }.scalars, evalOut)
        XCTAssertNotEqual(withoutGrad { net(x) }.scalars, evalOut, "the module itself stays in training mode")
    }

    func testEvaluateAndAttackCurveOnOwnPredictions() throws {
        let c = try LoadedClassifier.load()
        let x = strokes()
        let labels = c.probabilities(x).argmax(axis: -1)
        let d = ImageClassificationData(data: LabeledImages(images: x, labels: labels), classNames: c.classNames)
        let (report, cm) = try c.evaluate(d, source: "strokes")
        XCTAssertEqual(report.accuracy, 1)
        XCTAssertEqual(report.count, 8)
        XCTAssertEqual(cm.total, 8)
        let curve = try c.attackCurve(d, source: "strokes", epsilons: [0, 0.3], limit: 8)
        XCTAssertEqual(curve.accuracies[0], 1)
        XCTAssertLessThan(curve.accuracies[1], 1, "a 0.3 perturbation must fool it on some of these")
        let json = try JSONValue(encoding: report)
        guard case let .object(o) = json else { return XCTFail() }
        XCTAssertNotNil(o["per_class"])
    }

    /// Data classes are matched to the model's by name; a class it does not know is refused by
    /// name before anything runs (a 2-class model on 10-class data crashed the old attack).
    func testClassesAreMatchedByName() throws {
        let c = try LoadedClassifier.load()
        let x = strokes()
        let labels = c.probabilities(x).argmax(axis: -1)
        // The same images under a data set that lists only the classes present, in reverse order.
        let present = Array(Set(labels)).sorted(by: >)
        let d = ImageClassificationData(data: LabeledImages(images: x, labels: labels.map { present.firstIndex(of: $0)! }),
                                        classNames: present.map { c.classNames[$0] })
        XCTAssertEqual(try c.evaluate(d, source: "s").0.accuracy, 1)
        let foreign = ImageClassificationData(data: LabeledImages(images: x, labels: Array(repeating: 0, count: 8)), classNames: ["set12"])
        for run in [{ _ = try c.evaluate(foreign, source: "photos") }, { _ = try c.attackCurve(foreign, source: "photos", epsilons: [0.1], limit: 8) }] {
            XCTAssertThrowsError(try run()) { e in
                XCTAssertEqual("\(e)", "photos: has classes the model does not know: set12 (it knows 0, 1, 2, 3, 4, 5, 6, 7, 8, 9)")
            }
        }
    }

    /// Class names with commas survive the checkpoint (a JSON array); old comma lists still load.
    func testClassNamesWithCommasRoundTrip() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("names-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let names = ["cat, black", "dog"]
        let model = Architecture.lenet.make(classes: 2, dropout: 0, seed: 1)
        let norm = Normalization(mean: 0.1, std: 0.3)
        try model.save(to: dir + "/m.safetensors", metadata: LoadedClassifier.metadata(arch: .lenet, classNames: names, normalization: norm))
        let back = try LoadedClassifier.load(dir + "/m.safetensors")
        XCTAssertEqual(back.classNames, names)
        XCTAssertEqual(back.normalization, norm)
        try model.save(to: dir + "/old.safetensors", metadata: ["arch": "lenet", "classes": "a,b"])
        XCTAssertEqual(try LoadedClassifier.load(dir + "/old.safetensors").classNames, ["a", "b"])
    }

    /// The other program's model is named as such, not "pass --arch".
    func testACharRNNModelIsNamed() throws {
        let shakespeare = try BundledAssets.model("shakespeare-lstm.safetensors")
        XCTAssertThrowsError(try LoadedClassifier.load(shakespeare)) { e in
            XCTAssertEqual("\(e)", "\(shakespeare): a char-rnn model, not an image classifier")
        }
    }
}
