import Foundation
import XCTest
import Fitting
import Forecasting
import Scenarios
@testable import Reporting

/// fan.svg as a planner reads it: on every bundled scenario no two texts overlap and none
/// leaves the canvas (checked on the layout the SVG is written from, and that the SVG draws
/// exactly those texts where the layout put them); dates at the right x; the ceiling drawn;
/// 50 / 80 / 90 % bands; P(met) beside each target.
final class FanChartTests: XCTestCase {
    static let paths = 2000

    static var scenarioFolder: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Scenarios").path
    }

    static func bundled() throws -> [Scenario] {
        try ScenarioLoader.expand([scenarioFolder]).map { try ScenarioLoader.load(path: $0) }
    }

    static func bundled(_ id: String) throws -> Scenario {
        try ScenarioLoader.load(path: scenarioFolder + "/\(id).yaml")
    }

    static func outcome(_ scenario: Scenario, paths: Int = paths) throws -> ScenarioOutcome {
        var scenario = scenario
        scenario.forecast.paths = paths
        let result = try Forecaster.run(try scenario.forecastRequest(), jobs: 2)
        return ScenarioOutcome(file: scenario.path, scenario: scenario, result: result, forecastSeconds: 0)
    }

    static func chart(_ outcome: ScenarioOutcome) -> (layout: FanChartLayout, svg: String) {
        let layout = FanChart.layout(scenario: outcome.scenario, forecasts: outcome.result.forecasts, assumptions: outcome.assumptions)
        let svg = FanChart.svg(scenario: outcome.scenario, forecasts: outcome.result.forecasts, assumptions: outcome.assumptions).text
        return (layout, svg)
    }

    /// y of a value on the layout's axis.
    static func y(_ value: Double, _ layout: FanChartLayout) -> Double {
        layout.plot.maxY - value / layout.valueTicks.last!.value * layout.plot.height
    }

    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// Every text box inside the canvas, no two overlapping, and the SVG drawing exactly the
    /// layout's texts at the layout's positions.
    func assertReadable(_ layout: FanChartLayout, _ svg: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
        let canvas = ChartRect(x: 0, y: 0, width: layout.width, height: layout.height)
        let texts = layout.texts
        XCTAssertGreaterThan(texts.count, 10, name, file: file, line: line)
        for text in texts {
            XCTAssertTrue(canvas.contains(text.box), "\(name): '\(text.text)' leaves the canvas: \(text.box)", file: file, line: line)
        }
        for i in texts.indices {
            for j in texts.indices where j > i && texts[i].box.overlaps(texts[j].box) {
                XCTFail("\(name): '\(texts[i].text)' \(texts[i].box) overlaps '\(texts[j].text)' \(texts[j].box)", file: file, line: line)
            }
        }
        XCTAssertEqual(svg.components(separatedBy: "<text ").count - 1, texts.count, "\(name): the SVG draws the layout's texts",
                       file: file, line: line)
        for text in texts {
            let start = String(format: "<text x=\"%.2f\" y=\"%.2f\"", text.x, text.y)
            XCTAssertTrue(svg.contains(start), "\(name): '\(text.text)' not drawn at \(start)", file: file, line: line)
            XCTAssertTrue(svg.contains(">\(Self.escaped(text.text))</text>"), "\(name): '\(text.text)' not drawn", file: file, line: line)
        }
        XCTAssertTrue(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(String(format: "%.2f", layout.width))\" "
            + "height=\"\(String(format: "%.2f", layout.height))\""), name, file: file, line: line)
    }

    /// (b) The label boxes of every bundled fan chart: none overlaps another, none leaves the
    /// canvas; every target has its label and P(met), or a number and a line in the list.
    func testEveryBundledFanChartKeepsItsTextApartAndOnTheCanvas() throws {
        let scenarios = try Self.bundled()
        XCTAssertGreaterThanOrEqual(scenarios.count, 9)
        for scenario in scenarios {
            let outcome = try Self.outcome(scenario)
            let (layout, svg) = Self.chart(outcome)
            assertReadable(layout, svg, scenario.id)

            let labelled = layout.targets.indices.filter { layout.targets[$0].number == nil }
            XCTAssertEqual(layout.texts(.targetLabel).count, labelled.count, scenario.id)
            XCTAssertEqual(layout.texts(.targetNumber).count + labelled.count, scenario.targets.count, scenario.id)
            XCTAssertEqual(layout.texts(.targetListEntry).count, scenario.targets.count - labelled.count, scenario.id)
            let baseline = outcome.result.forecasts[0]
            for (index, chance) in zip(labelled, layout.texts(.targetChance)) {
                let row = baseline.feasibility[index]
                XCTAssertEqual(row.target.label, scenario.targets[index].label)
                let p = row.pMeet > 0.995 && row.pMeet < 1 ? "> 0.99" : String(format: "%.2f", row.pMeet)
                XCTAssertTrue(chance.text.hasPrefix("P(met) \(p) · "), "\(scenario.id): \(chance.text) for p = \(row.pMeet)")
                XCTAssertTrue(chance.text.contains(row.verdict.rawValue.replacingOccurrences(of: "_", with: " ")), chance.text)
            }
            // The axis covers everything drawn; a share's axis is in percent.
            let plot = layout.plot
            for mark in layout.observations.map({ ($0.x, $0.y) }) + layout.targets.map({ ($0.x, $0.y) }) {
                XCTAssertTrue(mark.1 >= plot.minY - 1e-9 && mark.1 <= plot.maxY + 1e-9 && mark.0 >= plot.minX && mark.0 <= plot.maxX,
                              "\(scenario.id): \(mark) outside the plot")
            }
            for band in layout.bands {
                XCTAssertTrue(band.outline.allSatisfy { $0.y >= plot.minY - 1e-9 }, "\(scenario.id): the fan is cut at the top")
            }
            if case .share = scenario.metric.kind {
                XCTAssertTrue(layout.valueTicks.allSatisfy { $0.label.hasSuffix(" %") }, "\(scenario.id): \(layout.valueTicks.map(\.label))")
            } else {
                XCTAssertFalse(layout.valueTicks.contains { $0.label.contains("%") }, scenario.id)
            }
        }
    }

    /// Targets crowded at one deadline: the labels that find no place are numbered at their
    /// markers and listed under the chart, which grows; still nothing overlaps.
    func testCrowdedTargetsFallBackToANumberedListAndStillNeverOverlap() throws {
        var scenario = try Self.bundled("vung-tau-market-qr")
        scenario.targets = (0..<16).map { k in
            ScenarioTarget(value: 280 + 16 * Double(k), by: CalendarDate(iso: k % 2 == 0 ? "2023-12-31" : "2024-03-31")!,
                           label: "target number \(k + 1), with a label long enough to need shortening somewhere on this chart")
        }
        let (layout, svg) = Self.chart(try Self.outcome(scenario, paths: 300))
        assertReadable(layout, svg, "crowded")
        let numbered = layout.targets.compactMap(\.number)
        XCTAssertFalse(numbered.isEmpty, "16 long labels at two deadlines cannot all sit beside their markers")
        XCTAssertEqual(numbered, Array(1...numbered.count))
        XCTAssertEqual(layout.texts(.targetListEntry).count, numbered.count)
        XCTAssertTrue(layout.texts(.targetListEntry)[0].text.hasPrefix("1  target number"))
        XCTAssertEqual(layout.height, 480 + 16 * Double(numbered.count))
        XCTAssertTrue(layout.texts(.targetLabel).contains { $0.text.hasSuffix("…") }, "labels are shortened before they are listed")
    }

    /// (c) A date stands at the middle of its day, a year tick at 1 January: an observation of
    /// 2022-12-31 sits just left of the 2023 tick, not on it (the model's decimal year of that
    /// date is 2023.0).
    func testAYearEndObservationIsDrawnJustLeftOfTheNextYearsTick() throws {
        let yaml = """
        id: year-end
        metric:
          name: traders
          kind: count
        observations:
          - {date: 2021-12-31, value: 100}
          - {date: 2022-12-31, value: 168}
        targets:
          - {value: 300, by: 2023-12-31, label: 300 by the end of 2023}
        forecast:
          horizon: 2025-12-31
        """
        let scenario = try ScenarioLoader.load(contents: yaml, path: "year-end.yaml")
        XCTAssertEqual(scenario.observations[1].date.decimalYear, 2023.0)
        let (layout, svg) = Self.chart(try Self.outcome(scenario, paths: 300))
        let tick2023 = try XCTUnwrap(layout.yearTicks.first { $0.year == 2023 }).x
        let tick2024 = try XCTUnwrap(layout.yearTicks.first { $0.year == 2024 }).x
        let day = (tick2024 - tick2023) / 365
        let observation = layout.observations[1].x
        XCTAssertLessThan(observation, tick2023)
        XCTAssertEqual(observation, tick2023 - day / 2, accuracy: 1e-6, "the middle of 31 December")
        XCTAssertLessThan(layout.targets[0].x, tick2024, "a deadline of 2023-12-31 is in 2023")
        XCTAssertGreaterThan(layout.targets[0].x, tick2024 - day)
        XCTAssertLessThan(FanChart.position(of: CalendarDate(iso: "2022-12-31")!), 2023)
        XCTAssertGreaterThan(FanChart.position(of: CalendarDate(iso: "2023-01-01")!), 2023)
        XCTAssertTrue(svg.contains(String(format: "<circle cx=\"%.2f\"", observation)))
        XCTAssertTrue(svg.contains(String(format: "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\"", tick2023, layout.plot.maxY, tick2023)))
        assertReadable(layout, svg, "year-end")
    }

    /// (d) A fixed ceiling is a labelled dashed line; the ends of a ceiling range are two; a
    /// ceiling up to 1.5 × the highest value otherwise drawn extends the axis, one beyond is
    /// left out.
    func testTheCeilingIsDrawnAsALabelledDashedLine() throws {
        let outcome = try Self.outcome(try Self.bundled("vung-tau-market-qr"))
        let (layout, svg) = Self.chart(outcome)
        XCTAssertEqual(layout.ceilings.map(\.value), [542])
        XCTAssertEqual(layout.texts(.ceiling).map(\.text), ["ceiling 542"])
        let y = layout.ceilings[0].y
        XCTAssertEqual(y, Self.y(542, layout), accuracy: 1e-9)
        XCTAssertTrue(svg.contains(String(format: "y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#555\" stroke-width=\"1.20\" stroke-dasharray=\"8 4\"",
                                          y, layout.plot.maxX, y)), "the dashed line at 542")
        XCTAssertTrue(layout.texts(.legend).contains { $0.text == "ceiling" })
        XCTAssertEqual(layout.valueTicks.last?.value, 600)

        var reach = outcome
        reach.scenario.metric.ceiling = .fixed(800)      // within 1.5 × the fan's top (≈ 545)
        XCTAssertEqual(Self.chart(reach).layout.ceilings.map(\.value), [800])
        XCTAssertEqual(Self.chart(reach).layout.valueTicks.last?.value, 800)
        reach.scenario.metric.ceiling = .fixed(2000)     // beyond: the fan is not squashed for it
        XCTAssertEqual(Self.chart(reach).layout.ceilings.count, 0)
        XCTAssertEqual(Self.chart(reach).layout.valueTicks.last?.value, 600)
        reach.scenario.metric.ceiling = .range(min: 500, max: 2000)
        XCTAssertEqual(Self.chart(reach).layout.ceilings.map(\.label), ["ceiling range, bottom: 500"])

        let range = Self.chart(try Self.outcome(try Self.bundled("vinh-phuc-eid-accounts"), paths: 300)).layout
        XCTAssertEqual(range.texts(.ceiling).map(\.text).sorted(),
                       ["ceiling range, bottom: 727,000 (assumed)", "ceiling range, top: 950,000 (assumed)"])
    }

    /// (e) The bands are the 50 / 80 / 90 % intervals of the CSVs (hub levels 0.25–0.75,
    /// 0.10–0.90, 0.05–0.95), and the legend and subtitle say so.
    func testTheBandsAreFiftyEightyNinetyAndTheLegendSaysSo() throws {
        let outcome = try Self.outcome(try Self.bundled("vung-tau-market-qr"))
        let (layout, svg) = Self.chart(outcome)
        XCTAssertTrue(layout.texts(.legend).contains { $0.text == "50 / 80 / 90 % bands" })
        XCTAssertTrue(layout.texts(.subtitle)[0].text.hasSuffix("median and 50 / 80 / 90 % bands"))
        XCTAssertFalse(svg.contains("95 %"))
        XCTAssertEqual(layout.bands.map(\.coverage), [0.9, 0.8, 0.5])
        let baseline = outcome.result.forecasts[0]
        for (band, (low, high)) in zip(layout.bands, [(0.05, 0.95), (0.10, 0.90), (0.25, 0.75)]) {
            let l = try XCTUnwrap(baseline.levels.firstIndex { abs($0 - low) < 1e-9 })
            let h = try XCTUnwrap(baseline.levels.firstIndex { abs($0 - high) < 1e-9 })
            // Outline: the last observation, the upper quantiles, then the lower ones backwards.
            XCTAssertEqual(band.outline[1].y, Self.y(baseline.quantiles[0][h], layout), accuracy: 1e-9)
            XCTAssertEqual(band.outline.last!.y, Self.y(baseline.quantiles[0][l], layout), accuracy: 1e-9)
            XCTAssertEqual(band.outline.count, 1 + 2 * baseline.grid.dates.count)
        }
    }

    func testThePlacerKeepsBoxesApartAndInsideItsRegion() {
        let marker = ChartRect(centre: (x: 190, y: 50), width: 10, height: 10)
        var placer = LabelPlacer(region: ChartRect(x: 0, y: 0, width: 200, height: 110), occupied: [marker])
        var placed: [ChartRect] = []
        for _ in 0..<4 {
            guard let spot = placer.best(LabelPlacer.around(marker, width: 60, height: 20)) else { break }
            placer.occupy(spot.box)
            placed.append(spot.box)
        }
        XCTAssertEqual(placed.count, 4)
        XCTAssertEqual(placed[0].maxX, marker.minX - 4, "no room on the right: the first label goes left, level with its marker")
        XCTAssertEqual(placed[0].midY, 50)
        for (i, a) in placed.enumerated() {
            XCTAssertTrue(placer.region.contains(a))
            XCTAssertFalse(a.overlaps(marker))
            for b in placed[(i + 1)...] { XCTAssertFalse(a.overlaps(b)) }
        }
        // A soft obstacle moves a label, a hard one forbids the spot.
        var soft = LabelPlacer(region: ChartRect(x: 0, y: 0, width: 200, height: 100), occupied: [marker],
                               avoided: [ChartRect(x: 150, y: 48, width: 5, height: 5)])
        XCTAssertNotEqual(soft.best(LabelPlacer.around(marker, width: 60, height: 20))?.box.midY, 50)
        soft.occupy(ChartRect(x: 0, y: 0, width: 200, height: 100))
        XCTAssertNil(soft.best(LabelPlacer.around(marker, width: 60, height: 20)))
    }
}
