import Forecasting
import Foundation
import Scenarios
import TextIO

/// `uptake backtest` output: the summaries as a terminal table or CSV, and as JSON with every
/// scored held-out observation.
public enum BacktestReport {
    public static let csvHeader = ["scenario", "cutoff", "method", "n", "wis", "dispersion", "overprediction",
                                   "underprediction", "ae_median", "coverage_50", "coverage_80", "coverage_90", "relative_wis"]

    static func fields(_ s: BacktestSummary) -> [String] {
        let m = s.means
        return [s.scenario, s.cutoff, s.method.rawValue, String(m.count)]
            + [m.wis, m.dispersion, m.overprediction, m.underprediction, m.absoluteErrorOfMedian, m.coverage50, m.coverage80, m.coverage90,
               s.relativeWIS]
                .map(CSVTable.number)
    }

    public static func csv(_ summaries: [BacktestSummary]) -> CSVTable {
        var table = CSVTable(header: csvHeader)
        for s in summaries { table.append(fields(s)) }
        return table
    }

    public static func json(_ summaries: [BacktestSummary], _ origins: [BacktestOrigin]) -> JSONValue {
        func object(_ header: [String], _ row: [String], text: Set<String>) -> JSONValue {
            .object(zip(header, row).map { name, field in
                if text.contains(name) { return (name, .string(field)) }
                if field.isEmpty { return (name, .null) }
                if field == "true" || field == "false" { return (name, .bool(field == "true")) }
                if let i = Int(field), name == "n" || name == "horizon" { return (name, .integer(i)) }
                return (name, .number(Double(field) ?? .nan))
            })
        }
        let summaryItems = summaries.map { object(csvHeader, fields($0), text: ["scenario", "cutoff", "method"]) }
        let observationHeader = ["scenario", "cutoff", "method", "reference_date", "target_end_date", "horizon", "observation",
                                 "median", "q05", "q95", "wis", "dispersion", "overprediction", "underprediction",
                                 "ae_median", "coverage_50", "coverage_80", "coverage_90"]
        let observationItems: [JSONValue] = origins.flatMap(\.scored).map { s in
            object(observationHeader, [s.scenario, s.cutoff.description, s.method.rawValue, s.referenceDate.description,
                                       s.date.description, String(s.horizon)]
                + [s.observation, s.median, s.lower90, s.upper90, s.score.wis.wis, s.score.wis.dispersion,
                   s.score.wis.overprediction, s.score.wis.underprediction, s.score.absoluteErrorOfMedian].map(CSVTable.number)
                + [s.score.coverage50, s.score.coverage80, s.score.coverage90].map { $0 ? "true" : "false" },
                text: ["scenario", "cutoff", "method", "reference_date", "target_end_date"])
        }
        return .object([("summaries", .array(summaryItems)), ("observations", .array(observationItems))])
    }

    public static func table(_ summaries: [BacktestSummary]) -> String {
        var lines: [[String]] = [["scenario", "cutoff", "method", "n", "WIS", "dispersion", "overpred.", "underpred.",
                                  "AE median", "50% cov.", "80% cov.", "90% cov.", "rel. WIS"]]
        var previous: (String, String)?
        for s in summaries {
            let m = s.means
            let same = previous.map { $0 == (s.scenario, s.cutoff) } ?? false
            lines.append([same ? "" : s.scenario, same ? "" : s.cutoff, s.method.rawValue, String(m.count),
                          number(m.wis), number(m.dispersion), number(m.overprediction),
                          number(m.underprediction), number(m.absoluteErrorOfMedian),
                          number(m.coverage50, digits: 2), number(m.coverage80, digits: 2), number(m.coverage90, digits: 2),
                          s.method == .uptake ? number(s.relativeWIS, digits: 3) : ""])
            previous = (s.scenario, s.cutoff)
        }
        return AlignedColumns.render(lines)
    }

    /// `digits` significant digits; "—" for nil or not finite.
    public static func number(_ x: Double?, digits: Int = 4) -> String {
        guard let x, x.isFinite else { return "—" }
        return String(format: "%.\(digits)g", x)
    }
}
