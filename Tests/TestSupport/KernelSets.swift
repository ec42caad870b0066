import NeuralCore

/// Runs `body` once under each kernel set this CPU runs (portable, then AVX2, then AVX-512),
/// restoring the set that was active: a kernel test then checks every path of one build.
public func forEachKernelSet(_ body: (KernelSet) throws -> Void) rethrows {
    let was = KernelSet.active
    defer { KernelSet.use(was) }
    for set in KernelSet.available {
        KernelSet.use(set)
        try body(set)
    }
}
