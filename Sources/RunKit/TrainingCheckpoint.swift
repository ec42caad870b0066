import Foundation
import NeuralCore

/// What a run folder keeps to continue a run: checkpoint.safetensors (weights + metadata) and
/// optimizer.safetensors (the optimizer's moments and step count, plus the trainer's own tensors
/// under "trainer.<name>", e.g. a carried hidden state). Both are written atomically.
public enum TrainingCheckpoint {
    public static func save(_ run: RunFolder, model: any Module, optimizer: any Optimizer,
                            metadata: [String: String], extra: [String: Tensor] = [:]) throws {
        try model.save(to: run.file("checkpoint.safetensors"), metadata: metadata)
        var state = SafetensorsFile()
        for (name, t) in optimizer.state() { state.tensors[name] = t }
        for (name, t) in extra { state.tensors["trainer." + name] = t.detached() }
        state.metadata = metadata
        try state.write(to: run.file("optimizer.safetensors"))
    }

    /// Loads both files into `model` and `optimizer`; returns the checkpoint metadata and the
    /// trainer's tensors (without their prefix).
    public static func restore(_ run: RunFolder, model: any Module, optimizer: any Optimizer) throws
        -> (metadata: [String: String], extra: [String: Tensor]) {
        let meta = try model.load(from: run.file("checkpoint.safetensors"))
        let state = try SafetensorsFile.read(path: run.file("optimizer.safetensors"))
        var extra: [String: Tensor] = [:], own: [String: Tensor] = [:]
        for (name, t) in state.tensors {
            if name.hasPrefix("trainer.") { extra[String(name.dropFirst(8))] = t } else { own[name] = t }
        }
        do { try optimizer.loadState(own) } catch {
            throw AppError.badInput(run.file("optimizer.safetensors"), "\(error)")
        }
        return (meta, extra)
    }
}
