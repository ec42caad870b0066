import Foundation
import NeuralCore

/// Where a run is; kept in the checkpoint's metadata so that a run continues exactly.
public struct TrainingPosition: Sendable, Equatable {
    /// Finished passes over the training data (epochs).
    public var pass = 0
    /// The next batch within the current pass.
    public var batch = 0
    /// Optimizer steps taken.
    public var step = 0
    /// Seconds spent in training steps (validation and saving not counted).
    public var seconds = 0.0
    /// Training items (samples, characters) seen.
    public var items = 0
    public init() {}

    /// How far a run is, 0...1: by the clock when it has a budget of minutes, else by steps.
    public func progress(minutes: Double?, totalSteps: Int) -> Double {
        let p = minutes.map { seconds / ($0 * 60) } ?? Double(step) / Double(Swift.max(1, totalSteps))
        return Swift.min(Swift.max(p, 0), 1)
    }

    /// Cosine decay from `peak` to peak/100 over the run (`progress`).
    public func cosineRate(peak: Float, minutes: Double?, totalSteps: Int) -> Float {
        let lo = peak / 100
        return lo + (peak - lo) * Float(0.5 * (1 + cos(Double.pi * progress(minutes: minutes, totalSteps: totalSteps))))
    }

    var metadata: [String: String] {
        ["epoch": "\(pass)", "window": "\(batch)", "step": "\(step)", "train_seconds": "\(seconds)", "chars": "\(items)"]
    }

    /// Reads a checkpoint's position; an old classifier checkpoint holds only "epoch".
    init?(metadata m: [String: String]) {
        guard let e = m["epoch"].flatMap(Int.init) else { return nil }
        pass = e
        batch = m["window"].flatMap(Int.init) ?? 0
        step = m["step"].flatMap(Int.init) ?? 0
        seconds = m["train_seconds"].flatMap(Double.init) ?? 0
        items = m["chars"].flatMap(Int.init) ?? 0
    }
}

/// One optimizer step's report: its loss (mean over the batch), how many items it saw, and sums
/// over them of other figures (e.g. correct predictions) for running means.
public struct StepResult {
    public var loss: Double
    public var items: Int
    public var sums: [(String, Double)]
    public init(loss: Double, items: Int, sums: [(String, Double)] = []) { self.loss = loss; self.items = items; self.sums = sums }
}

/// What a pass (or the part of one before a time limit) did, for the task's metrics line.
public struct PassSummary {
    /// Passes done, fractional when a time limit cut one short.
    public var passes: Double
    public var position: TrainingPosition
    /// Mean step loss, and each `StepResult.sums` figure over the items seen.
    public var trainLoss: Double
    public var trainMeans: [String: Double]
    public var itemsPerSecond: Double
    public var learningRate: Float
    public var validation: [String: Double]
}

/// What a program plugs into `TrainingLoop`: its network, optimizer, one step, validation and
/// the words for its metrics. The loop owns the run folder, checkpoints, schedule of saves,
/// early stopping, the NaN stop, progress events and cancellation.
public protocol TrainingTask: AnyObject {
    var network: any Module { get }
    var optimizer: any Optimizer { get }
    /// Batches in one pass over the training data.
    var batchesPerPass: Int { get }
    /// Whether a checkpoint taken within a pass resumes exactly (the task re-derives its state in
    /// a pass from the position). When false, checkpoints are taken at the end of passes only and
    /// a cancelled run keeps the last one.
    var resumesWithinPass: Bool { get }
    /// "epoch" or "pass": the word progress and messages use.
    var passName: String { get }
    /// "samples", "chars".
    var itemUnit: String { get }
    /// Checkpoint metadata that rebuilds the model (architecture, vocabulary, normalisation).
    var metadata: [String: String] { get }
    /// The weights `validate` scored, saved as best.safetensors: `network`, or a copy holding an
    /// average of its weights.
    var validatedNetwork: any Module { get }

    /// Before the first step of a pass (also a resumed pass that starts at `position.batch` > 0).
    func beginPass(_ position: TrainingPosition)
    /// The learning rate for the step at `position`.
    func learningRate(at position: TrainingPosition) -> Float
    /// One step on batch `position.batch`: forward, loss, backward, optimizer update.
    func step(_ position: TrainingPosition) throws -> StepResult
    /// Validation figures after a pass, named as in metrics.jsonl (e.g. "val_loss").
    func validate() -> [String: Double]
    /// The metrics.jsonl line of a pass.
    func metricsLine(_ s: PassSummary) -> [String: JSONValue]
    /// The one-line summary of a pass shown to the user.
    func describe(_ s: PassSummary) -> String
    /// curves.svg from every metrics line so far.
    func curves(_ history: [[String: JSONValue]]) -> LinePlot
    /// A line shown every `TrainingLoop.Options.sampleEvery` steps (a text sample), or nil.
    func sample(at position: TrainingPosition) -> String?
    /// Tensors besides the weights that a resumed run needs (a carried hidden state).
    func carriedState() -> [String: Tensor]
    func restoreCarriedState(_ tensors: [String: Tensor]) throws
}

extension TrainingTask {
    public var resumesWithinPass: Bool { false }
    public var passName: String { "epoch" }
    public var validatedNetwork: any Module { network }
    public var itemUnit: String { "samples" }
    public func beginPass(_ position: TrainingPosition) {}
    public func sample(at position: TrainingPosition) -> String? { nil }
    public func carriedState() -> [String: Tensor] { [:] }
    public func restoreCarriedState(_ tensors: [String: Tensor]) {}
}

/// The one training loop of every program. Per pass: steps with progress events, validation,
/// a metrics.jsonl line, checkpoint.safetensors + optimizer.safetensors, best.safetensors (best
/// value of `monitor`), curves.svg. Stops after `epochs` passes or `minutes` of training, on
/// early stopping (then the best weights are put back), on cancellation (after saving what
/// resumes exactly), or with an error that keeps the last good checkpoint when the loss stops
/// being finite.
public final class TrainingLoop {
    public struct Options: Sendable {
        public var epochs: Int?
        public var minutes: Double?
        public var patience: Int?
        /// The metrics-line value that decides best.safetensors and early stopping.
        public var monitor = "val_loss"
        public var mode: EarlyStopping.Mode = .minimize
        /// Checkpoint within a pass after this many minutes of training (tasks that resume within a pass).
        public var checkpointMinutes = 5.0
        /// Steps between `TrainingTask.sample` lines (0: never).
        public var sampleEvery = 0
        public init() {}
    }

    public enum Outcome: Sendable, Equatable {
        case finished, earlyStopped(bestPass: Int), cancelled
        /// "finished", "early-stopped" or "cancelled", as reports say it.
        public var word: String {
            switch self {
            case .finished: return "finished"
            case .earlyStopped: return "early-stopped"
            case .cancelled: return "cancelled"
            }
        }
    }

    let task: any TrainingTask
    let options: Options
    public let run: RunFolder
    let events: any TrainingEvents
    let cancellation: any Cancellation
    public private(set) var position = TrainingPosition()

    public init(task: any TrainingTask, options: Options, run: RunFolder,
                events: any TrainingEvents = SilentEvents(), cancellation: any Cancellation = NoCancellation()) {
        self.task = task; self.options = options; self.run = run; self.events = events; self.cancellation = cancellation
    }

    /// Restores weights, optimizer state, the task's carried state and the position from the run
    /// folder's last checkpoint.
    public func resume() throws {
        let (meta, extra) = try TrainingCheckpoint.restore(run, model: task.network, optimizer: task.optimizer)
        guard let p = TrainingPosition(metadata: meta) else {
            throw AppError.badInput(run.file("checkpoint.safetensors"), "no training position in the checkpoint")
        }
        position = p
        do { try task.restoreCarriedState(extra) } catch {
            throw AppError.badInput(run.file("optimizer.safetensors"), "\(error)")
        }
        if let n = meta["metrics_lines"].flatMap(Int.init) { try run.truncateMetrics(to: n) }
    }

    var timeIsUp: Bool { options.minutes.map { position.seconds >= $0 * 60 } ?? false }
    var passesDone: Bool { options.epochs.map { position.pass >= $0 } ?? false }

    /// Trains from the current position until a stop (see the type's description).
    public func train() throws -> Outcome {
        let perPass = task.batchesPerPass
        precondition(perPass >= 1, "TrainingLoop: a pass needs at least one batch")
        let stopper = options.patience.map { EarlyStopping(patience: $0, mode: options.mode) }
        if let stopper {   // a resumed run remembers its best pass so far
            for (i, v) in run.readMetrics().compactMap({ $0[options.monitor]?.double }).enumerated() {
                _ = stopper.update(Float(v), epoch: i, model: task.validatedNetwork)
            }
        }
        defer { if let stopper, stopper.bestEpoch >= 0 { stopper.restoreBest(into: task.validatedNetwork) } }
        var lastSave = position.seconds
        var lastSample = position.step
        while !timeIsUp && !passesDone {
            task.beginPass(position)
            let label = options.epochs.map { "\(task.passName) \(position.pass + 1)/\($0)" } ?? "\(task.passName) \(position.pass + 1)"
            let start = Date()
            var lossSum = 0.0, steps = 0, items = 0
            var sums: [String: Double] = [:], order: [String] = []
            while position.batch < perPass && !timeIsUp {
                let t0 = DispatchTime.now().uptimeNanoseconds
                task.optimizer.learningRate = task.learningRate(at: position)
                let r = try task.step(position)
                guard r.loss.isFinite else {
                    throw AppError.training("the loss became \(Float(r.loss)) in \(task.passName) \(position.pass + 1) (step \(position.step + 1)); \(lastGood) (try a smaller --lr)")
                }
                position.batch += 1; position.step += 1; position.items += r.items
                position.seconds += Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
                lossSum += r.loss; steps += 1; items += r.items
                for (k, v) in r.sums { if sums[k] == nil { order.append(k) }; sums[k, default: 0] += v }
                var fields = [("loss", lossSum / Double(steps))] + order.map { ($0, sums[$0]! / Double(max(items, 1))) }
                fields.append(("lr", Double(task.optimizer.learningRate)))
                if let m = options.minutes { fields.append(("min_left", max(0, m - position.seconds / 60))) }
                events.progress(TrainingProgress(label: label, done: position.batch * max(r.items, 1), total: perPass * max(r.items, 1),
                                                 unit: task.itemUnit, fields: fields))
                if options.sampleEvery > 0 && position.step - lastSample >= options.sampleEvery {
                    lastSample = position.step
                    if let s = task.sample(at: position) { events.log("--- sample at step \(position.step) ---\n\(s)\n---") }
                }
                if cancellation.isCancelled {
                    if task.resumesWithinPass { try saveCheckpoint(validation: [:]) }
                    return .cancelled
                }
                if task.resumesWithinPass && position.seconds - lastSave >= options.checkpointMinutes * 60 {
                    try saveCheckpoint(validation: [:]); lastSave = position.seconds
                }
            }
            let passes = Double(position.pass) + Double(position.batch) / Double(perPass)
            if position.batch >= perPass { position.pass += 1; position.batch = 0 }
            let elapsed = Date().timeIntervalSince(start)
            let validation = task.validate()
            let summary = PassSummary(passes: passes, position: position, trainLoss: steps > 0 ? lossSum / Double(steps) : .nan,
                                      trainMeans: sums.mapValues { $0 / Double(max(items, 1)) },
                                      itemsPerSecond: Double(items) / max(elapsed, 1e-9),
                                      learningRate: task.optimizer.learningRate, validation: validation)
            try savePass(summary)
            lastSave = position.seconds
            events.log(task.describe(summary))
            if let stopper, let v = validation[options.monitor], v.isFinite,
               stopper.update(Float(v), epoch: run.readMetrics().count - 1, model: task.validatedNetwork) {
                events.log("early stopping: no better \(options.monitor) for \(stopper.patience) \(task.passName)s; keeping \(task.passName) \(stopper.bestEpoch + 1)")
                return .earlyStopped(bestPass: stopper.bestEpoch + 1)
            }
        }
        return .finished
    }

    /// Where the last good weights are, for a run that stops on non-finite numbers.
    var lastGood: String {
        FileManager.default.fileExists(atPath: run.file("checkpoint.safetensors"))
            ? "the last good checkpoint is \(run.file("checkpoint.safetensors"))" : "no checkpoint was saved before it"
    }

    /// Refuses to save weights that are not all finite (an update that overflowed without a
    /// non-finite loss yet): a checkpoint on disk is always a usable one.
    func checkFinite() throws {
        for (name, p) in task.network.namedParameters() {
            let v = p.value
            let finite = v.withData { ptr in (0..<v.count).allSatisfy { ptr[$0].isFinite } }
            guard finite else {
                throw AppError.training("the weights (\(name)) became non-finite in \(task.passName) \(position.pass + 1) (step \(position.step)); \(lastGood) (try a smaller --lr)")
            }
        }
    }

    func checkpointMetadata(_ validation: [String: Double]) -> [String: String] {
        var m = task.metadata.merging(position.metadata) { $1 }
        for (k, v) in validation { m[k] = "\(v)" }
        return m
    }

    /// The checkpoint set; "metrics_lines" tells a resumed run how many metrics lines belong to it.
    func saveCheckpoint(validation: [String: Double]) throws {
        try checkFinite()
        var meta = checkpointMetadata(validation)
        meta["metrics_lines"] = "\(run.readMetrics().count)"
        try TrainingCheckpoint.save(run, model: task.network, optimizer: task.optimizer, metadata: meta, extra: task.carriedState())
    }

    /// metrics.jsonl line, checkpoint (+ optimizer state), best.safetensors, curves.svg.
    func savePass(_ s: PassSummary) throws {
        try checkFinite()
        // The metrics line first, then the checkpoint that counts it: a kill between the two
        // leaves a line that the resumed run drops and writes again.
        let before = run.readMetrics()
        // Where the pass's speed was measured (a resumed run may go on on another machine).
        let machine: [String: JSONValue] = ["threads": JSONValue(Parallel.threads), "cpu": JSONValue(CPUInfo.model),
                                            "kernels": JSONValue(CPUInfo.kernels), "blas_core": JSONValue(BLAS.core)]
        try run.appendMetrics(task.metricsLine(s).merging(machine) { own, _ in own })
        do { try saveCheckpoint(validation: s.validation) } catch {
            try? run.truncateMetrics(to: before.count)     // no line without its checkpoint (a full disk)
            throw error
        }
        let earlier = before.compactMap { $0[options.monitor]?.double }.filter(\.isFinite)
        let best = options.mode == .minimize ? earlier.min() : earlier.max()
        if let v = s.validation[options.monitor], v.isFinite,
           best.map({ options.mode == .minimize ? v <= $0 : v >= $0 }) ?? true {
            try task.validatedNetwork.save(to: run.file("best.safetensors"), metadata: checkpointMetadata(s.validation))
        }
        try run.write("curves.svg", task.curves(run.readMetrics()).svg())
    }
}
