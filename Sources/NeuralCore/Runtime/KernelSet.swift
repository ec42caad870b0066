internal import CKernels

/// The instruction set of the hand-written kernels (direct 3x3 convolution, packed GEMM of the
/// recurrent and transposed convolutions, exp/sigmoid/tanh, the LSTM step). One build holds all
/// three; the widest the CPU runs is chosen before main, or the one named by
/// DEEPMEDIA_KERNELS=portable|avx2|avx512. BLAS (OpenBLAS) dispatches on its own.
public enum KernelSet: String, CaseIterable, Sendable {
    case portable, avx2, avx512

    /// The set in use.
    public static var active: KernelSet { KernelSet(level: dm_kernels_active()!.pointee.level) }

    /// The sets this CPU runs, narrowest first.
    public static var available: [KernelSet] { allCases.filter { dm_kernels_for_level($0.level) != nil } }

    /// Makes `set` the active one for the whole process (tests and benchmarks); false when the CPU
    /// lacks it. Not for use while other threads run kernels.
    @discardableResult
    public static func use(_ set: KernelSet) -> Bool { dm_kernels_use(set.level) != 0 }

    /// Whether the AVX-512 kernels take 16-lane vectors for rows that fill them only in part
    /// (widths 32-63 that are not a multiple of 16: DnCNN's 40): true where a 16-lane multiply-add
    /// costs what an 8-lane one does (Intel's AVX-512 cores, AMD from Zen 5 on), false on Zen 4,
    /// which splits it in two halves. Chosen from CPUID; DEEPMEDIA_WIDE512=0|1 or this setter
    /// (tests and benchmarks, not while kernels run) forces it. Results are the same either way
    /// up to the rounding of the weight gradient's sums.
    public static var fullWidth512: Bool {
        get { dm_kernels_wide512() != 0 }
        set { dm_kernels_set_wide512(newValue ? 1 : 0) }
    }

    /// Floats per vector register in this set's kernels.
    public var lanes: Int { Int(dm_kernels_for_level(level)?.pointee.lanes ?? 0) }

    var level: Int32 {
        switch self {
        case .portable: Int32(DM_KERNELS_PORTABLE)
        case .avx2: Int32(DM_KERNELS_AVX2)
        case .avx512: Int32(DM_KERNELS_AVX512)
        }
    }

    init(level: Int32) { self = KernelSet.allCases.first { $0.level == level } ?? .portable }
}
