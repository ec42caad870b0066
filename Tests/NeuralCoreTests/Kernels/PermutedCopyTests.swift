import XCTest
@testable import NeuralCore
import TestSupport

/// copyPermuted against the definition: every permutation of a 4-D shape with an axis of 1 and
/// lengths that fill no tile (rows runs of src, planes transposed, merged neighbours), copy and
/// add, on 1, 3 and 16 threads and every kernel set (the planes run the set's transpose).
final class PermutedCopyTests: XCTestCase {
    /// All orderings of 0..<n.
    func permutations(_ n: Int) -> [[Int]] {
        if n == 0 { return [[]] }
        return permutations(n - 1).flatMap { p in (0...p.count).map { i in var q = p; q.insert(n - 1, at: i); return q } }
    }

    func testEveryPermutationEqualsTheDefinition() {
        let saved = Parallel.threads
        defer { Parallel.threads = saved }
        forEachKernelSet { set in
            var rng = RandomGenerator(seed: 5)
            let shape = [3, 1, 37, 70], strides = Tensor.strides(of: shape)
            let src = Tensor.normal(shape, using: &rng).scalars, count = src.count
            for threads in [1, 3, 16] {
                Parallel.threads = threads
                for perm in permutations(4) {
                    let outShape = perm.map { shape[$0] }, steps = perm.map { strides[$0] }
                    // the definition: output index (dense in outShape) -> source offset
                    var want = [Float](repeating: 0, count: count)
                    for o in 0..<count {
                        var rest = o, s = 0
                        for d in stride(from: 3, through: 0, by: -1) { s += rest % outShape[d] * steps[d]; rest /= outShape[d] }
                        want[o] = src[s]
                    }
                    var got = [Float](repeating: .nan, count: count)
                    src.withUnsafeBufferPointer { s in
                        got.withUnsafeMutableBufferPointer { d in
                            copyPermuted(from: s.baseAddress!, strides: steps, shape: outShape, to: d.baseAddress!, accumulate: false)
                        }
                    }
                    XCTAssertEqual(got, want, "\(set), \(threads) threads, permutation \(perm)")
                    // added into what is there
                    let base = (0..<count).map { Float($0 % 7) }
                    var sum = base
                    src.withUnsafeBufferPointer { s in
                        sum.withUnsafeMutableBufferPointer { d in
                            copyPermuted(from: s.baseAddress!, strides: steps, shape: outShape, to: d.baseAddress!, accumulate: true)
                        }
                    }
                    XCTAssertEqual(sum, zip(base, want).map { $0 + $1 }, "\(set), \(threads) threads, permutation \(perm), added")
                }
            }
        }
    }

    /// Strides with no axis of step 1 (a view of every other float): element by element.
    func testStridesWithoutARunOfSource() {
        let src = (0..<24).map(Float.init)
        var got = [Float](repeating: 0, count: 6)
        src.withUnsafeBufferPointer { s in
            got.withUnsafeMutableBufferPointer { d in
                copyPermuted(from: s.baseAddress!, strides: [2, 8], shape: [3, 2], to: d.baseAddress!, accumulate: false)
            }
        }
        XCTAssertEqual(got, [0, 8, 2, 10, 4, 12])
    }
}
