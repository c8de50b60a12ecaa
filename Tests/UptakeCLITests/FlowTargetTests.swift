import Foundation
import XCTest

/// A target on a flow metric is compared with the running total unless it says
/// `cumulative: false` (DESIGN.md, "Feasibility"); forecast.csv carries the total as
/// `<metric>_cumulative`, and P(met) agrees with that total's distribution.
final class FlowTargetTests: XCTestCase {
    private var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    func testFlowTargetsAreComparedWithTheRunningTotal() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("uptake-flow-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let result = try ExecutableRunner.run("uptake", ["run", "Tests/Data/flow/ewallet-signups.yaml", "--out", scratch.path],
                                              timeout: 300, currentDirectory: repository)
        XCTAssertEqual(result.exitCode, 0, result.stderr)
        let folder = scratch.appendingPathComponent("ewallet-signups")
        let feasibility = try rows(folder.appendingPathComponent("feasibility.csv"))
        let forecast = try rows(folder.appendingPathComponent("forecast.csv"))
        func total(_ type: String, _ id: String) -> Double? {
            forecast.first { $0["target"] == "ewallet_signups_cumulative" && $0["target_end_date"] == "2026-12-31"
                && $0["output_type"] == type && $0["output_type_id"] == id }.flatMap { Double($0["value"]!) }
        }
        func flow(_ type: String, _ id: String) -> Double? {
            forecast.first { $0["target"] == "ewallet_signups" && $0["target_end_date"] == "2026-12-31"
                && $0["output_type"] == type && $0["output_type_id"] == id }.flatMap { Double($0["value"]!) }
        }
        let observed = 9000.0 + 21000 + 38000 + 59000 + 80000
        let medianTotal = try XCTUnwrap(total("median", "NA"))
        let medianFlow = try XCTUnwrap(flow("median", "NA"))
        // The total is the observed 207,000 plus the year's flow.
        XCTAssertEqual(medianTotal, observed + medianFlow, accuracy: 0.02 * medianFlow)
        for row in feasibility where row["target_label"]!.contains("in total") {
            let value = Double(row["target_value"]!)!
            let p = Double(row["p_meet"]!)!
            // P(met) = P(total ≥ value) from the total's own CDF, and on the median's side.
            let cdf = try XCTUnwrap(total("cdf", row["target_value"]!))
            XCTAssertEqual(p, 1 - cdf, accuracy: 0.002, row["target_label"]!)
            XCTAssertEqual(p >= 0.5, medianTotal >= value, "\(row["target_label"]!): P \(p), median total \(medianTotal)")
            XCTAssertEqual(Double(row["value_at_deadline_q50"]!)!, medianTotal, accuracy: 0.01 * medianTotal)
        }
        // 280k is near the median total: a one-period comparison (≈ 80k a year) would give 0.
        let near = try XCTUnwrap(feasibility.first { $0["target_value"] == "280000.0" || Double($0["target_value"]!) == 280000 })
        XCTAssertGreaterThan(Double(near["p_meet"]!)!, 0.2)
        // `cumulative: false`: the year's flow, compared with 70k.
        // 2025's 80,000 does not meet a target on 2026's flow: it is not "met" in the data.
        let yearly = try XCTUnwrap(feasibility.first { $0["target_label"]!.contains("sign-ups in 2026") })
        XCTAssertNotEqual(yearly["verdict"], "met")
        XCTAssertEqual(yearly["date_reached_q50"], "", "a target on one period's flow has no date first reached")
        XCTAssertEqual(Double(yearly["value_at_deadline_q50"]!)!, medianFlow, accuracy: 0.02 * medianFlow)
        let p = Double(yearly["p_meet"]!)!
        XCTAssertEqual(p >= 0.5, medianFlow >= 70000)
        XCTAssertGreaterThan(p, 0.02)
        XCTAssertLessThan(p, 0.98, "the year's flow is uncertain (q05 \(yearly["value_at_deadline_q05"]!))")
    }

    private func rows(_ url: URL) throws -> [[String: String]] {
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return lines.dropFirst().map { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return Dictionary(uniqueKeysWithValues: zip(header, fields))
        }
    }
}
