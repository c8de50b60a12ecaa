import Foundation
import Fitting
import Forecasting
import TextIO

/// `seek.csv` and `uptake seek`'s output (issue 12): one row per target sought,
/// `scenario,target_label,lever,probability,value,value_se,p_meet_at_value,p_meet_se,baseline_p_meet,date_at_probability,note`.
///
/// - `value`: the lever's value — a multiplier, a shift in the metric's unit, or an ISO date
///   for `start`; empty when the probability cannot be reached in the search range, or the
///   deadline has passed unmet in the data.
/// - `value_se`: its Monte Carlo standard error by the delta method (days for `start`);
///   empty unless found by bisection.
/// - `p_meet_at_value`, `p_meet_se`: P(met) with the lever at `value` (not reachable: at the
///   far end of the range) and its standard error √(P(1 − P)/paths).
/// - `date_at_probability`: at baseline, the date by which the target is met with
///   `probability`; empty when fewer paths reach it by the horizon.
/// - `note`: why a value is missing or neutral, in words; empty when found.
public enum SeekTable {
    public static let header = ["scenario", "target_label", "lever", "probability", "value", "value_se",
                                "p_meet_at_value", "p_meet_se", "baseline_p_meet", "date_at_probability", "note"]

    /// The one definition of a row, in the order of ``header`` (a missing number is NaN:
    /// empty in CSV, null in JSON).
    public static func cells(scenario: String, _ row: LeverSeekResult) -> [FeasibilityTable.Cell] {
        let value: FeasibilityTable.Cell = switch row.value {
        case let .number(x)?: .number(x)
        case let .date(date)?: .date(date)
        case nil: .number(.nan)
        }
        return [.text(scenario), .text(row.target.label), .text(row.lever.rawValue), .number(row.probability), value,
                .number(row.valueStandardError ?? .nan), .number(row.pMeetAtValue), .number(row.pMeetStandardError),
                .number(row.baselinePMeet), .date(row.dateAtProbability), .text(note(row))]
    }

    public static func table(scenario: String, _ rows: [LeverSeekResult], reusing buffer: TextBuffer = TextBuffer()) -> CSVTable {
        var table = CSVTable(header: header, reusing: buffer)
        for row in rows { table.append(cells(scenario: scenario, row).map(\.csv)) }
        return table
    }

    /// The rows as JSON objects with ``header``'s keys and typed values.
    public static func json(scenario: String, _ rows: [LeverSeekResult]) -> [JSONValue] {
        rows.map { .object(zip(header, cells(scenario: scenario, $0).map(\.json)).map { ($0, $1) }) }
    }

    /// For the terminal: target, lever, the value ± its s.e., P(met) there, at baseline, the
    /// date at the probability, and the note.
    public static func text(_ rows: [LeverSeekResult]) -> String {
        var lines = [["target", "lever", "P asked", "value ± s.e.", "P(met) at value", "baseline P(met)", "date at P", "note"]]
        for row in rows {
            var value = switch row.value {
            case let .number(x)?: plain(x)
            case let .date(date)?: date.description
            case nil: "—"
            }
            if let se = row.valueStandardError {
                value += " ± " + plain(OutputNumber.rounded(significant: 2, se)) + (row.lever == .start ? " days" : "")
            }
            lines.append([row.target.label, row.lever.rawValue, plain(row.probability), value,
                          "\(fixed(row.pMeetAtValue)) ± \(fixed(row.pMeetStandardError))", fixed(row.baselinePMeet),
                          row.dateAtProbability?.description ?? "—", note(row)])
        }
        return AlignedColumns.render(lines)
    }

    /// Why the row's value is what it is, in words (empty when bisection found it).
    public static func note(_ row: LeverSeekResult) -> String {
        let p = CSVTable.number(row.probability)
        switch row.status {
        case .found:
            return ""
        case .metAtBaseline:
            return "already met at baseline: P(met) \(fixed(row.baselinePMeet)) ≥ \(p)"
        case .missed:
            return "the deadline has passed in the data without the target being met"
        case .unreachable:
            let at = "P(met) \(fixed(row.pMeetAtValue))"
            switch (row.range.neutral, row.range.far) {
            case let (.date, .date(earliest)):
                return "not reachable: started as early as \(earliest), the first variant gives \(at)"
            case let (.number(lo), .number(hi)):
                let range = switch row.lever {
                case .levelShift: "a level shift of \(plain(lo))…\(plain(hi))"
                case .ceilingMultiplier: "a ceiling ×\(plain(lo))…×\(plain(hi))"
                default: "growth ×\(plain(lo))…×\(plain(hi))"
                }
                return "not reachable within \(range): \(at) at the far end"
            default:
                return "not reachable: \(at)"
            }
        }
    }

    static func fixed(_ p: Double) -> String { String(format: "%.3f", p) }

    /// A number as a planner writes it: 10, not 10.0; else as the tables write it.
    static func plain(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : CSVTable.number(x)
    }
}

extension OutputNumber {
    /// x to `significant` significant digits (for a standard error shown to a planner).
    static func rounded(significant: Int, _ x: Double) -> Double {
        guard x != 0, x.isFinite else { return x }
        let exponent = Int((log10(abs(x))).rounded(.down)) - significant + 1
        let power = pow(10.0, Double(abs(exponent)))
        return exponent < 0 ? (x * power).rounded() / power : (x / power).rounded() * power
    }
}
