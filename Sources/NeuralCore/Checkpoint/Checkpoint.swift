import Foundation

/// Saving and loading a module's state_dict as safetensors, by PyTorch names.
extension Module {
    /// Writes every parameter and buffer (F32) with string metadata, atomically.
    public func save(to path: String, metadata: [String: String] = [:]) throws {
        var file = SafetensorsFile()
        let named = namedParameters()
        for (name, p) in named { file.tensors[name] = p.value.detached() }
        file.metadata = metadata
        try file.write(to: path, order: named.map(\.0))
    }

    /// Loads values by name. Every name must be present with the right shape; with `strict`, no
    /// others may be. Nothing changes unless the whole file fits. Returns the file's metadata.
    @discardableResult
    public func load(from path: String, strict: Bool = true, prefix: String = "") throws -> [String: String] {
        let file = try SafetensorsFile.read(path: path)
        try load(file, path: path, strict: strict, prefix: prefix)
        return file.metadata
    }

    /// Loads a safetensors file held in memory (downloaded, embedded, received by a server).
    @discardableResult
    public func load(data: Data, strict: Bool = true, prefix: String = "") throws -> [String: String] {
        let file = try SafetensorsFile.parse(data, path: "<\(data.count) bytes in memory>")
        try load(file, path: file.metadata["name"] ?? "<\(data.count) bytes in memory>", strict: strict, prefix: prefix)
        return file.metadata
    }

    /// Loads values from a state dict (name -> tensor, PyTorch's names), with the same checks as
    /// a file: every name present with its shape, and with `strict` no others.
    public func load(stateDict: [String: Tensor], strict: Bool = true, prefix: String = "") throws {
        var file = SafetensorsFile()
        file.tensors = stateDict
        try load(file, path: "state dict", strict: strict, prefix: prefix)
    }

    public func load(_ file: SafetensorsFile, path: String, strict: Bool = true, prefix: String = "") throws {
        let named = namedParameters()
        let wanted = Set(named.map { prefix + $0.0 })
        let missing = named.map { prefix + $0.0 }.filter { file.tensors[$0] == nil }
        if !missing.isEmpty { throw SafetensorsError.missingTensors(path: path, names: missing) }
        if strict {
            let extra = file.tensors.keys.filter { $0.hasPrefix(prefix) && !wanted.contains($0) }.sorted()
                + file.integers.keys.filter { $0.hasPrefix(prefix) }.sorted()
            if !extra.isEmpty { throw SafetensorsError.unexpectedTensors(path: path, names: extra) }
        }
        for (name, p) in named {
            let t = file.tensors[prefix + name]!
            if t.shape != p.shape { throw SafetensorsError.shapeMismatch(path: path, name: prefix + name, expected: p.shape, found: t.shape) }
        }
        for (name, p) in named { p.assign(file.tensors[prefix + name]!) }
    }
}

extension Module {
    /// A module built by `make` and given the values of `stateDict` (every name, shape-checked),
    /// e.g. `try LeNet.restored({ LeNet(classes: 10, rng: &$0) }, stateDict: sd)`: the random
    /// values `make` draws are all replaced.
    public static func restored(_ make: (inout RandomGenerator) -> Self, stateDict: [String: Tensor], strict: Bool = true) throws -> Self {
        var rng = RandomGenerator(seed: 0)
        let m = make(&rng)
        try m.load(stateDict: stateDict, strict: strict)
        return m
    }
}
