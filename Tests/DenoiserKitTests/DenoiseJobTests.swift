import XCTest
import Foundation
import NeuralCore
import MediaIO
import Models
import RunKit
@testable import DenoiserKit

final class DenoiseJobTests: XCTestCase {
    final class Cancel: Cancellation { var now = false; var isCancelled: Bool { now } }
    final class Events: TrainingEvents {
        var reports = 0
        func progress(_ p: TrainingProgress) { reports += 1 }
        func log(_ line: String) {}
    }

    func tinyDenoiser() -> LoadedDenoiser {
        var rng = RandomGenerator(seed: 4)
        var s = DenoiserSettings(); s.depth = 3; s.channels = 4
        let d = LoadedDenoiser(model: DnCNN(channels: 1, width: 4, middleLayers: 1, downscale: 1, rng: &rng), shape: DenoiserShape(s), trainedSigma: nil)
        d.model.eval()
        return d
    }

    /// Two pictures go into the folder as stem.png, each reported with its orientations (eight for
    /// small ones by default); a cancelled job writes nothing and says which file it stopped in.
    func testPicturesIntoAFolderAndCancellation() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dj-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var inputs: [String] = []
        for k in 0..<2 {
            var img = Image(width: 12, height: 10, channels: 1)
            for i in 0..<img.pixels.count { img.pixels[i] = Float((i * (k + 3)) % 7) / 7 }
            let f = dir.appendingPathComponent("in\(k).png").path
            try img.writePNG(f); inputs.append(f)
        }
        let out = dir.appendingPathComponent("out").path
        var done: [(String, Int)] = []
        try DenoiseJob.run(inputs, out: out, model: tinyDenoiser(), ensemble: nil, cancellation: Cancel(), progress: { _, _ in Events() }) {
            if case let .picture(_, target, orientations, note) = $0 { done.append((target, orientations)); XCTAssertNil(note) }
        }
        XCTAssertEqual(done.map { ($0.0 as NSString).lastPathComponent }, ["in0.png", "in1.png"])
        XCTAssertEqual(done.map(\.1), [8, 8])
        XCTAssertEqual(try Image.read(done[0].0, mode: .gray).width, 12)

        let stop = Cancel(); stop.now = true
        let single = dir.appendingPathComponent("one.png").path
        XCTAssertThrowsError(try DenoiseJob.run([inputs[0]], out: single, model: tinyDenoiser(), ensemble: 1, cancellation: stop,
                                                progress: { _, _ in Events() }) { _ in XCTFail("nothing is done") }) {
            XCTAssertTrue("\($0)".contains("one.png not written"), "\($0)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: single))
        XCTAssertNil(try DenoiseJob.outputFolder(single, files: 1))
    }
}
