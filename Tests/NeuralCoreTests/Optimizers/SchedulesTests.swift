import XCTest
import Foundation
import NeuralCore
import TestSupport

final class SchedulesTests: XCTestCase {
    /// The schedules of the fixtures, by PyTorch's scheduler names.
    static let schedules: [String: LRSchedule] = [
        "StepLR": .step(size: 3, gamma: 0.5),
        "CosineAnnealingLR": .cosine(tMax: 10, etaMin: 1e-3),
        "LinearLR_warmup": .linearWarmup(startFactor: 0.1, endFactor: 1.0, iterations: 5),
        "ExponentialLR": .exponential(gamma: 0.9),
    ]

    func testMatchesPyTorchSchedulers() throws {
        let url = Fixtures.local.appendingPathComponent("optim/lr_schedules.json")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        let base = Float(json["base_lr"] as! Double)
        let schedules = json["schedules"] as! [String: [String: Any]]
        let ours = Self.schedules
        XCTAssertEqual(Set(schedules.keys), Set(ours.keys))
        for (name, s) in ours {
            let expected = (schedules[name]!["lrs"] as! [Double]).map(Float.init)
            let got = (0..<expected.count).map { s.learningRate(base: base, epoch: $0) }
            assertClose(got, expected, rtol: 1e-5, atol: 1e-7, name)
        }
    }

    /// 3 x T_max epochs through a scheduler attached to an optimizer, against PyTorch's schedulers
    /// stepped the same way (scripts/make_schedule_fixtures.py): cosine rises again after T_max.
    func testAttachedSchedulersMatchPyTorchForThreeTMax() throws {
        let url = Fixtures.local.appendingPathComponent("optim/lr_schedules_long.json")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        let base = Float(json["base_lr"] as! Double)
        let schedules = json["schedules"] as! [String: [Double]]
        let ours = Self.schedules
        XCTAssertEqual(Set(schedules.keys), Set(ours.keys))
        for (name, s) in ours {
            let expected = schedules[name]!.map(Float.init)
            XCTAssertEqual(expected.count, 30)
            let opt = SGD([Parameter(Tensor(shape: [1], scalars: [0]))], lr: base)
            let sched = LRScheduler(opt, s)
            var got: [Float] = []
            for _ in 0..<expected.count { got.append(opt.learningRate); sched.step() }
            assertClose(got, expected, rtol: 1e-5, atol: 1e-7, name)
        }
    }
}
