import Foundation
import NeuralCore
import Datasets

/// One viewer's live model in the training lab: an MLP (Linear, [BatchNorm1D], ReLU, [Dropout]
/// per hidden layer, then Linear to 2 classes) trained by minibatch SGD with momentum on a 2-D
/// point set, a few steps per request. A lock keeps two requests of one viewer from stepping
/// it at once.
public final class LabSession: @unchecked Sendable {
    /// What a viewer sees after some steps: the boundary as P(class 1) on a grid x right, y up.
    public struct State: Codable, Sendable {
        public var step: Int
        /// Mean training loss of the last request's steps (nil before any).
        public var loss: Float?
        public var accuracy: Float
        public var gridSize: Int
        /// The plane drawn: [-extent, extent] on both axes.
        public var extent: Float
        /// gridSize x gridSize probabilities, row 0 at the top (y = +extent).
        public var boundary: [Float]
    }

    public let settings: LabSettings
    public let points: Tensor      // (N, 2)
    public let labels: [Int]
    let model: Sequential
    let optimizer: SGD
    private var rng: RandomGenerator
    private var step = 0, recentLoss: Float? = nil
    private let lock = NSLock()
    public static let gridSize = 40, extent: Float = 1.5

    public init(_ settings: LabSettings) {
        self.settings = settings
        (points, labels) = settings.dataset.make(count: settings.points, noise: settings.noise, seed: settings.seed)
        var rng = RandomGenerator(seed: settings.seed &+ 1)
        var layers: [any Layer] = []
        var width = 2
        for _ in 0..<settings.layers {
            layers.append(Linear(width, settings.hidden, rng: &rng))
            if settings.batchNorm { layers.append(BatchNorm1D(settings.hidden)) }
            layers.append(ReLU())
            if settings.dropout > 0 { layers.append(Dropout(settings.dropout, rng: &rng)) }
            width = settings.hidden
        }
        layers.append(Linear(width, 2, rng: &rng))
        model = Sequential(layers)
        optimizer = SGD(model.trainableParameters, lr: settings.lr, momentum: settings.momentum)
        self.rng = rng
    }

    /// `steps` minibatch steps, then the state (accuracy on all points, evaluation mode).
    public func train(steps: Int) -> State {
        lock.lock(); defer { lock.unlock() }
        let n = labels.count, b = min(settings.batchSize, n)
        model.train()
        var total: Float = 0
        for _ in 0..<steps {
            let idx = (0..<b).map { _ in rng.int(below: n) }
            let x = Tensor(shape: [b, 2], scalars: idx.flatMap { [points.scalars[2 * $0], points.scalars[2 * $0 + 1]] })
            optimizer.zeroGrad()
            let loss = crossEntropy(model(x), targets: idx.map { labels[$0] })
            loss.backward()
            optimizer.step()
            total += loss.scalars[0]
            step += 1
        }
        if steps > 0 { recentLoss = total / Float(steps) }
        model.eval()
        let predicted = inference { model(points) }.argmax(axis: 1)
        let correct = zip(predicted, labels).filter { $0 == $1 }.count
        let g = Self.gridSize, e = Self.extent
        var grid: [Float] = []
        for r in 0..<g { for c in 0..<g {
            grid += [-e + 2 * e * Float(c) / Float(g - 1), e - 2 * e * Float(r) / Float(g - 1)]
        } }
        let p = inference { model(Tensor(shape: [g * g, 2], scalars: grid)).softmax() }.scalars
        return State(step: step, loss: recentLoss, accuracy: Float(correct) / Float(n), gridSize: g, extent: e,
                     boundary: (0..<(g * g)).map { p[2 * $0 + 1] })
    }
}
