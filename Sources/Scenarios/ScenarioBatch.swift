import Dispatch
import Fitting
import Forecasting
import Foundation

/// Runs a batch of scenario files (DESIGN.md, "Command line"): each file is loaded, checked
/// for an id already used in the batch, given the batch's --paths and --seed, and forecast.
/// One bad file is reported and the rest still run; the batch's status is the worst of its
/// scenarios' (``ExitStatus``).
public struct ScenarioBatch: Sendable {
    /// Why one file of the batch produced no outcome; `message` is one line, naming the file.
    public struct Failure: Sendable, Error, CustomStringConvertible {
        public var file: String
        public var status: ExitStatus
        public var message: String
        public var description: String { message }
    }

    public var paths: Int?
    public var seed: UInt64?
    public var jobs: Int

    public init(paths: Int? = nil, seed: UInt64? = nil, jobs: Int) {
        self.paths = paths
        self.seed = seed
        self.jobs = jobs
    }

    /// Loads every scenario file of `inputs` (folders expanded) with the batch's --paths and
    /// --seed applied, and hands each to `body` with its position and the file count. A file
    /// that does not load, or reuses an id, goes to `onFailure` and is skipped. Returns the
    /// worst of those failures and of what `body` returns. Throws a ``ScenarioError`` when an
    /// input does not exist or names a folder without scenarios.
    public func forEachScenario(_ inputs: [String], onFailure: (Failure) -> Void,
                                _ body: (Scenario, String, Int, Int) throws -> ExitStatus) throws -> ExitStatus {
        let files = try ScenarioLoader.expand(inputs)
        if files.isEmpty {
            throw ScenarioError(file: inputs.joined(separator: ", "), message: "no scenario files (*.yaml, *.yml, *.json)")
        }
        var worst = ExitStatus.success
        var seenIDs: [String: String] = [:]
        for (index, file) in files.enumerated() {
            var scenario: Scenario
            do {
                scenario = try ScenarioLoader.load(path: file)
            } catch {
                onFailure(Failure(file: file, status: .badInput, message: "\(error)"))
                worst = max(worst, .badInput)
                continue
            }
            if let other = seenIDs[scenario.id] {
                onFailure(Failure(file: file, status: .badInput,
                                  message: "\(file): id '\(scenario.id)' is also used by \(other); ids must be unique in a batch"))
                worst = max(worst, .badInput)
                continue
            }
            seenIDs[scenario.id] = file
            if let paths {
                scenario.forecast.paths = paths
                // The file's paths were checked against the budget when it loaded; these were not.
                if var budget = scenario.forecastBudget {
                    budget.pathsName = "--paths"
                    if let excess = budget.excess {
                        onFailure(Failure(file: file, status: .badInput, message: "\(ScenarioError(file: file, message: excess.message))"))
                        worst = max(worst, .badInput)
                        continue
                    }
                }
            }
            if let seed { scenario.forecast.seed = seed }
            worst = max(worst, try body(scenario, file, index + 1, files.count))
        }
        return worst
    }

    /// Loads and forecasts every file; `persist` sees each success on the thread that
    /// forecast it (so writing files scales with the jobs), `onEach` then sees it in file
    /// order. A scenario whose `persist` throws is reported as failed (bad input: its
    /// output could not be written) and the others still run. Failures go to `onFailure`:
    /// load failures as they happen, forecast and write failures in file order. Returns
    /// the successes and the batch's status.
    ///
    /// With several files and more than one job, whole scenarios are forecast concurrently
    /// (each on one thread); with one file, its paths are. Either way every number is the
    /// same (the engine's results do not depend on threads), and outcomes come in file order.
    public func run(_ inputs: [String], persist: @Sendable (ScenarioOutcome) throws -> Void = { _ in },
                    onFailure: (Failure) -> Void,
                    onEach: (ScenarioOutcome, Int, Int) throws -> Void) throws -> (outcomes: [ScenarioOutcome], status: ExitStatus) {
        var loaded: [(scenario: Scenario, file: String, index: Int, total: Int)] = []
        var worst = try forEachScenario(inputs, onFailure: onFailure) { scenario, file, index, total in
            loaded.append((scenario, file, index, total))
            return .success
        }
        let concurrentScenarios = loaded.count > 1 && jobs > 1
        let work = loaded.map { ($0.scenario, $0.file) }
        let perForecastJobs = concurrentScenarios ? 1 : jobs
        let forecasts = Self.inParallel(work.count, workers: concurrentScenarios ? jobs : 1) { i -> Result<ScenarioOutcome, Failure> in
            let forecast = Self.forecast(work[i].0, file: work[i].1, jobs: perForecastJobs)
            guard case let .success(outcome) = forecast else { return forecast }
            do {
                try persist(outcome)
            } catch {
                return .failure(Failure(file: work[i].1, status: .badInput, message: "\(error)"))
            }
            return forecast
        }
        var outcomes: [ScenarioOutcome] = []
        for (entry, forecast) in zip(loaded, forecasts) {
            switch forecast {
            case let .failure(failure):
                onFailure(failure)
                worst = max(worst, failure.status)
            case let .success(outcome):
                try onEach(outcome, entry.index, entry.total)
                outcomes.append(outcome)
            }
        }
        return (outcomes, worst)
    }

    /// Request, forecast and outcome of one loaded scenario.
    public static func forecast(_ scenario: Scenario, file: String, jobs: Int) -> Result<ScenarioOutcome, Failure> {
        let clock = ContinuousClock()
        let started = clock.now
        let result: ForecastResult
        do {
            let request = try scenario.forecastRequest()
            result = try Forecaster.run(request, jobs: jobs)
        } catch let error as ScenarioError {
            return .failure(Failure(file: file, status: .badInput, message: "\(error)"))
        } catch {
            return .failure(Failure(file: file, status: .failed, message: "\(file): the forecast failed: \(error)"))
        }
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return .success(ScenarioOutcome(file: file, scenario: scenario, result: result, forecastSeconds: seconds))
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
