import Fitting
import Forecasting
import Foundation
import Reporting
import Scenarios
import TextIO
import XCTest

/// Assumptions are typed values put in words in one place: the sentences run.json has
/// always carried (the bundled Results' run.json files are checked byte for byte by
/// BundledResultsTests), and ResultsFolder reading back what it wrote.
final class AssumptionTextTests: XCTestCase {
    func testModelAssumptionSentences() {
        let date = CalendarDate(iso: "2020-01-01")!, reference = CalendarDate(iso: "2023-12-31")!
        XCTAssertEqual(AssumptionText.sentence(ModelAssumption.defaultCeilingRange(lower: 420, upper: 1e9)),
                       "no ceiling given: the ceiling is drawn from a uniform prior over [420, 1e+09], the highest observation to the bound (assumed)")
        XCTAssertEqual(AssumptionText.sentence(ModelAssumption.noiseAssumed(family: .gompertz, sigma: 0.123456, scale: "log")),
                       "gompertz: too few observations to estimate the noise; σ = 0.123 on the log scale assumed")
        XCTAssertEqual(AssumptionText.sentence(ModelAssumption.leversStartAtReference(variant: "push", requested: date, reference: reference)),
                       "variant push: its levers start on 2020-01-01, before the last observation (2023-12-31); they act from 2023-12-31 on")
        XCTAssertEqual(AssumptionText.sentence(ModelAssumption.covarianceClipped(family: .bass, negativeEigenvalues: 1)),
                       "bass: the parameter covariance was not positive semidefinite (1 negative eigenvalue); draws use the nearest positive semidefinite matrix")
        XCTAssertEqual(AssumptionText.sentence(ModelAssumption.ceilingMultiplierNotApplicable(variant: "v", families: [.linear, .exponential])),
                       "variant v: the ceiling multiplier does not apply to linear, exponential (no ceiling)")
        XCTAssertEqual(AssumptionText.sentence(Assumption.input(InputAssumption(.observation(date: date, value: 12.5), note: "estimated"))),
                       "observation 2020-01-01 = 12.5 assumed: estimated")
        XCTAssertEqual(AssumptionText.subject(.prior(parameter: "growth_rate", distribution: .uniform(lower: 0.2, upper: 0.6))),
                       "growth_rate prior \(PriorDistribution.uniform(lower: 0.2, upper: 0.6)) assumed")
    }

    func testResultsFolderReadsBackTheRowsItWrote() throws {
        let root = NSTemporaryDirectory() + "uptake-results-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        let results = ResultsFolder(root)
        XCTAssertTrue(results.scenarioIDs().isEmpty)
        let rows = [["b", "baseline", "label, with comma", "5", "2025-12-31", "true", "0.5", "0.01", "1", "2", "3", "", "", "", "at_risk"],
                    ["a", "baseline", "x", "5", "2025-12-31", "false", "0.9", "0.01", "1", "2", "3", "2024-01-31", "", "", "on_track"]]
        for row in rows {
            var text = TextBuffer()
            text.append(FeasibilityTable.table(rows: [row]).text)
            try AtomicFile.write(text, to: results.folder(for: row[0]) + "/feasibility.csv")
            try AtomicFile.write("{}\n", to: results.folder(for: row[0]) + "/run.json")
        }
        // A folder without run.json is not a scenario folder.
        try AtomicFile.write("x", to: results.folder(for: "stray") + "/feasibility.csv")
        XCTAssertEqual(results.scenarioIDs(), ["a", "b"])
        let (read, problems) = results.summaryRows()
        XCTAssertEqual(read, [rows[1], rows[0]])
        XCTAssertTrue(problems.isEmpty)
        XCTAssertTrue(try results.writeSummary().isEmpty)
        XCTAssertEqual(try String(contentsOfFile: root + "/summary.csv", encoding: .utf8),
                       FeasibilityTable.table(rows: [rows[1], rows[0]]).text)
        // A damaged table is reported, naming the file, and the others still go in.
        try AtomicFile.write("not,a,table\n", to: results.folder(for: "b") + "/feasibility.csv")
        let (partial, damaged) = results.summaryRows()
        XCTAssertEqual(partial, [rows[1]])
        XCTAssertEqual(damaged.count, 1)
        XCTAssertTrue(damaged[0].contains("b/feasibility.csv"), damaged[0])
    }
}
