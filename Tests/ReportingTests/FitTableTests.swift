import Foundation
import XCTest
import Fitting
import Forecasting
import LinearAlgebra
import Scenarios
import TextIO
@testable import Reporting
@testable import TextIO

final class FitTableTests: XCTestCase {
    func testQuotingFollowsRFC4180() {
        XCTAssertEqual(CSVTable.quoted("plain"), "plain")
        XCTAssertEqual(CSVTable.quoted("Vung Tau, Ba Ria"), "\"Vung Tau, Ba Ria\"")
        XCTAssertEqual(CSVTable.quoted("say \"hi\""), "\"say \"\"hi\"\"\"")
        XCTAssertEqual(CSVTable.number(.nan), "")
        XCTAssertEqual(CSVTable.number(2023.42), "2023.42")
    }

    /// DESIGN.md, "Outputs": no more than 10 significant digits, written as the shortest
    /// decimal of the rounded value, over the whole range of magnitudes.
    func testNumbersHaveAtMostTenSignificantDigits() {
        XCTAssertEqual(CSVTable.number(0.004975337576486645), "0.004975337576")
        XCTAssertEqual(CSVTable.number(99.9999999999998), "100.0")
        XCTAssertEqual(CSVTable.number(1e-5), "1e-05")
        XCTAssertEqual(CSVTable.number(-2024.9999999999), "-2025.0")
        XCTAssertEqual(CSVTable.number(123456789012.7), "123456789000.0")
        XCTAssertEqual(CSVTable.number(0), "0.0")
        // A near-tie (0.045278141065 is stored just below …065): rounded as its exact value.
        XCTAssertEqual(CSVTable.number(0.045278141065), "0.04527814106")
        // Rounding the largest double to ten digits would overflow: it keeps its value.
        XCTAssertTrue(Double(CSVTable.number(.greatestFiniteMagnitude))!.isFinite)
        XCTAssertEqual(CSVTable.number(-.greatestFiniteMagnitude).first, "-")
        var rng = SplitMix64(seed: 10)
        for _ in 0..<20_000 {
            let x = Double.random(in: 1...10, using: &rng) * pow(10, Double(Int.random(in: -40...40, using: &rng)))
            let text = CSVTable.number(x)
            let digits = text.split(separator: "e")[0].filter(\.isNumber).drop { $0 == "0" }
            let significant = digits.reversed().drop { $0 == "0" }.count
            XCTAssertLessThanOrEqual(significant, 10, "\(x) → \(text)")
            XCTAssertEqual(Double(text)! / x, 1, accuracy: 5e-10, "\(x) → \(text)")
        }
    }

    func testFitCSVHasTheContractColumnsAndOneRowPerParameter() throws {
        let observations = (0..<12).map { i -> CurveObservation in
            let t = 2015 + Double(i) / 2
            return CurveObservation(time: t, value: 1000 / (1 + exp(-0.9 * (t - 2018))) * (1 + 0.02 * sin(Double(i))))
        }
        let series = AdoptionSeries(observations: observations, errorModels: Array(repeating: .log, count: 12))
        let result = AdoptionFitter().fitAll([.logistic, .gompertz], to: series)
        let failure = AdoptionFitFailure(family: .bass, reason: "the Bass model needs a launch date")
        let table = FitTable.table(fits: result.fits, weights: result.weights, failures: [failure])
        let lines = table.text.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[0], "family,parameter,estimate,std_error,ci_low,ci_high,aicc,weight,diagnostics")
        XCTAssertEqual(lines.count, 1 + 3 + 3 + 1)
        XCTAssertTrue(lines[1].hasPrefix("logistic,ceiling,"))
        XCTAssertTrue(lines[3].hasPrefix("logistic,inflection,"), lines[3])
        let rows = try CSVReader.records(in: table.text, file: "fit.csv", mode: .strict).map(\.texts)
        let inflection = Double(rows[3][2])!
        XCTAssertEqual(inflection, 2018, accuracy: 0.1, "decimal years")
        XCTAssertEqual(lines.last, "bass,,,,,,,0,not fitted: the Bass model needs a launch date")
        // Weights of the fitted families sum to 1 (each written at 10 significant digits).
        let weights = rows[1...6].map { Double($0[7])! }
        XCTAssertEqual(weights[0] + weights[3], 1, accuracy: 1e-9)
    }

    func testAtomicWriteReplacesWholeFilesAndLeavesNoTemporaries() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("uptake-atomic-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("sub/fit.csv").path
        try AtomicFile.write("a\n", to: path)
        try AtomicFile.write("b,c\n", to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "b,c\n")
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("sub").path)
        XCTAssertEqual(left, ["fit.csv"])
    }
}

final class AssumptionNotesTests: XCTestCase {
    func testAssumedLaunchAndVariantAreListed() throws {
        var scenario = Scenario(id: "x", metric: Metric(name: "m", kind: .count), launch: CalendarDate(iso: "2021-01-01"),
                                observations: [], targets: [], models: [.logistic],
                                forecast: ForecastSettings(horizon: CalendarDate(iso: "2026-12-31")!),
                                variants: [VariantLevers(id: "push", growthMultiplier: .uniform(lower: 1.1, upper: 1.4))],
                                path: "x.yaml", inputSHA256: "")
        XCTAssertTrue(scenario.inputAssumptions.isEmpty)
        scenario.launchAssumed = true
        scenario.launchNote = "why"
        scenario.variants[0].assumed = true
        XCTAssertEqual(scenario.inputAssumptions, [InputAssumption(.launchDate(CalendarDate(iso: "2021-01-01")!), note: "why"),
                                                   InputAssumption(.variant(id: "push"), note: nil)])
        XCTAssertEqual(scenario.inputAssumptions.map(AssumptionText.sentence),
                       ["launch date 2021-01-01 assumed: why", "variant 'push' assumed"])
    }
}
