import Fitting
import Forecasting

// Public builders from the parts, so that a backtest's scores can be rebuilt exactly from
// their stored form (a sharded panel backtest's shards store them; `uptake backtest
// --merge-cells` puts them back together and summarises them as the single run does). The
// synthesized memberwise initialisers are internal, and cannot be redeclared public.

extension BacktestScoredObservation {
    public static func restored(scenario: String, cutoff: CalendarDate, method: BacktestMethod, referenceDate: CalendarDate,
                                date: CalendarDate, horizon: Int, observation: Double, median: Double, lower90: Double,
                                upper90: Double, score: QuantileForecastScore) -> Self {
        Self(scenario: scenario, cutoff: cutoff, method: method, referenceDate: referenceDate, date: date, horizon: horizon,
             observation: observation, median: median, lower90: lower90, upper90: upper90, score: score)
    }
}

extension BacktestOrigin {
    public static func restored(scenario: String, cutoff: CalendarDate, training: Int, scored: [BacktestScoredObservation]) -> Self {
        Self(scenario: scenario, cutoff: cutoff, training: training, scored: scored)
    }
}
