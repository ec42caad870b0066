import XCTest
import Foundation
import NeuralCore
@testable import RunKit

/// The generic loop on a tiny regression task: metrics, checkpoints, best weights, exact resume
/// after cancellation, the NaN stop and early stopping.
final class TrainingLoopTests: XCTestCase {
    /// y = 2x - 1 with a Linear(1, 1); 8 batches of 4 per pass; "validation" is the loss on a fixed set.
    final class Line: TrainingTask {
        let model: Linear
        let optimizer: any Optimizer
        var cancelAfter: Int?
        var poisonAt: Int?
        var overflowAt: Int?
        var validations: [Double]?
        init(seed: UInt64) {
            var rng = RandomGenerator(seed: seed)
            model = Linear(1, 1, rng: &rng)
            optimizer = SGD(model.trainableParameters, lr: 0.1)
        }
        var network: any Module { model }
        var batchesPerPass: Int { 8 }
        var resumesWithinPass: Bool { true }
        var metadata: [String: String] { ["kind": "line"] }
        func learningRate(at p: TrainingPosition) -> Float { 0.1 / Float(1 + p.pass) }
        func batch(_ i: Int) -> (Tensor, Tensor) {
            let xs = (0..<4).map { Float(i * 4 + $0) / 32 - 0.5 }
            return (Tensor(shape: [4, 1], scalars: xs), Tensor(shape: [4, 1], scalars: xs.map { 2 * $0 - 1 }))
        }
        func step(_ p: TrainingPosition) throws -> StepResult {
            if p.step == poisonAt { return StepResult(loss: .nan, items: 4) }
            let (x, y) = batch(p.batch)
            optimizer.zeroGrad()
            let loss = mseLoss(model(x), y)
            loss.backward()
            optimizer.step()
            if p.step == overflowAt { model.weight.assign(Tensor(shape: [1, 1], scalars: [.infinity])) }
            return StepResult(loss: Double(loss.item), items: 4)
        }
        func validate() -> [String: Double] {
            if var v = validations { let first = v.removeFirst(); validations = v; return ["val_loss": first] }
            let (x, y) = batch(3)
            return ["val_loss": Double(withoutGrad { mseLoss(model(x), y) }.item)]
        }
        func metricsLine(_ s: PassSummary) -> [String: JSONValue] {
            ["pass": JSONValue(s.passes), "train_loss": JSONValue(s.trainLoss), "val_loss": JSONValue(s.validation["val_loss"] ?? .nan)]
        }
        func describe(_ s: PassSummary) -> String { "pass \(s.passes)" }
        func curves(_ h: [[String: JSONValue]]) -> LinePlot {
            LinePlot([.init("loss", [.init("training", h.map { $0["train_loss"]?.double ?? .nan }, color: "#000")])])
        }
    }

    struct After: Cancellation {
        let task: Line, loop: () -> TrainingLoop?
        var isCancelled: Bool { loop().map { $0.position.step >= (task.cancelAfter ?? .max) } ?? false }
    }

    func folder() -> RunFolder {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("loop-\(UUID().uuidString)").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return try! RunFolder(dir)
    }

    func weights(_ m: Linear) -> [Float] { m.weight.value.scalars + m.bias!.value.scalars }

    func testPassesWriteTheRunFolder() throws {
        let run = folder()
        var o = TrainingLoop.Options(); o.epochs = 3
        let task = Line(seed: 1)
        XCTAssertEqual(try TrainingLoop(task: task, options: o, run: run).train(), .finished)
        XCTAssertEqual(run.readMetrics().count, 3)
        XCTAssertLessThan(run.readMetrics().last!["val_loss"]!.double!, run.readMetrics().first!["val_loss"]!.double!)
        // Each line says where its speed was measured.
        let line = try XCTUnwrap(run.readMetrics().last)
        XCTAssertEqual(line["kernels"]?.string, CPUInfo.kernels)
        XCTAssertEqual(line["blas_core"]?.string, BLAS.core)
        XCTAssertEqual(line["cpu"]?.string, CPUInfo.model)
        XCTAssertEqual(line["threads"]?.double, Double(Parallel.threads))
        for f in ["metrics.jsonl", "checkpoint.safetensors", "optimizer.safetensors", "best.safetensors", "curves.svg"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: run.file(f)), f)
        }
        let meta = try SafetensorsFile.read(path: run.file("checkpoint.safetensors")).metadata
        XCTAssertEqual(meta["epoch"], "3"); XCTAssertEqual(meta["step"], "24"); XCTAssertEqual(meta["kind"], "line")
    }

    /// Cancelled in the middle of a pass, then resumed: the same weights as a run never stopped.
    func testCancelThenResumeIsExact() throws {
        var o = TrainingLoop.Options(); o.epochs = 3
        let straight = Line(seed: 2)
        _ = try TrainingLoop(task: straight, options: o, run: folder()).train()

        let run = folder()
        let first = Line(seed: 2)
        first.cancelAfter = 13
        var loop: TrainingLoop?
        loop = TrainingLoop(task: first, options: o, run: run, cancellation: After(task: first) { loop })
        XCTAssertEqual(try loop!.train(), .cancelled)
        let second = Line(seed: 99)              // other initial weights: all must come from the checkpoint
        let resumed = TrainingLoop(task: second, options: o, run: run)
        try resumed.resume()
        XCTAssertEqual(resumed.position.step, 13)
        XCTAssertEqual(resumed.position.batch, 5)
        XCTAssertEqual(try resumed.train(), .finished)
        XCTAssertEqual(weights(second.model), weights(straight.model))
    }

    func testNonFiniteLossStopsWithTheLastGoodCheckpoint() throws {
        let run = folder()
        var o = TrainingLoop.Options(); o.epochs = 3
        let task = Line(seed: 3)
        task.poisonAt = 11
        XCTAssertThrowsError(try TrainingLoop(task: task, options: o, run: run).train()) { e in
            XCTAssertTrue("\(e)".contains("the loss became nan") && "\(e)".contains("checkpoint.safetensors"), "\(e)")
        }
        XCTAssertEqual(try SafetensorsFile.read(path: run.file("checkpoint.safetensors")).metadata["epoch"], "1")
    }

    /// Patience 2 on 0.5, 0.4, 0.45, 0.6: stops after pass 4 keeping pass 2's weights.
    func testEarlyStoppingRestoresTheBestPass() throws {
        let run = folder()
        var o = TrainingLoop.Options(); o.epochs = 10; o.patience = 2
        let task = Line(seed: 4)
        task.validations = [0.5, 0.4, 0.45, 0.6]
        XCTAssertEqual(try TrainingLoop(task: task, options: o, run: run).train(), .earlyStopped(bestPass: 2))
        XCTAssertEqual(run.readMetrics().count, 4)
        let best = try SafetensorsFile.read(path: run.file("best.safetensors"))
        XCTAssertEqual(best.metadata["epoch"], "2")
        XCTAssertEqual(weights(task.model), best.tensors["weight"]!.scalars + best.tensors["bias"]!.scalars)
    }

    /// Weights that overflowed while the loss was still finite are never written; the message
    /// does not name a checkpoint that does not exist.
    func testNonFiniteWeightsAreNeverSaved() throws {
        let run = folder()
        var o = TrainingLoop.Options(); o.epochs = 3
        let task = Line(seed: 5)
        task.overflowAt = 7      // the last step of pass 1: the loss is still finite when the pass is saved
        XCTAssertThrowsError(try TrainingLoop(task: task, options: o, run: run).train()) { e in
            XCTAssertTrue("\(e)".contains("weights (weight) became non-finite") && "\(e)".contains("no checkpoint was saved"), "\(e)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: run.file("checkpoint.safetensors")))
        XCTAssertTrue(run.readMetrics().isEmpty)
    }

    /// A kill during a save: the checkpoint committed but the optimizer state not yet renamed into
    /// place, and a metrics line written without its checkpoint. The resumed run finishes the save,
    /// drops the extra line and ends where a straight run ends; a pair from two saves is refused.
    func testAKillDuringASaveLeavesAConsistentRun() throws {
        var o = TrainingLoop.Options(); o.epochs = 3
        let straight = Line(seed: 6)
        let straightRun = folder()
        _ = try TrainingLoop(task: straight, options: o, run: straightRun).train()

        let run = folder()
        var o1 = o; o1.epochs = 1
        _ = try TrainingLoop(task: Line(seed: 6), options: o1, run: run).train()
        let fm = FileManager.default
        let older = run.file("optimizer-pass1.bin")
        try fm.copyItem(atPath: run.file("optimizer.safetensors"), toPath: older)
        var o2 = o; o2.epochs = 2
        let second = TrainingLoop(task: Line(seed: 0), options: o2, run: run)
        try second.resume()
        _ = try second.train()
        // The state a kill between the checkpoint and the rename leaves, plus a line of a pass
        // whose checkpoint was never written.
        try fm.moveItem(atPath: run.file("optimizer.safetensors"), toPath: run.file("optimizer-next.safetensors"))
        try fm.copyItem(atPath: older, toPath: run.file("optimizer.safetensors"))
        try run.appendMetrics(["pass": JSONValue(3), "train_loss": JSONValue(9), "val_loss": JSONValue(9)])
        let third = Line(seed: 0)
        let loop = TrainingLoop(task: third, options: o, run: run)
        try loop.resume()
        XCTAssertFalse(fm.fileExists(atPath: run.file("optimizer-next.safetensors")))
        XCTAssertEqual(run.readMetrics().count, 2)
        _ = try loop.train()
        XCTAssertEqual(weights(third.model), weights(straight.model))
        XCTAssertEqual(run.readMetrics().map { $0["val_loss"] }, straightRun.readMetrics().map { $0["val_loss"] })

        // An optimizer state from another save, with nothing pending: refused.
        try fm.removeItem(atPath: run.file("optimizer.safetensors"))
        try fm.copyItem(atPath: older, toPath: run.file("optimizer.safetensors"))
        XCTAssertThrowsError(try TrainingLoop(task: Line(seed: 0), options: o, run: run).resume()) { e in
            XCTAssertTrue("\(e)".contains("from different saves"), "\(e)")
        }
    }
}
