import Fitting
import Forecasting
import Scenarios

/// `forecast.csv` (DESIGN.md, "Outputs"), long format, hubverse-compatible:
/// `scenario,variant,location,target,reference_date,horizon,target_end_date,output_type,output_type_id,value`.
///
/// Per variant and grid date: the quantiles (output_type_id = level), `mean` and `median`
/// (output_type_id `NA`), and `cdf` rows (output_type_id = a target value, value = P(y ≤ it)).
/// A flow metric's rows are the flow of each grid period; its running total follows as
/// target `<metric>_cumulative`, with the CDF at the values of its cumulative targets.
public enum ForecastTable {
    public static let header = ["scenario", "variant", "location", "target", "reference_date", "horizon",
                                "target_end_date", "output_type", "output_type_id", "value"]

    public static func table(scenario: Scenario, forecasts: [VariantForecast]) -> CSVTable {
        var table = CSVTable(header: header)
        for forecast in forecasts {
            append(forecast.own, target: scenario.metric.name, scenario: scenario, forecast: forecast, to: &table)
            if let cumulative = forecast.cumulative {
                append(cumulative, target: scenario.metric.name + "_cumulative", scenario: scenario, forecast: forecast, to: &table)
            }
        }
        return table
    }

    /// The rows of one quantity (the metric, or a flow's running total as `<metric>_cumulative`).
    private static func append(_ summary: SeriesSummary, target: String, scenario: Scenario, forecast: VariantForecast,
                               to table: inout CSVTable) {
        let reference = forecast.grid.referenceDate.description
        for (h, date) in forecast.grid.dates.enumerated() {
            let prefix = [scenario.id, forecast.variant, scenario.location ?? "", target,
                          reference, String(h + 1), date.description]
            for (l, level) in summary.levels.enumerated() {
                table.append(prefix, "quantile", CSVTable.number(level), CSVTable.number(summary.quantiles[h][l]))
            }
            table.append(prefix, "mean", "NA", CSVTable.number(summary.mean[h]))
            table.append(prefix, "median", "NA", CSVTable.number(summary.median[h]))
            for (k, value) in summary.cdfValues.enumerated() {
                table.append(prefix, "cdf", CSVTable.number(value), CSVTable.number(summary.cdf[h][k]))
            }
        }
    }
}

/// `feasibility.csv`: one row per target × variant; `uptake check --format csv` prints the
/// same columns and `Results/summary.csv` holds them for every scenario.
public enum FeasibilityTable {
    public static let header = ["scenario", "variant", "target_label", "target_value", "deadline", "assumed",
                                "p_meet", "p_meet_se", "value_at_deadline_q05", "value_at_deadline_q50",
                                "value_at_deadline_q95", "date_reached_q10", "date_reached_q50",
                                "date_reached_q90", "verdict"]

    public static func rows(scenario: String, forecasts: [VariantForecast]) -> [[String]] {
        forecasts.flatMap { forecast in
            forecast.feasibility.map { row in
                [scenario, row.variant, row.target.label, CSVTable.number(row.target.value),
                 row.target.deadline.description, row.target.assumed ? "true" : "false",
                 CSVTable.number(row.pMeet), CSVTable.number(row.pMeetStandardError),
                 CSVTable.number(row.valueAtDeadline.q05), CSVTable.number(row.valueAtDeadline.q50),
                 CSVTable.number(row.valueAtDeadline.q95),
                 row.dateReached.q10?.description ?? "", row.dateReached.q50?.description ?? "",
                 row.dateReached.q90?.description ?? "", row.verdict.rawValue]
            }
        }
    }

    public static func table(rows: [[String]]) -> CSVTable {
        var table = CSVTable(header: header)
        for row in rows { table.append(row) }
        return table
    }
}
