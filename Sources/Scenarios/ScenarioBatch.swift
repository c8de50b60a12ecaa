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
        /// The scenario's id, when the file loaded (a forecast or write failure).
        public var id: String? = nil
        public var description: String { message }
    }

    public var paths: Int?
    public var seed: UInt64?
    public var jobs: Int
    /// Also seek what the scenario's `seek:` asks and compare the families when two or more
    /// fit (``ScenarioOutcome/seek``, ``ScenarioOutcome/families``): `uptake run` does.
    public var seeksAndComparesFamilies = false
    /// Only this part of the batch runs (`--shard i/n`, ``ScenarioShard``): every file is
    /// loaded, to know the batch's ids, and only the shard's scenarios go on.
    public var shard: ScenarioShard?

    public init(paths: Int? = nil, seed: UInt64? = nil, jobs: Int, shard: ScenarioShard? = nil) {
        self.paths = paths
        self.seed = seed
        self.jobs = jobs
        self.shard = shard
    }

    /// What a sharded batch is made of, for its manifest: every scenario that loaded (id, input
    /// SHA-256, and the seed and paths it runs with; in the partition's order) and this
    /// shard's ids.
    public struct ShardPlan: Sendable {
        public var shard: ScenarioShard
        public var batch: [(id: String, inputSHA256: String, seed: UInt64, paths: Int)]
        public var ids: [String]
    }

    /// Loads every scenario file of `inputs` (folders expanded) with the batch's --paths and
    /// --seed applied, and hands each to `body` with its position and the file count. A file
    /// that does not load, or reuses an id, goes to `onFailure` and is skipped. Returns the
    /// worst of those failures and of what `body` returns. Throws a ``ScenarioError`` when an
    /// input does not exist or names a folder without scenarios. With a ``shard``, `body`
    /// sees only the shard's scenarios (in file order, positions counted in the shard), after
    /// `onPlan` has seen the batch.
    public func forEachScenario(_ inputs: [String], onFailure: (Failure) -> Void, onPlan: (ShardPlan) -> Void = { _ in },
                                _ body: (Scenario, String, Int, Int) throws -> ExitStatus) throws -> ExitStatus {
        let files = try ScenarioLoader.expand(inputs)
        if files.isEmpty {
            throw ScenarioError(file: inputs.joined(separator: ", "), message: "no scenario files (*.yaml, *.yml, *.json)")
        }
        var worst = ExitStatus.success
        var seenIDs: [String: String] = [:]
        var loaded: [(scenario: Scenario, file: String)] = []
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
                                  message: other == file ? "\(file) is given twice; a batch runs each file once"
                                      : "\(file): id '\(scenario.id)' is also used by \(other); ids must be unique in a batch"))
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
            if shard != nil { loaded.append((scenario, file)); continue }
            worst = max(worst, try body(scenario, file, index + 1, files.count))
        }
        if let shard {
            let mine = Set(shard.select(loaded.map(\.scenario.id)))
            let picked = loaded.filter { mine.contains($0.scenario.id) }
            let byID = Dictionary(loaded.map { ($0.scenario.id, $0.scenario) }, uniquingKeysWith: { a, _ in a })
            onPlan(ShardPlan(shard: shard, batch: ScenarioShard.ordered(Array(byID.keys)).map { id in
                                 let s = byID[id]!
                                 return (id, s.inputSHA256, s.forecast.seed, s.forecast.paths)
                             },
                             ids: ScenarioShard.ordered(Array(mine))))
            for (k, entry) in picked.enumerated() {
                worst = max(worst, try body(entry.scenario, entry.file, k + 1, picked.count))
            }
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
                    onFailure: (Failure) -> Void, onPlan: (ShardPlan) -> Void = { _ in },
                    onEach: (ScenarioOutcome, Int, Int) throws -> Void) throws -> (outcomes: [ScenarioOutcome], status: ExitStatus) {
        var loaded: [(scenario: Scenario, file: String, index: Int, total: Int)] = []
        var worst = try forEachScenario(inputs, onFailure: onFailure, onPlan: onPlan) { scenario, file, index, total in
            loaded.append((scenario, file, index, total))
            return .success
        }
        let concurrentScenarios = loaded.count > 1 && jobs > 1
        let work = loaded.map { ($0.scenario, $0.file) }
        let perForecastJobs = concurrentScenarios ? 1 : jobs
        let forecasts = Self.inParallel(work.count, workers: concurrentScenarios ? jobs : 1) { i -> Result<ScenarioOutcome, Failure> in
            let forecast = Self.forecast(work[i].0, file: work[i].1, jobs: perForecastJobs,
                                         seeksAndComparesFamilies: seeksAndComparesFamilies)
            guard case let .success(outcome) = forecast else { return forecast.mapError { var f = $0; f.id = work[i].0.id; return f } }
            do {
                try persist(outcome)
            } catch {
                return .failure(Failure(file: work[i].1, status: .badInput, message: "\(error)", id: work[i].0.id))
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
    public static func forecast(_ scenario: Scenario, file: String, jobs: Int,
                                seeksAndComparesFamilies: Bool = false) -> Result<ScenarioOutcome, Failure> {
        let clock = ContinuousClock()
        let started = clock.now
        let result: ForecastResult
        var seek: [LeverSeekResult]?, families: FamilyComparison?
        do {
            let request = try scenario.forecastRequest()
            result = try Forecaster.run(request, jobs: jobs)
            // Issue 12: seek.csv and families.csv, with the scenario's seed and paths.
            if seeksAndComparesFamilies {
                if let settings = scenario.seek { seek = try scenario.leverSeek(settings, jobs: jobs) }
                families = try scenario.familyComparison(fitted: result, jobs: jobs)
            }
        } catch let error as ScenarioError {
            return .failure(Failure(file: file, status: .badInput, message: "\(error)"))
        } catch {
            return .failure(Failure(file: file, status: .failed, message: "\(file): the forecast failed: \(error)"))
        }
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        var outcome = ScenarioOutcome(file: file, scenario: scenario, result: result, forecastSeconds: seconds)
        outcome.seek = seek
        outcome.families = families
        return .success(outcome)
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
