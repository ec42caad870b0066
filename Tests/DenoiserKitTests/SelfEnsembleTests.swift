import XCTest
@testable import DenoiserKit

final class SelfEnsembleTests: XCTestCase {
    /// Each of the eight symmetries moves every pixel of a 3x5 plane somewhere (a permutation),
    /// transposed ones swap the sides, and no two are the same map.
    func testEightDistinctPermutations() {
        var maps: [[Int]] = []
        for s in SelfEnsemble.Symmetry.all {
            let (source, h, w) = s.sources(height: 3, width: 5)
            XCTAssertEqual([h, w], s.transpose ? [5, 3] : [3, 5])
            XCTAssertEqual(source.sorted(), Array(0..<15))
            maps.append(source)
        }
        XCTAssertEqual(Set(maps).count, 8)
        XCTAssertEqual(maps[0], Array(0..<15), "identity first")
    }

    /// A network that treats every orientation alike (here: doubling) gives the same answer in any
    /// ensemble, on a plane that is not square.
    func testEquivariantFunctionUnchanged() {
        let plane = (0..<(4 * 7)).map { Float($0 * $0 % 11) }
        for count in SelfEnsemble.sizes {
            let out = SelfEnsemble.apply(plane, height: 4, width: 7, count: count) { p, _, _ in p.map { 2 * $0 } }
            XCTAssertEqual(out, plane.map { 2 * $0 }, "\(count) orientations")
        }
    }

    /// A network that adds its own column index: each output is turned back before averaging, so
    /// the ensembles of 4 and 8 add ((w - 1) / 2 + (h - 1) / 2) / 2 everywhere (half of them are
    /// transposed and see rows; in each half, columns are flipped in half).
    func testOutputsTurnedBackBeforeAveraging() {
        let (h, w) = (4, 7)
        let plane = [Float](repeating: 10, count: h * w)
        func addColumn(_ p: [Float], _: Int, _ width: Int) -> [Float] { p.enumerated().map { $0.element + Float($0.offset % width) } }
        let one = SelfEnsemble.apply(plane, height: h, width: w, count: 1, addColumn)
        XCTAssertEqual(one, (0..<(h * w)).map { 10 + Float($0 % w) })
        let two = SelfEnsemble.apply(plane, height: h, width: w, count: 2, addColumn)
        // Identity adds j; the transposed rotation adds the transposed frame's column = h - 1 - i.
        XCTAssertEqual(two, (0..<(h * w)).map { 10 + (Float($0 % w) + Float(h - 1 - $0 / w)) / 2 })
        for count in [4, 8] {
            for v in SelfEnsemble.apply(plane, height: h, width: w, count: count, addColumn) {
                XCTAssertEqual(v, 10 + (Float(w - 1) / 2 + Float(h - 1) / 2) / 2, accuracy: 1e-5)
            }
        }
    }
}
