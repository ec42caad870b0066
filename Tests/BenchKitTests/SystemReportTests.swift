import XCTest
import Foundation
import NeuralCore
@testable import BenchKit

final class SystemReportTests: XCTestCase {
    /// The report is one JSON object whose kernel set is the one in use and among those available.
    func testReportNamesKernelsAndBLASCore() throws {
        let d = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try systemReport().utf8)) as? [String: Any])
        XCTAssertEqual(d["kernels"] as? String, KernelSet.active.rawValue)
        XCTAssertTrue((d["kernels_available"] as? [String] ?? []).contains(KernelSet.active.rawValue))
        XCTAssertEqual(d["blas_core"] as? String, BLAS.core)
        XCTAssertGreaterThanOrEqual(d["cpus"] as? Int ?? 0, 1)
    }
}
