/// Unaligned 8-float loads and stores at p + i, for the hand-vectorised loops (AVX2: one ymm).
extension UnsafePointer where Pointee == Float {
    @inline(__always) func load8(_ i: Int = 0) -> SIMD8<Float> {
        UnsafeRawPointer(self + i).loadUnaligned(as: SIMD8<Float>.self)
    }
}

extension UnsafeMutablePointer where Pointee == Float {
    @inline(__always) func load8(_ i: Int = 0) -> SIMD8<Float> {
        UnsafeRawPointer(self + i).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always) func store8(_ v: SIMD8<Float>, _ i: Int = 0) {
        UnsafeMutableRawPointer(self + i).storeBytes(of: v, as: SIMD8<Float>.self)
    }
}
