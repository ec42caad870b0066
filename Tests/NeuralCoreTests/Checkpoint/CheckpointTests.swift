import XCTest
import Foundation
import NeuralCore
import TestSupport

final class CheckpointTests: XCTestCase {
    private func tempPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID().uuidString)-\(name)").path
    }

    private func net(seed: UInt64) -> Sequential {
        var rng = RandomGenerator(seed: seed)
        return Sequential([Conv2D(1, 2, kernel: 3, rng: &rng), BatchNorm2D(2), ReLU(), Flatten(), Linear(8, 3, rng: &rng)])
    }

    func testSaveLoadRoundTripByPyTorchNames() throws {
        let a = net(seed: 1), b = net(seed: 2)
        XCTAssertEqual(a.namedParameters().map(\.0), ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean",
                                                     "1.running_var", "4.weight", "4.bias"])
        let path = tempPath("net.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try a.save(to: path, metadata: ["arch": "test"])
        let meta = try b.load(from: path)
        XCTAssertEqual(meta["arch"], "test")
        for ((_, pa), (_, pb)) in zip(a.namedParameters(), b.namedParameters()) { XCTAssertEqual(pa.value.scalars, pb.value.scalars) }
    }

    func testShapeMismatchNamesParameterAndBothShapes() throws {
        var rng = RandomGenerator(seed: 3)
        let small = Sequential([Linear(4, 2, rng: &rng)]), big = Sequential([Linear(5, 2, rng: &rng)])
        let path = tempPath("small.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try small.save(to: path)
        let before = big.namedParameters()[0].1.value.scalars
        XCTAssertThrowsError(try big.load(from: path)) { e in
            XCTAssertEqual(e as? SafetensorsError, .shapeMismatch(path: path, name: "0.weight", expected: [2, 5], found: [2, 4]))
            XCTAssertTrue("\(e)".contains("0.weight") && "\(e)".contains("[2, 5]") && "\(e)".contains("[2, 4]"))
        }
        XCTAssertEqual(big.namedParameters()[0].1.value.scalars, before, "a failed load must change nothing")
    }

    func testMissingAndUnexpectedNames() throws {
        var rng = RandomGenerator(seed: 4)
        let one = Sequential([Linear(2, 2, rng: &rng)])
        let two = Sequential([Linear(2, 2, rng: &rng), Linear(2, 2, rng: &rng)])
        let p1 = tempPath("one.safetensors"), p2 = tempPath("two.safetensors")
        defer { try? FileManager.default.removeItem(atPath: p1); try? FileManager.default.removeItem(atPath: p2) }
        try one.save(to: p1); try two.save(to: p2)
        XCTAssertThrowsError(try two.load(from: p1)) { e in
            XCTAssertEqual(e as? SafetensorsError, .missingTensors(path: p1, names: ["1.weight", "1.bias"]))
        }
        XCTAssertThrowsError(try one.load(from: p2)) { e in
            XCTAssertEqual(e as? SafetensorsError, .unexpectedTensors(path: p2, names: ["1.bias", "1.weight"]))
        }
        XCTAssertNoThrow(try one.load(from: p2, strict: false))
    }
}
