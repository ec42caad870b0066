import XCTest
import Foundation
import NeuralCore
import Models
import TestSupport

/// A checkpoint written here loads in PyTorch (`safetensors.torch.load_file` + strict
/// `load_state_dict`) and gives the same logits. Runs where python3 has torch and safetensors.
final class PyTorchInteropTests: XCTestCase {
    func testPyTorchLoadsOurCheckpoint() throws {
        let reference = Fixtures.shared.appendingPathComponent("bench/reference")
        guard FileManager.default.fileExists(atPath: reference.appendingPathComponent("torch_reference.py").path) else {
            print("SKIPPED: ../shared/bench/reference not present"); throw XCTSkip("no torch_reference.py")
        }
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-c", "import torch, safetensors"]
        probe.standardError = FileHandle.nullDevice
        try? probe.run(); probe.waitUntilExit()
        guard probe.terminationStatus == 0 else {
            print("SKIPPED: python3 with torch and safetensors is not installed"); throw XCTSkip("no torch")
        }
        var rng = RandomGenerator(seed: 31)
        let model = LeNet(rng: &rng)
        let x = Tensor.uniform([3, 1, 28, 28], using: &rng)
        let ours = withoutGrad { model(x) }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("interop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let ckpt = dir.appendingPathComponent("lenet.safetensors").path
        let io = dir.appendingPathComponent("io.safetensors").path
        try model.save(to: ckpt)
        var f = SafetensorsFile(); f.tensors["x"] = x
        try f.write(to: io)
        let script = """
        import sys; sys.path.insert(0, '\(reference.path)')
        import torch; from safetensors.torch import load_file, save_file
        from torch_reference import LeNet
        m = LeNet(); m.load_state_dict(load_file('\(ckpt)'), strict=True); m.eval()
        with torch.no_grad(): y = m(load_file('\(io)')['x'])
        save_file({'y': y.contiguous()}, '\(io)')
        """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script]
        try p.run(); p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "PyTorch could not load the checkpoint")
        let theirs = try SafetensorsFile.read(path: io).tensor("y")
        assertClose(ours, theirs, rtol: 1e-4, atol: 1e-5, "LeNet logits, DeepMedia vs PyTorch")
    }
}
