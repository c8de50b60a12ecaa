import Fitting
import Forecasting
import Foundation
import Reporting
import Scenarios

/// Runs a batch of scenario files: one bad file is reported and the rest still run; the
/// exit code reports the worst outcome (DESIGN.md: 2, then 3, then 1).
struct ScenarioBatch {
    struct Outcome: Sendable {
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
                printError(other == file
                    ? "error: \(file) is given twice; a batch runs each file once"
                    : "error: \(file): id '\(scenario.id)' is also used by \(other); ids must be unique in a batch")
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

    /// Loads and forecasts every file; `persist` sees each success on the thread that
    /// forecast it (so writing files scales with the jobs), `onEach` then sees it in file
    /// order. A scenario whose `persist` throws is reported as failed (exit code 2) and the
    /// others still run. Returns the successes and the exit code of the failures.
    ///
    /// With several files and more than one job, whole scenarios are forecast concurrently
    /// (each on one thread); with one file, its paths are. Either way every number is the
    /// same (the engine's results do not depend on threads), and messages and outputs come
    /// in file order.
    func run(_ inputs: [String], persist: @Sendable (Outcome) throws -> Void = { _ in },
             onEach: (Outcome, Int, Int) throws -> Void) throws -> (outcomes: [Outcome], exitCode: Int32) {
        var loaded: [(scenario: Scenario, file: String, index: Int, total: Int)] = []
        var worst = try forEachScenario(inputs) { scenario, file, index, total in
            loaded.append((scenario, file, index, total))
            return 0
        }
        let concurrentScenarios = loaded.count > 1 && jobs > 1
        let work = loaded.map { ($0.scenario, $0.file) }
        let perForecastJobs = concurrentScenarios ? 1 : jobs
        let forecasts = Self.inParallel(work.count, workers: concurrentScenarios ? jobs : 1) { i in
            let forecast = Self.forecast(work[i].0, file: work[i].1, jobs: perForecastJobs)
            guard case let .success(outcome) = forecast else { return forecast }
            do {
                try persist(outcome)
            } catch {
                return .failure(UptakeExitCode.badInput, "error: \(error)")
            }
            return forecast
        }
        var outcomes: [Outcome] = []
        for (entry, forecast) in zip(loaded, forecasts) {
            switch forecast {
            case let .failure(code, message):
                printError(message)
                worst = Self.worse(worst, code)
            case let .success(outcome):
                try onEach(outcome, entry.index, entry.total)
                outcomes.append(outcome)
            }
        }
        return (outcomes, worst)
    }

    private enum ForecastOutcome: Sendable {
        case success(Outcome)
        case failure(Int32, String)
    }

    private static func forecast(_ scenario: Scenario, file: String, jobs: Int) -> ForecastOutcome {
        let clock = ContinuousClock()
        let started = clock.now
        let result: ForecastResult
        do {
            let request = try scenario.forecastRequest()
            result = try Forecaster.run(request, jobs: jobs)
        } catch let error as ScenarioError {
            return .failure(UptakeExitCode.badInput, "error: \(error)")
        } catch {
            return .failure(UptakeExitCode.fitFailed, "error: \(file): the forecast failed: \(error)")
        }
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        // The forecaster already notes each family whose noise σ is assumed.
        let assumptions = scenario.assumptionNotes + result.assumptions
        return .success(Outcome(scenario: scenario, result: result, assumptions: assumptions, timings: [("forecast", seconds)]))
    }

    /// `body(i)` for i in 0..<count on `workers` threads (worker w takes i ≡ w mod workers),
    /// results in index order.
    private static func inParallel<T: Sendable>(_ count: Int, workers: Int, _ body: @Sendable (Int) -> T) -> [T] {
        let slots = ResultSlots<T>(count)
        DispatchQueue.concurrentPerform(iterations: max(1, min(workers, count))) { worker in
            for i in Swift.stride(from: worker, to: count, by: max(1, min(workers, count))) { slots.set(i, body(i)) }
        }
        return slots.values()
    }
}

/// Results written by several threads, each to its own index.
private final class ResultSlots<T: Sendable>: @unchecked Sendable {
    // @unchecked: every access goes through `lock`.
    private let lock = NSLock()
    private var storage: [T?]

    init(_ count: Int) { storage = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: T) {
        lock.lock()
        storage[index] = value
        lock.unlock()
    }

    func values() -> [T] {
        lock.lock()
        defer { lock.unlock() }
        return storage.map { $0! }
    }
}

extension ScenarioBatch {
    /// 2 beats 3 beats 1 beats 0.
    static func worse(_ a: Int32, _ b: Int32) -> Int32 {
        let rank: [Int32: Int] = [0: 0, 1: 1, 3: 2, 2: 3]
        return (rank[a] ?? 0) >= (rank[b] ?? 0) ? a : b
    }
}
