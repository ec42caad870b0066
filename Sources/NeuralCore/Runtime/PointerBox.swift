/// Owns a buffer captured by a pullback; freed with the graph.
final class PointerBox<T> {
    let pointer: UnsafeMutablePointer<T>
    init(_ p: UnsafeMutablePointer<T>) { pointer = p }
    deinit { pointer.deallocate() }
}
