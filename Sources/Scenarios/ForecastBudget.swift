import Fitting
import Forecasting

/// How much one scenario may ask of a run (DESIGN.md, "Scale"), so that no input file can make
/// a batch take hours, exhaust memory or write a forecast.csv of gigabytes. Checked when the
/// file is loaded (so `uptake validate` says it, at the line of the horizon or the paths),
/// again when `--paths` replaces the file's paths, and by ``Scenario/forecastRequest()``.
///
/// | limit | value | why |
/// |---|---|---|
/// | horizon past the reference date | ``maximumMonths`` = 1,200 months (100 years) | the Monte Carlo steps every month end |
/// | paths × simulated months × runs (baseline and variants) | ``maximumPathMonths`` = 2.4 × 10⁹ | about a minute of one core at ≈ 25 ns a path-month (BENCHMARKS.md) |
/// | paths × targets | ``maximumPathTargets`` = 10⁸ | each path keeps three numbers per target: 2.4 GB |
/// | rows of forecast.csv | ``maximumForecastRows`` = 1,000,000 | about 110 MB |
///
/// ```swift
/// let budget = ForecastBudget(reference: last, referenceName: "the last observation", horizon: horizon,
///                             step: .month, paths: 10_000, variants: 0, targetValues: [434], flow: false)
/// budget.excess?.message   // nil: within every limit
/// ```
public struct ForecastBudget: Sendable {
    public static let maximumMonths = 1_200
    public static let maximumPathMonths = 2_400_000_000
    public static let maximumPathTargets = 100_000_000
    public static let maximumForecastRows = 1_000_000

    /// Which limit a scenario goes over, with a one-line message that names it; the case says
    /// which setting to point at.
    public enum Excess: Sendable, Equatable {
        /// The horizon is too far, or the forecast would have too many rows.
        case horizon(String)
        /// Too many paths for the months, runs or targets.
        case paths(String)

        public var message: String {
            switch self {
            case let .horizon(message), let .paths(message): return message
            }
        }
    }

    public var reference: CalendarDate
    /// "the last observation" or "launch", for messages.
    public var referenceName: String
    public var horizon: CalendarDate
    public var step: ForecastStep
    public var paths: Int
    /// How the paths were set, for messages: `forecast.paths` or `--paths`.
    public var pathsName = "forecast.paths"
    public var variants: Int
    public var targetValues: [Double]
    public var flow: Bool

    public init(reference: CalendarDate, referenceName: String, horizon: CalendarDate, step: ForecastStep,
                paths: Int, variants: Int, targetValues: [Double], flow: Bool) {
        self.reference = reference
        self.referenceName = referenceName
        self.horizon = horizon
        self.step = step
        self.paths = paths
        self.variants = variants
        self.targetValues = targetValues
        self.flow = flow
    }

    /// The first limit gone over, or nil.
    public var excess: Excess? {
        let months = (horizon.year - reference.year) * 12 + (horizon.month - reference.month)
        guard months <= Self.maximumMonths else {
            return .horizon("forecast.horizon \(horizon) is \(NodeReader.grouped(months)) months after \(referenceName) (\(reference)); "
                + "a forecast reaches at most \(NodeReader.grouped(Self.maximumMonths)) months (100 years) past it")
        }
        guard horizon > reference else { return nil }   // the cross-checks say so, at their place
        let grid = ForecastGrid(referenceDate: reference, horizon: horizon, step: step)
        let last = grid.dates.last!
        let simulatedMonths = (last.year - reference.year) * 12 + (last.month - reference.month)
        let runs = 1 + variants

        let pathMonths = Double(paths) * Double(simulatedMonths) * Double(runs)
        if pathMonths > Double(Self.maximumPathMonths) {
            let most = Self.maximumPathMonths / (simulatedMonths * runs)
            return .paths("\(pathsName) \(NodeReader.grouped(paths)) × \(simulatedMonths) months × \(runs) run\(runs == 1 ? "" : "s") "
                + "(baseline and variants) is \(NodeReader.grouped(pathMonths)) path-months; at most \(NodeReader.grouped(Self.maximumPathMonths)): "
                + "use at most \(NodeReader.grouped(most)) paths, a nearer horizon or fewer variants")
        }
        let pathTargets = Double(paths) * Double(targetValues.count)
        if pathTargets > Double(Self.maximumPathTargets) {
            return .paths("\(pathsName) \(NodeReader.grouped(paths)) × \(targetValues.count) targets is \(NodeReader.grouped(pathTargets)); "
                + "at most \(NodeReader.grouped(Self.maximumPathTargets)) (each path keeps three numbers per target): "
                + "use at most \(NodeReader.grouped(Self.maximumPathTargets / targetValues.count)) paths or fewer targets")
        }
        // 23 quantiles, mean and median, and a cdf row per target value, per date and run; a
        // flow also has its cumulative series.
        let perDate = (25 + Set(targetValues).count) * (flow ? 2 : 1)
        let rows = Double(grid.dates.count) * Double(runs) * Double(perDate)
        if rows > Double(Self.maximumForecastRows) {
            return .horizon("forecast.csv would have \(NodeReader.grouped(rows)) rows (\(grid.dates.count) dates × \(runs) runs × "
                + "\(perDate) values); at most \(NodeReader.grouped(Self.maximumForecastRows)): use a nearer horizon, "
                + "step: quarter or year, fewer variants or fewer targets")
        }
        return nil
    }
}

extension Scenario {
    /// The scenario's demands against ``ForecastBudget``; nil without a reference date (no
    /// observation and no launch, which the loader rejects on its own).
    public var forecastBudget: ForecastBudget? {
        let reference: (CalendarDate, String)
        if let last = observations.last?.date {
            reference = (last, "the last observation")
        } else if let launch {
            reference = (launch, "launch")
        } else {
            return nil
        }
        return ForecastBudget(reference: reference.0, referenceName: reference.1, horizon: forecast.horizon,
                              step: forecast.step, paths: forecast.paths, variants: variants.count,
                              targetValues: targets.map(\.value), flow: metric.observed == .flow)
    }
}
