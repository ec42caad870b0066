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
