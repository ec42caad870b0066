import XCTest
import Foundation
import FoundationXML
@testable import RunKit
import NeuralCore

final class LinePlotTests: XCTestCase {
    func testSVGIsWellFormedWithOneLinePerSeries() throws {
        let plot = LinePlot([
            .init("loss", [.init("training", [1.2, 0.6, 0.3, 0.2], color: "#1f77b4"), .init("validation", [1.3, 0.8, 0.7, 0.75], color: "#d62728")]),
            .init("accuracy", [.init("validation", [0.5, 0.8, 0.85, .nan], color: "#d62728")]),
        ])
        let svg = plot.svg()
        XCTAssertEqual(svg.components(separatedBy: "<polyline").count - 1, 3)
        XCTAssertTrue(svg.contains(">training<") && svg.contains(">validation<") && svg.contains(">loss<"))
        let parser = XMLParser(data: Data(svg.utf8))
        XCTAssertTrue(parser.parse(), "SVG must be well-formed XML: \(parser.parserError.map { "\($0)" } ?? "")")
    }

    func testConfusionPictureShadesByRowFraction() {
        var cm = ConfusionMatrix(classes: 2)
        for _ in 0..<9 { cm.add(truth: 0, predicted: 0) }
        cm.add(truth: 0, predicted: 1)
        cm.add(truth: 1, predicted: 1)
        let img = cm.picture(cell: 10)
        XCTAssertEqual([img.width, img.height], [21, 21])
        XCTAssertGreaterThan(img[5, 5, 1], img[5, 15, 1])     // 90 % cell brighter than 10 % cell
        XCTAssertGreaterThan(img[15, 15, 1], 0.85)            // 100 % cell: the bright end
    }

    /// x values are placed by value: epsilons 0, 0.05, 0.1, 0.3 leave the last gap four times the
    /// first; the legend sits above the plot area; ticks are round numbers.
    func testUnevenXValuesAndLegendOutsideThePlot() throws {
        var plot = LinePlot([.init("acc", [.init("accuracy", [1, 0.9, 0.8, 0.2], color: "#d62728")])])
        plot.xValues = [0, 0.05, 0.1, 0.3]
        let svg = plot.svg()
        let points = try XCTUnwrap(svg.components(separatedBy: "points=\"").dropFirst().first?.components(separatedBy: "\"").first)
        let xs = points.split(separator: " ").map { Double($0.split(separator: ",")[0])! }
        XCTAssertEqual((xs[3] - xs[2]) / (xs[1] - xs[0]), 4, accuracy: 1e-9)
        XCTAssertTrue(svg.contains("y=\"36\">accuracy</text>"), svg)
        let ticks = LinePlot.ticks(0, 0.3, count: 6)
        XCTAssertEqual(ticks.count, 7)
        for (t, want) in zip(ticks, [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3]) { XCTAssertEqual(t, want, accuracy: 1e-12) }
        XCTAssertTrue(XMLParser(data: Data(svg.utf8)).parse())
    }

    func testConfusionSVGHasNamesAndCounts() {
        var cm = ConfusionMatrix(classes: 2)
        for _ in 0..<7 { cm.add(truth: 0, predicted: 0) }
        cm.add(truth: 1, predicted: 0)
        let svg = cm.svg(classNames: ["cats & dogs", "birds"])
        XCTAssertTrue(svg.contains(">cats &amp; dogs</text>") && svg.contains(">birds</text>"))
        XCTAssertTrue(svg.contains(">7</text>") && svg.contains(">1</text>"))
        XCTAssertTrue(XMLParser(data: Data(svg.utf8)).parse())
    }
}
