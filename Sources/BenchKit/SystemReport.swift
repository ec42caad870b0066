import Foundation
import NeuralCore

/// The machine as the library sees it, one JSON object: CPU model and family, its vector
/// instructions, the kernel set in use and those available, the BLAS core (and the fallback it
/// replaced), cores and CPUs.
public func systemReport() throws -> String {
    let info: [String: Any] = ["cpu": CPUInfo.model, "isa": CPUInfo.isa, "kernels": CPUInfo.kernels,
                               "kernels_available": KernelSet.available.map(\.rawValue), "blas_core": BLAS.core,
                               "blas_core_replaced": BLAS.replacedCore ?? NSNull(),
                               "cpu_family": CPUInfo.family ?? NSNull(), "full_width_512": KernelSet.fullWidth512,
                               "cores": CPUInfo.cores, "cpus": CPUInfo.cpus]
    return String(decoding: try JSONSerialization.data(withJSONObject: info, options: [.sortedKeys]), as: UTF8.self)
}
