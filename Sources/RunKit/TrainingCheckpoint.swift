import Foundation
import NeuralCore

/// What a run folder keeps to continue a run: checkpoint.safetensors (weights + metadata, loads in
/// PyTorch as it is) and optimizer.safetensors (the optimizer's moments and step count, plus the
/// trainer's own tensors under "trainer.<name>", e.g. a carried hidden state).
///
/// The two are one save: both carry the same "save" id, and they are written so that a kill at
/// any moment leaves a consistent pair: optimizer-next.safetensors first, then the checkpoint (the
/// commit point), then optimizer-next is renamed into place. `restore` rolls a save that was
/// committed but not finished forward and drops one that was not committed.
public enum TrainingCheckpoint {
    static let next = "optimizer-next.safetensors"

    public static func save(_ run: RunFolder, model: any Module, optimizer: any Optimizer,
                            metadata: [String: String], extra: [String: Tensor] = [:]) throws {
        var meta = metadata
        meta["save"] = UUID().uuidString
        var state = SafetensorsFile()
        for (name, t) in optimizer.state() { state.tensors[name] = t }
        for (name, t) in extra { state.tensors["trainer." + name] = t.detached() }
        state.metadata = meta
        try state.write(to: run.file(next))
        try model.save(to: run.file("checkpoint.safetensors"), metadata: meta)
        try RunFolder.rename(run.file(next), to: run.file("optimizer.safetensors"))
    }

    /// Loads both files into `model` and `optimizer`; returns the checkpoint metadata and the
    /// trainer's tensors (without their prefix). A pair from two different saves is refused.
    public static func restore(_ run: RunFolder, model: any Module, optimizer: any Optimizer) throws
        -> (metadata: [String: String], extra: [String: Tensor]) {
        let meta = try model.load(from: run.file("checkpoint.safetensors"))
        if FileManager.default.fileExists(atPath: run.file(next)) {
            let pending = try? SafetensorsFile.read(path: run.file(next))
            if let id = meta["save"], pending?.metadata["save"] == id {
                try RunFolder.rename(run.file(next), to: run.file("optimizer.safetensors"))   // committed: finish it
            } else {
                try? FileManager.default.removeItem(atPath: run.file(next))                    // never committed
            }
        }
        let state = try SafetensorsFile.read(path: run.file("optimizer.safetensors"))
        if let id = meta["save"], state.metadata["save"] != id {
            throw AppError.badInput(run.path, "checkpoint.safetensors and optimizer.safetensors are from different saves; the run cannot continue exactly")
        }
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
