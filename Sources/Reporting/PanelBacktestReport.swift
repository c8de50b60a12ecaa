import Forecasting
import Foundation
import Scenarios
import TextIO

/// `uptake backtest --panel` output: per panel × cutoff × horizon (years after the cutoff),
/// Uptake's and the naive trend's mean scores, as a table, CSV or JSON; and the per-cell
/// scores (one row per series × cutoff × held-out year × method) for analysts.
public enum PanelBacktestReport {
    public static let csvHeader = ["panel", "cutoff", "horizon", "method", "n", "wis", "dispersion", "overprediction",
                                   "underprediction", "ae_median", "bias", "coverage_50", "coverage_80", "coverage_90"]

    static func fields(_ s: PanelBacktestSummary) -> [String] {
        let m = s.means
        return [s.panel, s.cutoff, s.horizon, s.method.rawValue, String(m.count)]
            + [m.wis, m.dispersion, m.overprediction, m.underprediction, m.absoluteErrorOfMedian, s.bias,
               m.coverage50, m.coverage80, m.coverage90].map(CSVTable.number)
    }

    public static func csv(_ summaries: [PanelBacktestSummary]) -> CSVTable {
        var table = CSVTable(header: csvHeader)
        for s in summaries { table.append(fields(s)) }
        return table
    }

    public static func json(_ summaries: [PanelBacktestSummary]) -> JSONValue {
        .array(summaries.map { s in
            .object(zip(csvHeader, fields(s)).map { name, field in
                switch name {
                case "panel", "cutoff", "horizon", "method": return (name, .string(field))
                case "n": return (name, .integer(Int(field) ?? 0))
                default: return (name, field.isEmpty ? .null : .number(Double(field) ?? .nan))
                }
            })
        })
    }

    public static func table(_ summaries: [PanelBacktestSummary]) -> String {
        var lines: [[String]] = [["panel", "cutoff", "horizon", "method", "n", "WIS", "dispersion", "overpred.", "underpred.",
                                  "bias", "50% cov.", "80% cov.", "90% cov."]]
        var previous: (String, String, String)?
        for s in summaries {
            let m = s.means
            let key = (s.panel, s.cutoff, s.horizon)
            let same = previous.map { $0 == key } ?? false
            lines.append([same ? "" : s.panel, same ? "" : s.cutoff, same ? "" : s.horizon, s.method.rawValue, String(m.count),
                          BacktestReport.number(m.wis), BacktestReport.number(m.dispersion),
                          BacktestReport.number(m.overprediction), BacktestReport.number(m.underprediction),
                          BacktestReport.number(s.bias), BacktestReport.number(m.coverage50, digits: 2),
                          BacktestReport.number(m.coverage80, digits: 2), BacktestReport.number(m.coverage90, digits: 2)])
            previous = key
        }
        return AlignedColumns.render(lines)
    }

    public static let cellHeader = ["panel", "series", "cutoff", "date", "horizon", "method", "observation", "q05", "median",
                                    "q95", "wis", "dispersion", "overprediction", "underprediction", "coverage_50",
                                    "coverage_80", "coverage_90"]

    /// One row per scored held-out observation; `series` is the panel's own id.
    public static func cells(panel: String, _ scored: [(series: String, observation: BacktestScoredObservation)]) -> CSVTable {
        var table = CSVTable(header: cellHeader)
        for (series, o) in scored {
            table.append([panel, series, String(o.cutoff.year), o.date.description, String(o.date.year - o.cutoff.year),
                          o.method.rawValue]
                + [o.observation, o.lower90, o.median, o.upper90, o.score.wis.wis, o.score.wis.dispersion,
                   o.score.wis.overprediction, o.score.wis.underprediction].map(CSVTable.number)
                + [o.score.coverage50, o.score.coverage80, o.score.coverage90].map { $0 ? "true" : "false" })
        }
        return table
    }
}
