import ArgumentParser
import Foundation
import NeuralCore
import Models
import Datasets

/// Trains LeNet on real MNIST digits (or, without ../shared, an MLP on generated spirals),
/// evaluates it on samples it never saw, saves a checkpoint and proves it loads back.
@main
struct DeepMediaDemo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deepmedia-demo",
        abstract: "Train and evaluate a small network, save and reload its checkpoint.")

    @Option(help: "Folder with MNIST IDX files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz).")
    var mnist: String = "../shared/datasets/mnist"

    @Option(help: "Run folder for the checkpoint.")
    var out: String = "runs/demo"

    @Option(help: "Training images used from the MNIST file.")
    var trainImages: Int = 12_000

    @Option(help: "Epochs.")
    var epochs: Int = 2

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Option(help: "Worker threads.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    mutating func validate() throws {
        guard trainImages > 0, trainImages <= 50_000 else { throw ValidationError("--train-images must be in 1...50000") }
        guard epochs > 0 else { throw ValidationError("--epochs must be positive") }
        guard threads > 0 else { throw ValidationError("--threads must be positive") }
    }

    func run() throws {
        Parallel.threads = threads
        do {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        } catch {
            throw ValidationError("cannot create run folder \(out): \(error.localizedDescription)")
        }
        let images = (mnist as NSString).appendingPathComponent("train-images-idx3-ubyte.gz")
        if FileManager.default.fileExists(atPath: images) {
            try runMNIST(images: images, labels: (mnist as NSString).appendingPathComponent("train-labels-idx1-ubyte.gz"))
        } else {
            log("no MNIST at \(mnist): training on generated spirals instead")
            try runSpirals()
        }
    }

    func log(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }

    func runMNIST(images: String, labels: String) throws {
        let all = try LabeledImages.readIDX(images: images, labels: labels)
        guard all.count >= 55_000 else { throw ValidationError("\(images): expected the 60,000-image MNIST training split") }
        let train = all.subset(0..<trainImages), test = all.subset(50_000..<55_000)
        var rng = RandomGenerator(seed: seed)
        let model = LeNet(rng: &rng)
        let opt = Adam(model.trainableParameters, lr: 1e-3)
        let batch = 64
        log("LeNet (\(model.parameterCount) parameters) on \(train.count) MNIST images, \(epochs) epochs, batch \(batch), \(threads) threads")
        let start = Date()
        for epoch in 0..<epochs {
            model.train()
            let order = rng.permutation(train.count)
            var seen = 0, lossSum: Float = 0
            for s in stride(from: 0, to: train.count - batch + 1, by: batch) {
                let (x, y) = train.batch(Array(order[s..<(s + batch)]))
                opt.zeroGrad()
                let loss = crossEntropy(model(x), targets: y)
                loss.backward()
                opt.step()
                seen += batch; lossSum += loss.item * Float(batch)
            }
            let rate = Double(seen * (epoch + 1)) / Date().timeIntervalSince(start)
            log(String(format: "epoch %d: training loss %.4f, %.0f samples/s", epoch + 1, lossSum / Float(seen), rate))
        }
        let acc = evaluate(model, test)
        print(String(format: "held-out accuracy on %d unseen MNIST images: %.2f%%", test.count, 100 * acc))
        let path = (out as NSString).appendingPathComponent("lenet.safetensors")
        try model.save(to: path, metadata: ["arch": "lenet", "trained_on": "MNIST[0..<\(trainImages)]"])
        let reloaded = LeNet(rng: &rng)
        try reloaded.load(from: path)
        print(String(format: "checkpoint %@ reloaded: accuracy %.2f%%", path, 100 * evaluate(reloaded, test)))
    }

    func evaluate(_ model: LeNet, _ data: LabeledImages) -> Float {
        model.eval()
        var cm = ConfusionMatrix(classes: 10)
        withoutGrad {
            for s in stride(from: 0, to: data.count, by: 500) {
                let (x, y) = data.batch(Array(s..<min(s + 500, data.count)))
                cm.add(logits: model(x), targets: y)
            }
        }
        return cm.accuracy
    }

    func runSpirals() throws {
        var rng = RandomGenerator(seed: seed)
        func spirals(_ n: Int) -> (Tensor, [Int]) {
            var xs: [Float] = [], ys: [Int] = []
            for c in 0..<3 { for i in 0..<n {
                let r = Float(i) / Float(n), t = Float(c) * 2 * .pi / 3 + r * 4 + 0.2 * rng.normal()
                xs += [r * cos(t), r * sin(t)]; ys.append(c)
            } }
            return (Tensor(shape: [3 * n, 2], scalars: xs), ys)
        }
        let (x, y) = spirals(300), (xt, yt) = spirals(100)
        let model = Sequential([Linear(2, 64, rng: &rng), ReLU(), Linear(64, 64, rng: &rng), ReLU(), Linear(64, 3, rng: &rng)])
        let opt = Adam(model.trainableParameters, lr: 0.01)
        for step in 0..<500 {
            opt.zeroGrad()
            let loss = crossEntropy(model(x), targets: y)
            loss.backward(); opt.step()
            if step % 100 == 0 { log("step \(step): loss \(loss.item)") }
        }
        let acc = withoutGrad { accuracy(model(xt), targets: yt) }
        print(String(format: "held-out accuracy on 300 unseen spiral points: %.2f%%", 100 * acc))
        let path = (out as NSString).appendingPathComponent("spirals.safetensors")
        try model.save(to: path)
        print("checkpoint: \(path)")
    }
}
