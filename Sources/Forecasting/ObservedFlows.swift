import Foundation
import Fitting

/// What a flow series brings from its observed past: the total so far and the total as a
/// function of time (for the flow of the reporting period that ends shortly after the
/// reference date), the last period's flow, and the reporting period.
struct ObservedFlows: Sendable {
    /// (decimal year, total since the start of the first period), from the start of the
    /// first period (total 0) to the last observation.
    let totals: [(time: Double, total: Double)]
    /// The median observation spacing in years (one month at least): the period a
    /// `cumulative: false` target is a flow of.
    let period: Double
    /// The last observation's period and flow, for the path's starting deviation.
    let last: (start: Double, end: Double, flow: Double)?

    init(_ series: AdoptionSeries) {
        var totals: [(Double, Double)] = []
        var sum = 0.0
        for o in series.observations {
            if totals.isEmpty { totals.append((o.periodStart ?? o.time, 0)) }
            sum += o.value
            totals.append((o.time, sum))
        }
        self.totals = totals
        let times = series.observations.map(\.time)
        let gaps = zip(times.dropFirst(), times).map { $0 - $1 }.sorted()
        var period = gaps.isEmpty ? (series.observations.first.flatMap { o in o.periodStart.map { o.time - $0 } } ?? 1) : gaps[gaps.count / 2]
        period = max((period * 12).rounded() / 12, 1.0 / 12)
        self.period = period
        last = series.observations.last.flatMap { o in o.periodStart.map { ($0, o.time, o.value) } }
    }

    var total: Double { totals.last?.total ?? 0 }

    /// The observed total at time t (linear within a period; 0 before the first).
    func total(at t: Double) -> Double {
        guard let first = totals.first, t > first.time else { return 0 }
        for k in 1..<totals.count where t <= totals[k].time {
            let (t0, c0) = totals[k - 1], (t1, c1) = totals[k]
            return t1 > t0 ? c0 + (t - t0) / (t1 - t0) * (c1 - c0) : c1
        }
        return total
    }
}
