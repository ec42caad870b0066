import NeuralCore

/// Runs `body` once under each kernel set this CPU runs (portable, then AVX2, then AVX-512, the
/// last both with and without full-width 16-lane rows), restoring what was active: a kernel test
/// then checks every path of one build.
public func forEachKernelSet(_ body: (KernelSet) throws -> Void) rethrows {
    let was = KernelSet.active, wide = KernelSet.fullWidth512
    defer { KernelSet.use(was); KernelSet.fullWidth512 = wide }
    for set in KernelSet.available {
        KernelSet.use(set)
        for fullWidth in set == .avx512 ? [false, true] : [wide] {
            KernelSet.fullWidth512 = fullWidth
            try body(set)
        }
    }
}
