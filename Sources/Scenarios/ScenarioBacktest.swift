import Fitting
import Forecasting
import Foundation

/// What made a forecast in a backtest: Uptake's forecast or the naive trend baseline.
public enum BacktestMethod: String, CaseIterable, Sendable { case uptake, naive }

/// A backtest of a scenario at one cutoff: keep the observations up to the cutoff
/// (inclusive), fit and forecast with the scenario's settings to the last held-out date, and
/// score every held-out observation, with the naive trend baseline alongside (`uptake backtest`).
public struct ScenarioBacktest: Sendable {
    /// Fewer observations up to a cutoff than this: the scenario is skipped for that cutoff.
    public static let minimumTrainingObservations = 3

    public var scenario: Scenario
    public var cutoff: CalendarDate
    /// The observations up to the cutoff (inclusive), and after it.
    public var training: [ScenarioObservation]
    public var heldOut: [ScenarioObservation]
    /// The local trend's error table (``ErrorQuantileTable``); the built-in one by default.
    public var errorTable: ErrorQuantileTable? = .builtIn

    public init(_ scenario: Scenario, cutoff: CalendarDate) {
        self.scenario = scenario
        self.cutoff = cutoff
        training = scenario.observations.filter { $0.date <= cutoff }
        heldOut = scenario.observations.filter { $0.date > cutoff }
    }

    /// The cutoff that holds out the last `holdout` observations; nil when that leaves none to fit.
    public static func cutoff(_ scenario: Scenario, holdingOut holdout: Int) -> CalendarDate? {
        let observations = scenario.observations
        guard observations.count > holdout else { return nil }
        return observations[observations.count - holdout - 1].date
    }

    /// Why this cutoff cannot be backtested (too few observations up to it, or none after
    /// it), or nil when it can.
    public var skipReason: String? {
        guard training.count < Self.minimumTrainingObservations || heldOut.isEmpty else { return nil }
        return heldOut.isEmpty
            ? "no observations after it (the last is \(scenario.observations.last.map { "\($0.date)" } ?? "none"))"
            : "only \(training.count) observation\(training.count == 1 ? "" : "s") up to it "
                + "(at least \(Self.minimumTrainingObservations) are needed)"
    }

    /// Fit on the training observations, forecast to the last held-out date, and score uptake
    /// and the naive trend on every held-out observation. Throws ScenarioError for a
    /// scenario that cannot be truncated into a request, other errors when the forecast fails.
    public func run(jobs: Int) throws -> BacktestOrigin {
        // The scenario's data and settings, truncated at the cutoff; targets (whose deadlines
        // may precede the cutoff) and variants (hypothetical levers) are not part of a backtest.
        var truncated = scenario
        truncated.observations = training
        truncated.targets = []
        truncated.variants = []
        truncated.forecast.horizon = heldOut.last!.date
        var request = try truncated.forecastRequest()
        request.errorTable = errorTable
        request.parameterDrawSummaryCount = 0   // no fit.csv in a backtest
        let result = try Forecaster.run(request, jobs: jobs)
        guard let forecast = result.forecasts.first else { throw ForecastError.invalidRequest("no forecast") }
        let levels = forecast.levels
        let reference = request.grid.referenceDate
        var scored: [BacktestScoredObservation] = []
        func record(_ method: BacktestMethod, _ observation: ScenarioObservation, horizon: Int, quantiles: [Double]) throws {
            let score: QuantileForecastScore
            do { score = try ForecastScoring.score(levels: levels, values: quantiles, observation: observation.value) } catch {
                throw ForecastError.invalidRequest("\(method.rawValue) forecast for \(observation.date): \(error)")
            }
            let at = { (level: Double) in quantiles[levels.firstIndex { abs($0 - level) < 1e-9 }!] }
            scored.append(BacktestScoredObservation(
                scenario: scenario.id, cutoff: cutoff, method: method, referenceDate: reference,
                date: observation.date, horizon: horizon, observation: observation.value,
                median: at(0.5), lower90: at(0.05), upper90: at(0.95), score: score))
        }
        for observation in heldOut {
            let (horizon, quantiles) = Self.quantiles(forecast, at: observation.date)
            try record(.uptake, observation, horizon: horizon, quantiles: quantiles)
        }
        // The naive trend counts in the training data's own periods (its median spacing): a
        // held-out date s periods after the last fitted one is scored against the naive
        // quantiles interpolated between whole periods (0 periods: the last value itself).
        let times = training.map(\.date.decimalYear)
        let gaps = zip(times.dropFirst(), times).map { $0 - $1 }.sorted()
        let spacing = gaps.isEmpty ? 1 : max(gaps[gaps.count / 2], 1e-9)
        let steps = heldOut.map { ($0.date.decimalYear - times[times.count - 1]) / spacing }
        let maximumStep = max(1, Int((steps.max() ?? 1) - 1e-9) + 1)
        let naive = try NaiveTrendForecast.quantiles(history: training.map(\.value), horizons: Array(1...maximumStep),
                                                     levels: levels, lower: 0, upper: scenario.metric.kind.bound)
        let lastValue = [Double](repeating: training[training.count - 1].value, count: levels.count)
        for (observation, step) in zip(heldOut, steps) {
            let whole = Int(step.rounded())
            let quantiles: [Double]
            if abs(step - Double(whole)) < 1e-6, whole >= 1 {
                quantiles = naive[whole - 1]
            } else {
                let lower = Int(step.rounded(.down)), w = step - Double(lower)
                let a = lower == 0 ? lastValue : naive[lower - 1], b = naive[lower]
                quantiles = zip(a, b).map { $0 + w * ($1 - $0) }
            }
            try record(.naive, observation, horizon: max(whole, 1), quantiles: quantiles)
        }
        return BacktestOrigin(scenario: scenario.id, cutoff: cutoff, training: training.count, scored: scored)
    }

    /// The forecast's quantiles on `date`: at a grid date as they are; between two grid dates
    /// interpolated linearly in decimal years (quantile averaging keeps them non-decreasing);
    /// before the first grid date, the first grid date's. Returns the grid step h of the
    /// first grid date on or after `date`.
    public static func quantiles(_ forecast: VariantForecast, at date: CalendarDate) -> (horizon: Int, quantiles: [Double]) {
        let dates = forecast.grid.dates
        guard let after = dates.firstIndex(where: { $0 >= date }) else {
            return (dates.count, forecast.quantiles[dates.count - 1])
        }
        if dates[after] == date || after == 0 { return (after + 1, forecast.quantiles[after]) }
        let t0 = dates[after - 1].decimalYear, t1 = dates[after].decimalYear
        let w = (date.decimalYear - t0) / (t1 - t0)
        let q = zip(forecast.quantiles[after - 1], forecast.quantiles[after]).map { a, b in a + w * (b - a) }
        return (after + 1, q)
    }
}

/// One held-out observation scored by one method.
public struct BacktestScoredObservation: Sendable {
    public var scenario: String
    public var cutoff: CalendarDate
    public var method: BacktestMethod
    public var referenceDate: CalendarDate
    public var date: CalendarDate
    /// Grid steps (uptake) or observation steps (naive) after the reference date.
    public var horizon: Int
    public var observation: Double
    public var median: Double
    public var lower90: Double
    public var upper90: Double
    public var score: QuantileForecastScore
}

/// The scores of one scenario at one cutoff.
public struct BacktestOrigin: Sendable {
    public var scenario: String
    public var cutoff: CalendarDate
    /// The number of observations fitted.
    public var training: Int
    public var scored: [BacktestScoredObservation]

    /// Mean scores of one method's scored observations; nil when it scored none.
    public func means(_ method: BacktestMethod) -> MeanScores? {
        MeanScores(scored.filter { $0.method == method }.map(\.score))
    }

    /// Mean WIS(uptake) / mean WIS(naive); nil when either is missing or the ratio is not
    /// finite and positive.
    public var relativeWIS: Double? {
        guard let u = means(.uptake), let n = means(.naive) else { return nil }
        if u.wis == n.wis { return 1 }
        let r = u.wis / n.wis
        return r.isFinite && r > 0 ? r : nil
    }
}

/// Mean scores of one method over a scenario × cutoff, a scenario's cutoffs, or a batch.
public struct BacktestSummary: Sendable {
    /// A scenario id or "all"; a cutoff date or "all".
    public var scenario: String
    public var cutoff: String
    public var method: BacktestMethod
    public var means: MeanScores
    /// uptake rows: mean WIS(uptake)/mean WIS(naive), or the geometric mean of those
    /// ratios over the origins pooled.
    public var relativeWIS: Double?

    /// The geometric mean of the values; nil when any is nil or there are none.
    static func geometricMean(_ values: [Double?]) -> Double? {
        let logs = values.compactMap { $0 }.map { Foundation.log($0) }
        guard !logs.isEmpty, logs.count == values.count else { return nil }
        return Foundation.exp(logs.reduce(0, +) / Double(logs.count))
    }

    /// Per scenario × cutoff, per scenario (when it has several cutoffs) and for the batch
    /// (when it has several scenarios), each for uptake then naive.
    public static func summaries(_ origins: [BacktestOrigin]) -> [BacktestSummary] {
        var out: [BacktestSummary] = []
        func add(_ scenario: String, _ cutoff: String, _ group: [BacktestOrigin]) {
            let scored = group.flatMap(\.scored)
            for method in BacktestMethod.allCases {
                guard let means = MeanScores(scored.filter { $0.method == method }.map(\.score)) else { continue }
                out.append(BacktestSummary(scenario: scenario, cutoff: cutoff, method: method, means: means,
                                           relativeWIS: method == .uptake ? geometricMean(group.map(\.relativeWIS)) : nil))
            }
        }
        var order: [String] = []
        for origin in origins where !order.contains(origin.scenario) { order.append(origin.scenario) }
        for id in order {
            let group = origins.filter { $0.scenario == id }
            for origin in group { add(id, origin.cutoff.description, [origin]) }
            if group.count > 1 { add(id, "all", group) }
        }
        if order.count > 1 { add("all", "all", origins) }
        return out
    }
}
