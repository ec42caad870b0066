import XCTest
import NeuralCore
@testable import BenchKit

final class BenchCasesTests: XCTestCase {
    /// Every model of MODELS.md builds with its parameter count; an unknown name builds nothing.
    func testEveryModelHasMODELSParameterCount() {
        for name in allModels {
            let c = buildCase(name, seed: 0)
            XCTAssertEqual(c?.params, expectedParams[name], name)
        }
        XCTAssertNil(buildCase("resnet", seed: 0))
        let gan = buildCase("dcgan", seed: 0)!
        XCTAssertEqual((gan.paramsG ?? 0) + (gan.paramsD ?? 0), gan.params)
        XCTAssertEqual(buildCase("char_lstm", seed: 0)?.tokensPerSample, 64)
    }

    /// Every op of the op benchmark builds and runs alone and with its backward; an unknown name
    /// builds nothing.
    func testEveryOpRuns() {
        for name in allOps {
            guard let c = buildOpCase(name, seed: 0) else { XCTFail(name); continue }
            XCTAssertFalse(c.shape.isEmpty, name)
            c.forward(); c.backward()
        }
        XCTAssertNil(buildOpCase("fft", seed: 0))
    }
}
