import XCTest
import Foundation
import NeuralCore
import TestSupport

final class SafetensorsTests: XCTestCase {
    private var dir: URL!

    override func setUp() {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("st-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    /// Builds a file from a header string and `dataBytes` bytes of data.
    private func file(header: String, dataBytes: Int = 0, lengthOverride: UInt64? = nil) -> Data {
        var d = Data()
        let h = Data(header.utf8)
        withUnsafeBytes(of: (lengthOverride ?? UInt64(h.count)).littleEndian) { d.append(contentsOf: $0) }
        d.append(h)
        d.append(Data(repeating: 0, count: dataBytes))
        return d
    }

    private func expectError(_ data: Data, file: StaticString = #filePath, line: UInt = #line,
                             _ check: (SafetensorsError) -> Bool) {
        XCTAssertThrowsError(try SafetensorsFile.parse(data, path: "bad.safetensors"), file: file, line: line) { e in
            guard let se = e as? SafetensorsError else { return XCTFail("not a SafetensorsError: \(e)", file: file, line: line) }
            XCTAssertTrue(check(se), "unexpected error: \(se)", file: file, line: line)
            XCTAssertTrue(se.description.contains("bad.safetensors"), file: file, line: line)
        }
    }

    func testRoundTripKeepsValuesShapesAndMetadata() throws {
        var f = SafetensorsFile()
        f.tensors["a.weight"] = Tensor(shape: [2, 3], scalars: [1, -2, 3.5, 0, 1e-30, -7])
        f.tensors["b"] = Tensor(4.25)
        f.integers["ids"] = ([3], [1, -5, 1 << 40])
        f.metadata = ["arch": "lenet", "classes": "0,1"]
        let path = dir.appendingPathComponent("x.safetensors").path
        try f.write(to: path)
        let g = try SafetensorsFile.read(path: path)
        XCTAssertEqual(g.tensors["a.weight"]?.shape, [2, 3])
        XCTAssertEqual(g.tensors["a.weight"]?.scalars, f.tensors["a.weight"]?.scalars)
        XCTAssertEqual(g.tensors["b"]?.shape, [])
        XCTAssertEqual(g.integers["ids"]?.values, [1, -5, 1 << 40])
        XCTAssertEqual(g.metadata, f.metadata)
        // No temporary file is left behind.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["x.safetensors"])
    }

    func testReadsFilesWrittenByPyTorch() throws {
        let fx = try Fixtures.load("ops/linear.safetensors")
        XCTAssertEqual(fx.tensors["weight"]?.shape, [5, 7])
        XCTAssertNotNil(fx.metadata["config"])
    }

    func testEmptyFile() { expectError(Data()) { if case .truncated = $0 { return true }; return false } }

    func testTruncatedHeader() {
        let good = file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, dataBytes: 8)
        expectError(good.prefix(20)) { if case .headerLength = $0 { return true }; return false }
    }

    func testTruncatedData() {
        let good = file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, dataBytes: 8)
        expectError(good.dropLast(3)) { if case .offsetsOutOfRange = $0 { return true }; return false }
    }

    func testHugeHeaderLength() {
        expectError(file(header: "{}", lengthOverride: 1 << 63)) { if case .headerLength = $0 { return true }; return false }
    }

    func testHeaderNotJSON() {
        expectError(file(header: "this is not json at all")) { if case .headerNotJSON = $0 { return true }; return false }
        expectError(file(header: "[1, 2, 3]")) { if case .headerNotJSON = $0 { return true }; return false }
    }

    func testOffsetsPastTheEnd() {
        expectError(file(header: #"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, dataBytes: 8)) {
            if case .offsetsOutOfRange = $0 { return true }; return false
        }
    }

    func testOverlappingTensors() {
        let h = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#
        expectError(file(header: h, dataBytes: 12)) { if case .overlapping = $0 { return true }; return false }
    }

    func testUnsupportedDType() {
        expectError(file(header: #"{"a":{"dtype":"C64","shape":[1],"data_offsets":[0,8]}}"#, dataBytes: 8)) {
            if case .unsupportedDType(_, "a", "C64") = $0 { return true }; return false
        }
    }

    func testSizeDisagreesWithShape() {
        expectError(file(header: #"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, dataBytes: 8)) {
            if case .badEntry = $0 { return true }; return false
        }
    }

    func testAbsurdShapeIsRefusedBeforeAllocating() {
        let h = #"{"a":{"dtype":"F32","shape":[1099511627776, 1099511627776],"data_offsets":[0,8]}}"#
        expectError(file(header: h, dataBytes: 8)) { if case .badEntry = $0 { return true }; return false }
    }

    func testMissingFile() {
        XCTAssertThrowsError(try SafetensorsFile.read(path: dir.appendingPathComponent("none.safetensors").path)) { e in
            guard case .cannotOpen = e as? SafetensorsError else { return XCTFail("\(e)") }
        }
    }

    /// /dev/zero would be read without end and a FIFO would block: both refused at once.
    func testDevicesAndFIFOsAreRefused() {
        let fifo = dir.appendingPathComponent("pipe.safetensors").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        for path in ["/dev/zero", fifo, dir.path] {
            XCTAssertThrowsError(try SafetensorsFile.read(path: path)) { e in
                guard case let .cannotOpen(p, reason)? = e as? SafetensorsError else { return XCTFail("\(e)") }
                XCTAssertEqual(p, path)
                XCTAssertTrue(reason.contains("not a regular file") || reason.contains("folder"), reason)
            }
        }
    }

    func testRandomBytesNeverCrash() {
        var rng = RandomGenerator(seed: 1234)
        for n in [1, 7, 8, 9, 16, 100, 1000] {
            for _ in 0..<50 {
                var d = Data((0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) })
                if n >= 8 && rng.uniform() < 0.5 {   // plausible header length
                    let len = UInt64(rng.int(below: n))
                    withUnsafeBytes(of: len.littleEndian) { d.replaceSubrange(0..<8, with: $0) }
                }
                XCTAssertThrowsError(try SafetensorsFile.parse(d, path: "random.bin"))
            }
        }
    }
}
