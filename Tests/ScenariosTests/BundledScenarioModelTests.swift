import Foundation
import XCTest
import Fitting
import Forecasting
import Scenarios

/// The probability model on the bundled scenarios (DESIGN.md, "Monte Carlo"): P(met) and the
/// quantiles do not depend on `forecast.step`, and no probability piles up at the last
/// observation, the bound or the ceiling.
final class BundledScenarioModelTests: XCTestCase {
    static let paths = 4000

    /// The bundled scenarios, found from this file's location (Tests/ScenariosTests/…).
    static func bundled() throws -> [Scenario] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Scenarios").path
        return try ScenarioLoader.expand([root]).map { try ScenarioLoader.load(path: $0) }
    }

    static func run(_ scenario: Scenario, step: ForecastStep) throws -> ForecastResult {
        var scenario = scenario
        scenario.forecast.step = step
        scenario.forecast.paths = paths
        return try Forecaster.run(try scenario.forecastRequest(), jobs: 2)
    }

    /// Every bundled scenario with targets, at month, quarter and year: P(met) within three
    /// combined Monte Carlo standard errors (+0.01), and the quantiles on the dates the grids
    /// share within Monte Carlo error (the 5 %…95 % quantiles within 3 standard errors of a
    /// quantile, √(p(1−p)/n)/density, bounded here by the spread of neighbouring levels).
    func testProbabilityOfMeetingATargetDoesNotDependOnTheStep() throws {
        var compared = 0
        for scenario in try Self.bundled() where !scenario.targets.isEmpty {
            let results = try ForecastStep.allCases.map { try Self.run(scenario, step: $0) }
            for (v, monthly) in results[0].forecasts.enumerated() {
                for other in results.dropFirst() {
                    let forecast = other.forecasts[v]
                    for (a, b) in zip(monthly.feasibility, forecast.feasibility) {
                        let se = (a.pMeetStandardError * a.pMeetStandardError + b.pMeetStandardError * b.pMeetStandardError).squareRoot()
                        XCTAssertEqual(a.pMeet, b.pMeet, accuracy: 3 * se + 0.01,
                                       "\(scenario.id) \(a.variant) '\(a.target.label)': \(monthly.grid.step) vs \(forecast.grid.step)")
                        compared += 1
                    }
                    for (h, date) in forecast.grid.dates.enumerated() {
                        guard let m = monthly.grid.dates.firstIndex(of: date) else { continue }
                        for l in 2...20 {   // 5 % … 95 %
                            let spread = monthly.quantiles[m][l + 2] - monthly.quantiles[m][l - 2]
                            XCTAssertEqual(forecast.quantiles[h][l], monthly.quantiles[m][l], accuracy: max(spread, 1e-9),
                                           "\(scenario.id) \(date) level \(monthly.levels[l])")
                        }
                    }
                }
            }
        }
        XCTAssertGreaterThan(compared, 20)
    }

    /// At every grid date of every bundled scenario (its own step), no two adjacent hub
    /// quantiles are equal at the last observation, the bound or the ceiling — unless the
    /// data sit there: a launch date is "level 0 on this date", so a path that has not
    /// started yet may be 0.
    func testNoProbabilityPilesUpWhereTheOldSimulatorClipped() throws {
        for scenario in try Self.bundled() {
            let result = try Self.run(scenario, step: scenario.forecast.step)
            var stops: [Double] = []
            if let last = scenario.observations.last?.value { stops.append(last) }
            if let bound = scenario.metric.kind.bound { stops.append(bound) }
            if let whole = scenario.observations.last?.of { stops.append(whole) }
            switch scenario.metric.ceiling {
            case let .fixed(value): stops.append(value)
            case let .range(_, max): stops.append(max)
            case .estimated, .prior: break
            }
            if scenario.launch == nil { stops.append(0) }
            for forecast in result.forecasts {
                for (h, row) in forecast.quantiles.enumerated() {
                    for l in 1..<row.count where row[l] == row[l - 1] {
                        for stop in stops where abs(row[l] - stop) <= 1e-9 * max(abs(stop), 1) {
                            XCTFail("\(scenario.id) \(forecast.variant) \(forecast.grid.dates[h]): quantiles \(forecast.levels[l - 1]) "
                                + "and \(forecast.levels[l]) both sit at \(stop)")
                        }
                    }
                }
            }
        }
    }
}

/// `models: auto` is resolved per fit, and panels are cut into cells as documented.
final class PerFitModelsAndPanelCellTests: XCTestCase {
    func testAutoModelsAreChosenFromTheObservationsFitted() throws {
        let scenario = try BundledScenarioModelTests.bundled().first { $0.id == "vietnam-internet-users" }!
        XCTAssertTrue(scenario.modelsAreAuto)
        XCTAssertTrue(try scenario.forecastRequest().families.contains(.richards))
        var truncated = scenario
        truncated.observations = Array(scenario.observations.prefix(3))
        let families = try truncated.forecastRequest().families
        XCTAssertFalse(families.contains(.richards), "3 points do not get Richards: \(families)")
        XCTAssertTrue(families.contains(.logistic))
    }

    func testSnapshotsKeepKObservationsThreeYearsApart() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Data/panel/electricity-12.csv").path
        let panel = try Panel.read(path: root, seriesPattern: "^[A-Z]{3}$")
        XCTAssertEqual(panel.series.count, 12)
        let template = try BundledScenarioModelTests.bundled().first { $0.id == "vietnam-internet-users" }!
        let backtest = PanelBacktest(panel: panel, template: template, cutoffs: [2008, 2012], minimumPoints: 8, snapshots: 3)
        let cells = backtest.cells()
        XCTAssertFalse(cells.isEmpty)
        for cell in cells {
            XCTAssertEqual(cell.training.map(\.date.year), [cell.cutoff - 6, cell.cutoff - 3, cell.cutoff])
            XCTAssertTrue(cell.heldOut.allSatisfy { $0.date.year > cell.cutoff })
        }
        let full = PanelBacktest(panel: panel, template: template, cutoffs: [2008], minimumPoints: 8).cells()
        XCTAssertTrue(full.allSatisfy { $0.training.count >= 8 && $0.training.last!.date.year <= 2008 })
        XCTAssertEqual(backtest.scenario(cells[0]).id, cells[0].series.lowercased())
    }
}
