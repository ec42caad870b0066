import XCTest
import NeuralCore
import Models
import TestSupport

final class CharRNNModelTests: XCTestCase {
    /// The benchmark's char_lstm is the LSTM variant: PyTorch's names, its parameter count, and
    /// the carried state of both layers.
    func testCharLSTMIsTheLSTMVariantWithItsNames() {
        var r1 = RandomGenerator(seed: 1), r2 = RandomGenerator(seed: 1)
        let a = CharRNN(cell: .lstm, vocab: 65, embedding: 64, hidden: 256, layers: 2, rng: &r1)
        let b = CharRNN.charLSTM(rng: &r2)
        XCTAssertEqual(a.parameterCount, 876_929)
        XCTAssertEqual(b.namedParameters().map(\.0), ["embed.weight"] + (0..<2).flatMap { l in
            ["weight_ih", "weight_hh", "bias_ih", "bias_hh"].map { "lstm.\($0)_l\(l)" } } + ["fc.weight", "fc.bias"])
        let tokens = (0..<12).map { $0 * 5 % 65 }
        let ya = a(tokens, batch: 2, steps: 6), yb = b(tokens, batch: 2, steps: 6)
        XCTAssertEqual(ya.logits.scalars, yb.logits.scalars)
        XCTAssertEqual(ya.state.c?.shape, [2, 2, 256])
    }

    func testGRUStateIsCarried() {
        var rng = RandomGenerator(seed: 2)
        let m = CharRNN(cell: .gru, vocab: 10, embedding: 4, hidden: 8, layers: 2, rng: &rng)
        XCTAssertTrue(m.namedParameters().map(\.0).contains("gru.weight_hh_l1"))
        m.eval()
        let tokens = [1, 2, 3, 4, 5, 6]
        // One window of 6 equals two windows of 3 with the state carried.
        let whole = m(tokens, batch: 1, steps: 6)
        let first = m(Array(tokens[0..<3]), batch: 1, steps: 3)
        let second = m(Array(tokens[3...]), batch: 1, steps: 3, state: first.state)
        XCTAssertNil(whole.state.c)
        assertClose(Array(whole.logits.scalars.suffix(30)), second.logits.scalars, rtol: 1e-5, atol: 1e-6)
    }
}
