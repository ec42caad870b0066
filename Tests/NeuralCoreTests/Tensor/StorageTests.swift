import XCTest
@testable import NeuralCore

final class StorageTests: XCTestCase {
    /// Freed buffers are kept for reuse by size; a call with the same key keeps them, another key
    /// releases them all, and a buffer of a released size is allocated afresh and usable.
    func testBuffersKeptForReuseAreReleasedWhenTheKeyChanges() {
        let pool = BufferPool.shared
        Storage.reuseBuffers(for: [7, 11])
        XCTAssertEqual(pool.pooledBytes, 0)
        do { _ = Storage(count: 5_000, repeating: 1); _ = Storage(count: 7_000) }
        XCTAssertEqual(pool.pooledBytes, 12_000 * 4)
        Storage.reuseBuffers(for: [7, 11])
        XCTAssertEqual(pool.pooledBytes, 12_000 * 4, "the same key keeps them")
        let reused = Storage(count: 5_000, repeating: 2)
        XCTAssertEqual(pool.pooledBytes, 7_000 * 4, "a buffer of a kept size is taken from the pool")
        Storage.reuseBuffers(for: [11, 13])
        XCTAssertEqual(pool.pooledBytes, 0, "another key releases them")
        let fresh = Storage(count: 7_000, repeating: 3)
        XCTAssertEqual(fresh.pointer[6_999] + reused.pointer[4_999], 5)
    }
}
