import XCTest
@testable import Fitting

final class MetricObservationsTests: XCTestCase {
    private func date(_ s: String) -> CalendarDate { CalendarDate(iso: s)! }

    func testDefaultsAndDenominators() throws {
        let counts = try AdoptionSeries.make(observations: [DatedObservation(date: date("2022-07-25"), value: 168)], kind: .count)
        XCTAssertEqual(counts.errorModels, [.log])
        let traders = try AdoptionSeries.make(observations: [DatedObservation(date: date("2022-07-25"), value: 168, of: 542)],
                                              kind: .count, error: .logit)
        XCTAssertEqual(traders.errorModels, [.logit(bound: 542, denominator: 542)])
        let households = try AdoptionSeries.make(observations: [DatedObservation(date: date("2024-06-30"), value: 56.39, of: 11_252)],
                                                 kind: .share(.percent))
        XCTAssertEqual(households.errorModels, [.logit(bound: 100, denominator: 11_252)])
        XCTAssertEqual(households.shareBound, 100)
        XCTAssertEqual(households.observations[0].time, date("2024-06-30").decimalYear)
    }

    func testFlowsRunFromThePreviousDateOrLaunch() throws {
        let sales = try AdoptionSeries.make(
            observations: [DatedObservation(date: date("1963-12-31"), value: 747), DatedObservation(date: date("1964-12-31"), value: 1480)],
            kind: .count, observed: .flow, error: .additive, launch: date("1962-12-31"))
        XCTAssertEqual(sales.observations.map(\.periodStart), [1963.0, 1964.0])
        XCTAssertEqual(sales.observations.map(\.time), [1964.0, 1965.0])
    }

    func testInvalidObservationsAreRejectedWithTheirPlace() {
        func message(_ observations: [DatedObservation], _ kind: MetricKind, _ error: ErrorScale? = nil) -> String {
            do { _ = try AdoptionSeries.make(observations: observations, kind: kind, error: error); return "" } catch { return "\(error)" }
        }
        let a = DatedObservation(date: date("2023-01-31"), value: 10), b = DatedObservation(date: date("2023-01-31"), value: 12)
        XCTAssertTrue(message([a, b], .count).contains("observation 2 (2023-01-31): dates must increase"))
        XCTAssertTrue(message([DatedObservation(date: date("2023-01-31"), value: -1)], .count).contains("cannot be negative"))
        XCTAssertTrue(message([DatedObservation(date: date("2023-01-31"), value: 101)], .share(.percent)).contains("at most 100"))
        XCTAssertTrue(message([DatedObservation(date: date("2023-01-31"), value: 1.2)], .share(.fraction)).contains("at most 1"))
        XCTAssertTrue(message([DatedObservation(date: date("2023-01-31"), value: 700, of: 687)], .count).contains("more than the whole"))
        XCTAssertTrue(message([a], .count, .logit).contains("needs the whole ('of')"))
    }

    /// 687 of 687 (every unit) and 0 of N stay finite and fit.
    func testObservationsOnTheBoundFit() throws {
        let series = try AdoptionSeries.make(
            observations: [DatedObservation(date: date("2022-06-30"), value: 300, of: 687),
                           DatedObservation(date: date("2023-06-30"), value: 600, of: 687),
                           DatedObservation(date: date("2024-06-30"), value: 687, of: 687)],
            kind: .count, error: .logit, ceiling: .fixed(687))
        let fit = try AdoptionFitter().fit(.logistic, to: series)
        XCTAssertTrue(fit.converged)
        XCTAssertTrue(fit.estimates.allSatisfy(\.isFinite))
        XCTAssertGreaterThan(fit.level(at: 2024.5, fit.estimates), 640)
    }
}
