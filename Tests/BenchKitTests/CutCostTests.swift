import XCTest
@testable import BenchKit
@testable import NeuralCore

final class CutCostTests: XCTestCase {
    /// Sites of both runs matched by name, a site of one run only against 0, the serial time as a
    /// site of its own; most added first.
    func testBySiteMatchesSitesAndOrdersByAddedWork() {
        var cut = ThreadModel.Quiet(), uncut = ThreadModel.Quiet()
        cut.serial = 0.002; uncut.serial = 0.0015
        cut.sites = [(site: "Conv.swift:10", regions: 2, work: 0.030, lost: 0.001), (site: "Split.swift:5", regions: 64, work: 0.012, lost: 0)]
        uncut.sites = [(site: "Conv.swift:10", regions: 2, work: 0.027, lost: 0), (site: "Rows.swift:7", regions: 1, work: 0.010, lost: 0),
                       (site: "Adam.swift:3", regions: 1, work: 0.001, lost: 0)]
        let got = CutCost.bySite(cut: cut, uncut: uncut)
        XCTAssertEqual(got.map(\.site), ["Split.swift:5", "Conv.swift:10", "serial", "Adam.swift:3", "Rows.swift:7"])
        XCTAssertEqual(got[0].added, 0.012, accuracy: 1e-12)
        XCTAssertEqual(got[1].added, 0.003, accuracy: 1e-12)
        XCTAssertEqual(got[2].added, 0.0005, accuracy: 1e-12)
        XCTAssertEqual(got[4].cut, 0)
        XCTAssertEqual(got[4].uncut, 0.010, accuracy: 1e-12)
    }
}
