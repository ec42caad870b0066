import XCTest
@testable import AudioTaggerKit

/// Windows to segments: same-tag neighbours merge, silence and low confidence split and drop.
final class TagSegmentsTests: XCTestCase {
    func testDecideMarksSilenceAndLowConfidence() {
        let p: [Float] = [0.1, 0.7, 0.2]
        XCTAssertEqual(TagSegmentation.decide(p, levelDB: -20, silenceDB: -45, threshold: 0.5, start: 0, end: 1).label, 1)
        XCTAssertNil(TagSegmentation.decide(p, levelDB: -50, silenceDB: -45, threshold: 0.5, start: 0, end: 1).label, "silent")
        XCTAssertNil(TagSegmentation.decide(p, levelDB: -20, silenceDB: -45, threshold: 0.8, start: 0, end: 1).label, "below the threshold")
    }

    func testNeighboursMergeAndGapsSplit() {
        func w(_ k: Int, _ l: Int?, _ c: Float = 0.9) -> WindowDecision { WindowDecision(start: Double(k) * 0.25, end: Double(k + 1) * 0.25, label: l, confidence: c) }
        let windows = [w(0, nil), w(1, 0, 0.8), w(2, 0, 1.0), w(3, nil), w(4, 2), w(5, 1), w(6, 1), w(7, nil), w(8, 1)]
        let s = TagSegmentation.segments(windows, classes: ["a", "b", "c"])
        XCTAssertEqual(s.map(\.tag), ["a", "c", "b", "b"])
        XCTAssertEqual(s[0].start, 0.25); XCTAssertEqual(s[0].end, 0.75); XCTAssertEqual(s[0].confidence, 0.9, accuracy: 1e-6)
        XCTAssertEqual(s[2].start, 1.25); XCTAssertEqual(s[2].end, 1.75)
        XCTAssertEqual(TagSegmentation.segments([], classes: ["a"]), [])
    }
}
