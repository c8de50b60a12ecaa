import Fitting
import Forecasting
import Foundation
import Reporting
import Scenarios

/// Runs a batch of scenario files: one bad file is reported and the rest still run; the
/// exit code reports the worst outcome (DESIGN.md: 2, then 3, then 1).
struct ScenarioBatch {
    struct Outcome {
        let scenario: Scenario
        let result: ForecastResult
        let assumptions: [String]
        let timings: [(String, Double)]
    }

    var paths: Int?
    var seed: UInt64?
    var jobs: Int

    /// Loads every scenario file of `inputs` (folders expanded) with the batch's --paths and
    /// --seed applied, and hands each to `body` with its position and the file count. A file
    /// that does not load, or reuses an id, is reported on stderr and skipped. Returns the
    /// exit code of those failures combined with the one `body` returns for each scenario.
    func forEachScenario(_ inputs: [String], _ body: (Scenario, String, Int, Int) throws -> Int32) throws -> Int32 {
        let files: [String]
        do { files = try ScenarioLoader.expand(inputs) } catch { throw InputError("\(error)") }
        if files.isEmpty { throw InputError("no scenario files (*.yaml, *.yml, *.json) in \(inputs.joined(separator: ", "))") }
        var worst: Int32 = 0
        var seenIDs: [String: String] = [:]
        for (index, file) in files.enumerated() {
            var scenario: Scenario
            do {
                scenario = try ScenarioLoader.load(path: file)
            } catch {
                printError("error: \(error)")
                worst = Self.worse(worst, UptakeExitCode.badInput)
                continue
            }
            if let other = seenIDs[scenario.id] {
                printError("error: \(file): id '\(scenario.id)' is also used by \(other); ids must be unique in a batch")
                worst = Self.worse(worst, UptakeExitCode.badInput)
                continue
            }
            seenIDs[scenario.id] = file
            if let paths { scenario.forecast.paths = paths }
            if let seed { scenario.forecast.seed = seed }
            worst = Self.worse(worst, try body(scenario, file, index + 1, files.count))
        }
        return worst
    }

    /// Loads and forecasts every file; `onEach` sees each success as it completes.
    /// Returns the successes and the exit code of the failures.
    func run(_ inputs: [String], onEach: (Outcome, Int, Int) throws -> Void) throws -> (outcomes: [Outcome], exitCode: Int32) {
        var outcomes: [Outcome] = []
        let worst = try forEachScenario(inputs) { scenario, file, index, total in
            let clock = ContinuousClock()
            let result: ForecastResult
            let started = clock.now
            do {
                let request = try scenario.forecastRequest()
                result = try Forecaster.run(request, jobs: jobs)
            } catch let error as ScenarioError {
                printError("error: \(error)")
                return UptakeExitCode.badInput
            } catch {
                printError("error: \(file): the forecast failed: \(error)")
                return UptakeExitCode.fitFailed
            }
            let elapsed = clock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            // The forecaster already notes each family whose noise σ is assumed.
            let assumptions = scenario.assumptionNotes + result.assumptions
            let outcome = Outcome(scenario: scenario, result: result, assumptions: assumptions, timings: [("forecast", seconds)])
            try onEach(outcome, index, total)
            outcomes.append(outcome)
            return 0
        }
        return (outcomes, worst)
    }

    /// 2 beats 3 beats 1 beats 0.
    static func worse(_ a: Int32, _ b: Int32) -> Int32 {
        let rank: [Int32: Int] = [0: 0, 1: 1, 3: 2, 2: 3]
        return (rank[a] ?? 0) >= (rank[b] ?? 0) ? a : b
    }
}
