import Require
/// An n-dimensional Float32 array: row-major, contiguous, copy-on-write. Images are NCHW.
/// A tensor that takes part in autograd carries a `GradNode` (see Autograd.swift).
public struct Tensor {
    public private(set) var shape: [Int]
    public internal(set) var storage: Storage
    var node: GradNode?

    // MARK: creation

    /// A tensor over existing storage (shared, copy-on-write).
    public init(shape: [Int], storage: Storage) {
        require(shape.allSatisfy { $0 >= 0 }, "Tensor: negative dimension in \(shape)")
        require(Tensor.count(of: shape) == storage.count,
                     "Tensor: shape \(shape) holds \(Tensor.count(of: shape)) values, storage has \(storage.count)")
        self.shape = shape
        self.storage = storage
    }

    /// Uninitialised values (every kernel that uses this writes all of them).
    public init(uninitializedShape shape: [Int]) {
        self.init(shape: shape, storage: Storage(count: Tensor.count(of: shape)))
    }

    public init(shape: [Int], repeating value: Float) {
        self.init(shape: shape, storage: Storage(count: Tensor.count(of: shape), repeating: value))
    }

    public init(shape: [Int], scalars: [Float]) {
        require(Tensor.count(of: shape) == scalars.count,
                     "Tensor: shape \(shape) needs \(Tensor.count(of: shape)) values, got \(scalars.count)")
        let s = Storage(count: scalars.count)
        scalars.withUnsafeBufferPointer { s.pointer.update(from: $0.baseAddress!, count: scalars.count) }
        self.init(shape: shape, storage: s)
    }

    /// A 0-d tensor.
    public init(_ scalar: Float) { self.init(shape: [], scalars: [scalar]) }

    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(shape: shape, repeating: 0) }
    public static func ones(_ shape: [Int]) -> Tensor { Tensor(shape: shape, repeating: 1) }
    public static func full(_ shape: [Int], _ value: Float) -> Tensor { Tensor(shape: shape, repeating: value) }

    /// 0, step, 2·step, ... below `end` (1-d).
    public static func arange(_ start: Float = 0, _ end: Float, step: Float = 1) -> Tensor {
        require(step != 0, "arange: step is 0")
        let n = Swift.max(0, Int(((end - start) / step).rounded(.up)))
        return Tensor(shape: [n], scalars: (0..<n).map { start + Float($0) * step })
    }

    /// Uniform in [low, high).
    public static func uniform(_ shape: [Int], low: Float = 0, high: Float = 1, using rng: inout RandomGenerator) -> Tensor {
        let t = Tensor(uninitializedShape: shape)
        let p = t.storage.pointer
        for i in 0..<t.count { p[i] = rng.uniform(low, high) }
        return t
    }

    /// Normal with the given mean and standard deviation.
    public static func normal(_ shape: [Int], mean: Float = 0, std: Float = 1, using rng: inout RandomGenerator) -> Tensor {
        let t = Tensor(uninitializedShape: shape)
        let p = t.storage.pointer
        for i in 0..<t.count { p[i] = mean + std * rng.normal() }
        return t
    }

    // MARK: shape and values

    public static func count(of shape: [Int]) -> Int { shape.reduce(1, *) }
    public var count: Int { storage.count }
    public var rank: Int { shape.count }

    /// All values, row-major (a copy).
    public var scalars: [Float] { Array(UnsafeBufferPointer(start: storage.pointer, count: count)) }

    /// The value of a one-element tensor.
    public var item: Float {
        require(count == 1, "item: tensor of shape \(shape) has \(count) values")
        return storage.pointer[0]
    }

    /// Row-major strides.
    public var strides: [Int] { Tensor.strides(of: shape) }
    public static func strides(of shape: [Int]) -> [Int] {
        var s = [Int](repeating: 1, count: shape.count)
        var acc = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) { s[i] = acc; acc *= shape[i] }
        return s
    }

    public subscript(index: [Int]) -> Float {
        get { storage.pointer[offset(index)] }
        set { ensureUnique(); storage.pointer[offset(index)] = newValue }
    }

    private func offset(_ index: [Int]) -> Int {
        require(index.count == rank, "index \(index) for shape \(shape)")
        var o = 0
        for (i, d) in zip(index, shape) { require(i >= 0 && i < d, "index \(index) out of \(shape)"); o = o * d + i }
        return o
    }

    /// Read access to the values.
    @inline(__always)
    public func withData<R>(_ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
        try body(storage.pointer)
    }

    /// Write access; copies first if the storage is shared.
    @inline(__always)
    public mutating func withMutableData<R>(_ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        ensureUnique()
        return try body(storage.pointer)
    }

    mutating func ensureUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = Storage(copying: storage) }
    }

    /// The same values under another shape (no copy, no gradient link: see `reshaped`).
    func viewed(as newShape: [Int]) -> Tensor {
        var t = Tensor(shape: newShape, storage: storage)
        t.node = nil
        return t
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let values = scalars.prefix(8).map { String($0) }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(values)\(count > 8 ? ", ..." : "")])"
    }
}

/// Shape helpers used in preconditions.
@inline(__always)
func checkShape(_ a: [Int], _ b: [Int], _ what: @autoclosure () -> String) {
    require(a == b, "\(what()): shapes \(a) and \(b) differ")
}
