import Foundation
import Fitting
@testable import Forecasting

/// Small, deterministic series for the forecasting tests.
enum ForecastFixtures {
    static func date(_ text: String) -> CalendarDate { CalendarDate(iso: text)! }

    /// A count on a logistic curve (K = 1000, r = 0.8/yr, t0 = 2023.5), observed at 17
    /// quarter ends 2019-03-31 … 2023-03-31 with ±0.5 % alternating error: a fit with a
    /// small covariance and σ ≈ 0.005 on the log scale.
    static func tightLogisticSeries() -> AdoptionSeries {
        var observations: [DatedObservation] = []
        let start = date("2019-03-31")
        for q in 0...16 {
            let d = start.endOfMonth(after: 3 * q)
            let t = d.decimalYear
            let truth = 1000 / (1 + exp(-0.8 * (t - 2023.5)))
            observations.append(DatedObservation(date: d, value: truth * (q % 2 == 0 ? 1.005 : 0.995)))
        }
        return try! AdoptionSeries.make(observations: observations, kind: .count)
    }

    static func logisticTruth(_ d: CalendarDate) -> Double {
        1000 / (1 + exp(-0.8 * (d.decimalYear - 2023.5)))
    }

    /// A share in percent approaching its bound, yearly, with noise around a logistic.
    static func shareSeries() -> AdoptionSeries {
        let values = [20.0, 36, 51, 69, 79, 89, 93.5]
        let observations = values.enumerated().map { DatedObservation(date: date("\(2017 + $0.offset)-12-31"), value: $0.element) }
        return try! AdoptionSeries.make(observations: observations, kind: .share(.percent))
    }

    /// Two points: the ceiling of a logistic is not identified.
    static func sparseSeries() -> AdoptionSeries {
        let observations = [DatedObservation(date: date("2022-07-25"), value: 168),
                            DatedObservation(date: date("2023-07-25"), value: 260)]
        return try! AdoptionSeries.make(observations: observations, kind: .count)
    }

    static func request(_ series: AdoptionSeries, families: [CurveFamily] = [.logistic], horizon: String = "2026-12-31",
                        step: ForecastStep = .month, variants: [VariantLevers] = [.baseline],
                        targets: [ForecastTarget] = [], paths: Int = 1000, seed: UInt64 = 1,
                        samples: Int = 0) -> ForecastRequest {
        let last = CalendarDate(decimalYear: series.observations.last!.time)
        let grid = ForecastGrid(referenceDate: last, horizon: date(horizon), step: step)
        var request = ForecastRequest(series: series, families: families, grid: grid, variants: variants, targets: targets,
                                      thresholds: VerdictThresholds(), paths: paths, seed: seed)
        request.sampleCount = samples
        return request
    }
}
