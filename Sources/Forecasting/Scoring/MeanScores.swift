/// The mean of a set of forecast scores: WIS and its parts, absolute error of the median,
/// and the share of observations inside the 50 %, 80 % and 90 % intervals (empirical coverage).
public struct MeanScores: Sendable, Equatable {
    public var count: Int
    public var wis: Double
    public var dispersion: Double
    public var overprediction: Double
    public var underprediction: Double
    public var absoluteErrorOfMedian: Double
    public var coverage50: Double
    public var coverage80: Double
    public var coverage90: Double

    /// nil when there is nothing to average.
    public init?(_ scores: [QuantileForecastScore]) {
        guard !scores.isEmpty else { return nil }
        count = scores.count
        let c = Double(count)
        wis = scores.reduce(0) { $0 + $1.wis.wis } / c
        dispersion = scores.reduce(0) { $0 + $1.wis.dispersion } / c
        overprediction = scores.reduce(0) { $0 + $1.wis.overprediction } / c
        underprediction = scores.reduce(0) { $0 + $1.wis.underprediction } / c
        absoluteErrorOfMedian = scores.reduce(0) { $0 + $1.absoluteErrorOfMedian } / c
        coverage50 = Double(scores.filter(\.coverage50).count) / c
        coverage80 = Double(scores.filter(\.coverage80).count) / c
        coverage90 = Double(scores.filter(\.coverage90).count) / c
    }
}
