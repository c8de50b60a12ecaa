import Forecasting
import Foundation
import Scenarios
import XCTest

/// The batch as a library: typed outcomes in file order, typed failures (a bad file and a
/// reused id are reported and skipped, the rest run), the batch status the worst of all,
/// and the outcome's assumptions as typed values.
final class ScenarioBatchTests: XCTestCase {
    private static func scenario(id: String, assumedTarget: Bool = false) -> String {
        """
        id: \(id)
        title: t
        metric: {name: users, kind: count}
        observations:
          - {date: 2020-12-31, value: 100}
          - {date: 2021-12-31, value: 180}
          - {date: 2022-12-31, value: 300}
          - {date: 2023-12-31, value: 420}
        targets:
          - {label: "500 by 2025", value: 500, by: 2025-12-31\(assumedTarget ? ", assumed: true" : "")}
        models: [logistic]
        forecast: {horizon: 2026-12-31, step: year, paths: 200, seed: 7}
        """
    }

    func testFailuresAreTypedAndTheRestRunInFileOrder() throws {
        let folder = try ScratchFolder()
        try folder.write("a.yaml", Self.scenario(id: "alpha", assumedTarget: true))
        try folder.write("b.yaml", "id: [not, a, string]\n")
        try folder.write("c.yaml", Self.scenario(id: "alpha"))
        try folder.write("d.yaml", Self.scenario(id: "delta"))
        var failures: [ScenarioBatch.Failure] = []
        var seen: [(String, Int, Int)] = []
        let batch = ScenarioBatch(paths: 100, seed: 3, jobs: 2)
        let (outcomes, status) = try batch.run([folder.path], onFailure: { failures.append($0) }) { outcome, index, total in
            seen.append((outcome.scenario.id, index, total))
        }
        XCTAssertEqual(status, .badInput)
        XCTAssertEqual(outcomes.map(\.scenario.id), ["alpha", "delta"])
        XCTAssertEqual(seen.map(\.0), ["alpha", "delta"])
        XCTAssertEqual(seen.map(\.1), [1, 4])
        XCTAssertTrue(seen.allSatisfy { $0.2 == 4 })
        XCTAssertEqual(failures.map { ($0.file as NSString).lastPathComponent }, ["b.yaml", "c.yaml"])
        XCTAssertEqual(failures.map(\.status), [.badInput, .badInput])
        XCTAssertTrue(failures[1].message.contains("id 'alpha' is also used by"), failures[1].message)
        // The batch's --paths and --seed reach the scenarios.
        XCTAssertEqual(outcomes.map(\.scenario.forecast.paths), [100, 100])
        XCTAssertEqual(outcomes.map(\.scenario.forecast.seed), [3, 3])
        // Assumptions, typed: the assumed target first (an input), then the model's.
        XCTAssertEqual(outcomes[0].inputAssumptions, [InputAssumption(.target(label: "500 by 2025"), note: nil)])
        XCTAssertEqual(outcomes[0].assumptions.first, .input(InputAssumption(.target(label: "500 by 2025"), note: nil)))
        XCTAssertTrue(outcomes[0].modelAssumptions.contains(.meanReversionAssumed(minimumObservations: 5)))
        XCTAssertTrue(outcomes[1].inputAssumptions.isEmpty)
    }

    func testAMissingInputThrowsAScenarioError() {
        XCTAssertThrowsError(try ScenarioBatch(jobs: 1).run(["/nonexistent/x.yaml"], onFailure: { _ in }) { _, _, _ in }) { error in
            XCTAssertTrue(error is ScenarioError, "\(error)")
        }
    }

    func testExitStatusOrdersBadInputThenFailureThenFlaggedThenSuccess() {
        XCTAssertEqual(ExitStatus.allCases.sorted(), [.success, .flagged, .failed, .badInput])
        XCTAssertEqual(max(ExitStatus.failed, .badInput), .badInput)
        XCTAssertEqual(max(ExitStatus.flagged, .failed), .failed)
        XCTAssertEqual([ExitStatus.success, .flagged].max(), .flagged)
        XCTAssertEqual(ExitStatus.allCases.map(\.rawValue).sorted(), [0, 1, 2, 3])
    }
}
