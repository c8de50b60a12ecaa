import Fitting
import Forecasting
import Scenarios
import TextIO

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

    /// The document, written into `buffer`'s storage (see ``CSVTable/init(header:reusing:)``).
    public static func table(scenario: Scenario, forecasts: [VariantForecast], reusing buffer: TextBuffer = TextBuffer()) -> CSVTable {
        var table = CSVTable(header: header, reusing: buffer)
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
        // Every grid date repeats the same output types and ids: each is written once.
        func typeAndID(_ type: String, _ id: Double?) -> CSVTable.Fields {
            var fields = CSVTable.Fields()
            fields.field(type)
            if let id { fields.field(number: id) } else { fields.field("NA") }
            return fields
        }
        let quantiles = summary.levels.map { typeAndID("quantile", $0) }
        let mean = typeAndID("mean", nil), median = typeAndID("median", nil)
        let cdf = summary.cdfValues.map { typeAndID("cdf", $0) }
        let reference = forecast.grid.referenceDate.description
        for (h, date) in forecast.grid.dates.enumerated() {
            var prefix = CSVTable.Fields()
            for field in [scenario.id, forecast.variant, scenario.location ?? "", target, reference] { prefix.field(field) }
            prefix.field(integer: h + 1)
            prefix.field(date.description)
            for (l, quantile) in quantiles.enumerated() {
                table.fields(prefix); table.fields(quantile); table.field(number: summary.quantiles[h][l]); table.endRow()
            }
            table.fields(prefix); table.fields(mean); table.field(number: summary.mean[h]); table.endRow()
            table.fields(prefix); table.fields(median); table.field(number: summary.median[h]); table.endRow()
            for (k, value) in cdf.enumerated() {
                table.fields(prefix); table.fields(value); table.field(number: summary.cdf[h][k]); table.endRow()
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

    /// A cell of the table, typed: CSV writes it as text, `check --format json` as a JSON
    /// number, string, boolean or null.
    public enum Cell: Sendable, Equatable {
        case text(String)
        case number(Double)
        case flag(Bool)
        case date(CalendarDate?)

        public var csv: String {
            switch self {
            case let .text(text): return text
            case let .number(x): return CSVTable.number(x)
            case let .flag(flag): return flag ? "true" : "false"
            case let .date(date): return date?.description ?? ""
            }
        }

        public var json: JSONValue {
            switch self {
            case let .text(text): return .string(text)
            case let .number(x): return .number(CSVTable.rounded(x))
            case let .flag(flag): return .bool(flag)
            case let .date(date): return date.map { .string($0.description) } ?? .null
            }
        }
    }

    /// The one definition of a row, in the order of ``header``.
    public static func cells(scenario: String, _ row: TargetFeasibility) -> [Cell] {
        [.text(scenario), .text(row.variant), .text(row.target.label), .number(row.target.value),
         .date(row.target.deadline), .flag(row.target.assumed),
         .number(row.pMeet), .number(row.pMeetStandardError),
         .number(row.valueAtDeadline.q05), .number(row.valueAtDeadline.q50), .number(row.valueAtDeadline.q95),
         .date(row.dateReached.q10), .date(row.dateReached.q50), .date(row.dateReached.q90), .text(row.verdict.rawValue)]
    }

    public static func rows(scenario: String, forecasts: [VariantForecast]) -> [[String]] {
        forecasts.flatMap { forecast in forecast.feasibility.map { cells(scenario: scenario, $0).map(\.csv) } }
    }

    /// The rows as JSON objects with ``header``'s keys and typed values.
    public static func json(scenario: String, forecasts: [VariantForecast]) -> [JSONValue] {
        forecasts.flatMap { forecast in
            forecast.feasibility.map { .object(zip(header, cells(scenario: scenario, $0).map(\.json)).map { ($0, $1) }) }
        }
    }

    public static func table(rows: [[String]], reusing buffer: TextBuffer = TextBuffer()) -> CSVTable {
        var table = CSVTable(header: header, reusing: buffer)
        for row in rows { table.append(row) }
        return table
    }

    /// One scenario's `feasibility.csv` (a row per target × variant: a few rows, so it goes
    /// through ``rows(scenario:forecasts:)``, the one definition of the row).
    public static func table(scenario: String, forecasts: [VariantForecast], reusing buffer: TextBuffer = TextBuffer()) -> CSVTable {
        table(rows: rows(scenario: scenario, forecasts: forecasts), reusing: buffer)
    }
}
