import Fitting

/// One predictive distribution read from a forecast file: the quantile, mean and median
/// rows that share a scenario, variant and target_end_date.
public struct QuantileForecast: Sendable {
    public var key: ForecastKey
    public var location: String
    public var target: String
    public var referenceDate: CalendarDate
    public var horizon: Int
    /// Quantile levels, increasing, and their values (non-decreasing: checked on reading).
    public var levels: [Double]
    public var values: [Double]
    /// The `mean` row, if any.
    public var mean: Double?
    /// The `median` row, else the 0.5 quantile.
    public var median: Double?
    /// Where it came from: the file and the line of its first row.
    public var file: String
    public var line: Int

    /// The quantile at `level`, if it was given (levels matched to 10 digits).
    public func quantile(_ level: Double) -> Double? {
        let key = (level * 1e10).rounded()
        return levels.firstIndex { ($0 * 1e10).rounded() == key }.map { values[$0] }
    }

    /// q0.95 − q0.05, the width of the central 90 % interval.
    public var width90: Double? {
        guard let lo = quantile(0.05), let hi = quantile(0.95) else { return nil }
        return hi - lo
    }
}
