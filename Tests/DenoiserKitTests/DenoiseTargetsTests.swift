import XCTest
import RunKit
@testable import DenoiserKit

final class DenoiseTargetsTests: XCTestCase {
    /// One input goes to --out itself; in a folder a picture becomes stem.png and a video keeps
    /// its container.
    func testTargets() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("targets-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let folder = try RunFolder(dir)
        XCTAssertEqual(DenoiseTargets.target(for: "/a/b/photo.JPG", folder: nil, out: "x.png"), "x.png")
        XCTAssertEqual(DenoiseTargets.target(for: "/a/b/photo.JPG", folder: folder, out: dir), folder.file("photo.png"))
        XCTAssertEqual(DenoiseTargets.target(for: "clip.MKV", folder: folder, out: dir), folder.file("clip.mkv"))
        XCTAssertTrue(DenoiseTargets.isVideo("clip.mp4"))
        XCTAssertFalse(DenoiseTargets.isVideo("photo.png"))
    }
}
