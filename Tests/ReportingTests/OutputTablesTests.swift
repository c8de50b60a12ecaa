import Foundation
import XCTest
import Forecasting
import Scenarios
import TextFormatReference
import TextIO
@testable import Reporting

/// forecast.csv and feasibility.csv written field by field into bytes are the documents the
/// String rows gave (``LegacyTextFormat``), on bundled scenarios with variants, a flow, a
/// location with a comma, and a quote added to it.
final class OutputTablesTests: XCTestCase {
    private var scenarios: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Scenarios")
    }

    private func forecast(_ name: String, location: String? = nil) throws -> (Scenario, ForecastResult) {
        var scenario = try ScenarioLoader.load(path: scenarios.appendingPathComponent(name).path)
        scenario.forecast.paths = 400
        if let location { scenario.location = location }
        return (scenario, try Forecaster.run(try scenario.forecastRequest()))
    }

    /// forecast.csv as the String path built it: one array of quoted fields per row.
    private func legacyForecastCSV(_ scenario: Scenario, _ forecasts: [VariantForecast]) -> String {
        var text = ForecastTable.header.map(LegacyTextFormat.quoted).joined(separator: ",") + "\n"
        func rows(_ summary: SeriesSummary, _ target: String, _ forecast: VariantForecast) {
            for (h, date) in forecast.grid.dates.enumerated() {
                let prefix = [scenario.id, forecast.variant, scenario.location ?? "", target,
                              forecast.grid.referenceDate.description, String(h + 1), date.description]
                func row(_ fields: [String]) { text += (prefix + fields).map(LegacyTextFormat.quoted).joined(separator: ",") + "\n" }
                for (l, level) in summary.levels.enumerated() {
                    row(["quantile", LegacyTextFormat.number(level), LegacyTextFormat.number(summary.quantiles[h][l])])
                }
                row(["mean", "NA", LegacyTextFormat.number(summary.mean[h])])
                row(["median", "NA", LegacyTextFormat.number(summary.median[h])])
                for (k, value) in summary.cdfValues.enumerated() {
                    row(["cdf", LegacyTextFormat.number(value), LegacyTextFormat.number(summary.cdf[h][k])])
                }
            }
        }
        for forecast in forecasts {
            rows(forecast.own, scenario.metric.name, forecast)
            if let cumulative = forecast.cumulative { rows(cumulative, scenario.metric.name + "_cumulative", forecast) }
        }
        return text
    }

    func testForecastAndFeasibilityCSVMatchTheStringPath() throws {
        let cases = [("hai-chau-business-households-noncash.yaml", nil), ("vung-tau-school-fees-noncash.yaml", nil),
                     ("phu-my-noncash-acceptance-points.yaml", "Phu My \"new town\", Ba Ria–Vung Tau"),
                     ("vietnam-internet-users.yaml", nil)]
        var buffer = TextBuffer()
        for (name, location) in cases {
            let (scenario, result) = try forecast(name, location: location)
            let table = ForecastTable.table(scenario: scenario, forecasts: result.forecasts, reusing: buffer.take())
            XCTAssertEqual(table.text, legacyForecastCSV(scenario, result.forecasts), name)
            XCTAssertGreaterThan(table.rowCount, 100)
            buffer = table.document
            let rows = FeasibilityTable.rows(scenario: scenario.id, forecasts: result.forecasts)
            let legacy = ([FeasibilityTable.header] + rows).map { $0.map(LegacyTextFormat.quoted).joined(separator: ",") + "\n" }.joined()
            let feasibility = FeasibilityTable.table(scenario: scenario.id, forecasts: result.forecasts, reusing: buffer.take())
            XCTAssertEqual(feasibility.text, legacy, name)
            XCTAssertEqual(FeasibilityTable.table(rows: rows).text, legacy, name)
            buffer = feasibility.document
        }
    }
}
