@testable import Fitting
import XCTest

/// Student's t quantile to double precision and the intervals built on it.
final class ParameterConfidenceIntervalsTests: XCTestCase {
    func testRefinedQuantileMatchesScipyToFourteenDigits() {
        // scipy.stats.t.ppf(p, ν), scipy 1.17.1.
        let reference: [(Double, Double, Double)] = [
            (1.0, 0.975, 12.706204736174694), (2.0, 0.975, 4.302652729749462),
            (3.0, 0.975, 3.1824463052837078), (3.0, 0.995, 5.840909309733355),
            (4.0, 0.9, 1.533206274058944), (7.0, 0.975, 2.364624251592784),
            (12.0, 0.975, 2.1788128296672284), (25.0, 0.975, 2.0595385527532972),
            (30.0, 0.95, 1.697260886593957), (200.0, 0.975, 1.9718962236339088),
            (1000.0, 0.999, 3.0984021639129233),
        ]
        for (nu, p, expected) in reference {
            XCTAssertEqual(StudentT.refinedQuantile(p, degreesOfFreedom: nu), expected, accuracy: 1e-13 * expected, "ν = \(nu), p = \(p)")
            XCTAssertEqual(StudentT.refinedQuantile(1 - p, degreesOfFreedom: nu), -expected, accuracy: 1e-13 * expected)
            // The tail it solves for, and Hill's start it refines (5 digits).
            XCTAssertEqual(StudentT.upperTail(expected, degreesOfFreedom: nu), 1 - p, accuracy: 1e-14)
            XCTAssertEqual(StudentT.quantile(p, degreesOfFreedom: nu), expected, accuracy: 1e-5 * expected)
        }
        XCTAssertEqual(StudentT.refinedQuantile(0.5, degreesOfFreedom: 5), 0)
    }

    /// A straight line y = a + b·x: the intervals are exact there, a closed form.
    func testIntervalsOfAStraightLineAreTheClosedForm() throws {
        let x: [Double] = [1, 2, 3, 4, 5, 6, 7]
        let y: [Double] = [2.1, 3.9, 6.2, 7.8, 10.1, 12.2, 13.8]
        let table = DataTable(columns: ["x": x, "y": y], order: ["x", "y"])
        let model = try FormulaModel(formula: try Formula(parsing: "y = a + b*x"), data: table)
        let fit = try LevenbergMarquardt().minimize(model, from: [0, 1])
        let ci = ParameterConfidenceIntervals(fit)

        let n = Double(x.count)
        let meanX = x.reduce(0, +) / n, meanY = y.reduce(0, +) / n
        let sxx = x.reduce(0) { $0 + ($1 - meanX) * ($1 - meanX) }
        let b = zip(x, y).reduce(0) { $0 + ($1.0 - meanX) * ($1.1 - meanY) } / sxx
        let a = meanY - b * meanX
        let rss = zip(x, y).reduce(0) { $0 + pow($1.1 - a - b * $1.0, 2) }
        let s2 = rss / (n - 2)
        let seA = (s2 * (1 / n + meanX * meanX / sxx)).squareRoot(), seB = (s2 / sxx).squareRoot()
        let t = 2.5705818356363146   // scipy.stats.t.ppf(0.975, 5)

        XCTAssertEqual(ci.degreesOfFreedom, 5)
        XCTAssertEqual(ci.tQuantile, t, accuracy: 1e-13)
        XCTAssertEqual(ci.lower[0], a - t * seA, accuracy: 1e-10)
        XCTAssertEqual(ci.upper[0], a + t * seA, accuracy: 1e-10)
        XCTAssertEqual(ci.lower[1], b - t * seB, accuracy: 1e-10)
        XCTAssertEqual(ci.upper[1], b + t * seB, accuracy: 1e-10)

        let narrower = ParameterConfidenceIntervals(fit, level: 0.9)
        XCTAssertLessThan(narrower.upper[1] - narrower.lower[1], ci.upper[1] - ci.lower[1])
    }

    func testNoDegreesOfFreedomGiveNoInterval() throws {
        let table = DataTable(columns: ["x": [1, 2], "y": [1, 3]], order: ["x", "y"])
        let model = try FormulaModel(formula: try Formula(parsing: "y = a + b*x"), data: table)
        let ci = ParameterConfidenceIntervals(try LevenbergMarquardt().minimize(model, from: [0, 1]))
        XCTAssertTrue(ci.tQuantile.isNaN)
        XCTAssertTrue(ci.lower.allSatisfy(\.isNaN) && ci.upper.allSatisfy(\.isNaN))
    }

    func testDateCellsAreReadAsDecimalYears() throws {
        let table = try DataTable(csvContents: "date,y\n2024-06-30,1\n2025-12,2\n2025-12-31,3\n", fileName: "d.csv")
        XCTAssertEqual(table.dateColumns, ["date"])
        XCTAssertEqual(table.column("date"), [CalendarDate(iso: "2024-06-30")!.decimalYear, 2026.0, 2026.0])
        XCTAssertEqual(table.column("y"), [1, 2, 3])
        XCTAssertNil(CalendarDate(isoMonth: "2025-13"))
        XCTAssertNil(CalendarDate(isoMonth: "2025-1"))
        XCTAssertEqual(CalendarDate(isoMonth: "2024-02"), CalendarDate(year: 2024, month: 2, day: 29))
    }
}
