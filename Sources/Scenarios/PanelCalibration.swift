import Fitting
import Forecasting
import Foundation

/// Builds the ``ErrorQuantileTable`` from real panels (`uptake backtest --panel …
/// --write-calibration FILE`, `make calibrate`): the local trend's standardised forecast
/// errors r = (z_obs − ẑ_h)/(s·√h) at rolling origins, pooled by metric kind and horizon.
///
/// Origins: every year of the panel at which a series has at least `minimumPoints`
/// observations (thinned to `snapshots` observations three years apart when given, the last
/// at the origin year), and at least one later observation; each later observation of the
/// series is one error at h = its date − the last fitted date, in whole years (rounded).
/// Horizons are kept while they have at least ``minimumErrorsPerHorizon`` errors. Origins at
/// which a share's last value sits at an end of its range are left out (nothing to forecast;
/// their errors are exactly 0). The
/// quantiles are type 7 (R's and numpy's default) at the forecast's 23 hub levels.
public enum PanelCalibration {
    public static let minimumErrorsPerHorizon = 200

    /// The standardised errors of one panel, with their horizons in years.
    public static func errors(_ panel: Panel, metric: Metric, minimumPoints: Int, snapshots: Int?) -> [(horizon: Int, error: Double)] {
        let years = Set(panel.series.flatMap { $0.points.map(\.date.year) }).sorted()
        let backtest = PanelBacktest(panel: panel, template: Self.template(metric), cutoffs: years,
                                     minimumPoints: minimumPoints, snapshots: snapshots)
        var out: [(Int, Double)] = []
        for cell in backtest.cells() {
            guard let series = try? AdoptionSeries.make(
                observations: cell.training.map { DatedObservation(date: $0.date, value: $0.value, of: $0.of) },
                kind: metric.kind, observed: .level, error: metric.error),
                  let fit = try? LocalTrend.fit(series), fit.sigma > 0, let last = cell.training.last else { continue }
            let scale = NaturalScale.of(series)
            let floor = NaturalScale.observationFloor(series)
            // A series that sits at an end of its range (electricity access at 100 % for
            // years) has nothing to forecast: its errors are exactly 0 and would pile the
            // table's middle onto 0.
            if case let .logit(bound) = scale, last.value >= bound - floor || last.value <= floor { continue }
            for o in cell.heldOut {
                let h = o.date.decimalYear - last.date.decimalYear
                let r = LocalTrend.standardisedError(fit, value: o.value, after: h, scale: scale, floor: floor)
                if r.isFinite { out.append((Int(h.rounded()), r)) }
            }
        }
        return out
    }

    /// The table from errors by kind.
    public static func table(_ errors: [ErrorQuantileTable.Kind: [(horizon: Int, error: Double)]],
                             provenance: [String]) throws -> ErrorQuantileTable {
        var quantiles: [ErrorQuantileTable.Kind: [[Double]]] = [:]
        for (kind, list) in errors {
            var rows: [[Double]] = []
            var h = 1
            while true {
                let sample = list.filter { $0.horizon == h }.map(\.error).sorted()
                guard sample.count >= minimumErrorsPerHorizon else { break }
                rows.append(hubQuantileLevels.map { SampleQuantiles.quantile(sorted: sample, $0) })
                h += 1
            }
            if !rows.isEmpty { quantiles[kind] = rows }
        }
        guard !quantiles.isEmpty else {
            throw ScenarioError(file: "calibration", message: "too few errors: no horizon has \(minimumErrorsPerHorizon) of them")
        }
        return try ErrorQuantileTable(levels: hubQuantileLevels, quantiles: quantiles, provenance: provenance)
    }

    /// A template scenario for a metric (for the cells' bookkeeping only).
    static func template(_ metric: Metric) -> Scenario {
        Scenario(id: "calibration", metric: metric, observations: [], targets: [], models: [.localTrend],
                 forecast: ForecastSettings(horizon: CalendarDate(year: 2000, month: 12, day: 31)!, step: .year),
                 path: "calibration", inputSHA256: "")
    }
}
