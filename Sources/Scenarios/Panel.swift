import Fitting
import Foundation
import TextIO

/// A long CSV of many series of one indicator (`uptake backtest --panel`), e.g. the World
/// Bank / ITU panels of ../shared/reference/panels: `Entity,Code,Year,<value>`.
///
/// - `series`, `period`, `value` name the columns (the value: the last column by default);
///   a period is a year (YYYY, read as YYYY-12-31) or an ISO date.
/// - Rows with an empty series id or an empty value are skipped; with `seriesPattern`, so
///   are series whose id does not match it (`^[A-Z]{3}$` keeps the panels' countries and
///   drops regions and aggregates).
/// - Values ≤ 0 are dropped: a log or a logit has no value there, and in adoption panels an
///   early 0 means "not launched yet" (a launch is not the start of a curve's data).
/// - Within a series, periods must not repeat; rows may come in any order.
public struct Panel: Sendable {
    public struct Series: Sendable {
        public var id: String
        /// (date, value), in time order.
        public var points: [(date: CalendarDate, value: Double)]
    }

    /// The file's name without folder and extension.
    public var name: String
    public var valueColumn: String
    public var series: [Series]

    public static func read(path: String, seriesColumn: String = "Code", periodColumn: String = "Year",
                            valueColumn: String? = nil, seriesPattern: String? = nil) throws -> Panel {
        let csv: CSVDocument
        do { csv = try CSVDocument(contentsOfFile: path, exampleHeader: "Entity,Code,Year,value") } catch {
            throw ScenarioError(error)
        }
        let pattern = try seriesPattern.map { pattern -> NSRegularExpression in
            do { return try NSRegularExpression(pattern: pattern) } catch {
                throw ScenarioError(file: path, message: "--series-pattern \(PrintableText.quoted(pattern)) is not a regular expression")
            }
        }
        func column(_ name: String, _ option: String) throws -> Int {
            guard let index = csv.index(ofColumn: name) else {
                throw ScenarioError(file: path, line: 1, column: 1, message: "no column '\(name)' (\(option)); the columns are "
                    + csv.columnNames.map(PrintableText.quoted).joined(separator: ", "))
            }
            return index
        }
        let s = try column(seriesColumn, "--series"), p = try column(periodColumn, "--period")
        let valueName = valueColumn ?? csv.columnNames.last ?? ""
        let v = try column(valueName, "--value")
        var byID: [String: [(CalendarDate, Double, Int)]] = [:]
        var order: [String] = []
        for row in csv.rows {
            let id = row[s].text
            guard !id.isEmpty, !row[v].text.isEmpty else { continue }
            if let pattern, pattern.firstMatch(in: id, range: NSRange(id.startIndex..., in: id)) == nil { continue }
            let periodText = row[p].text
            guard let date = CalendarDate(iso: periodText) ?? CalendarDate(yearEnd: periodText) else {
                throw ScenarioError(csv.error(at: row[p], "\(PrintableText.quoted(periodText)) is not a year (YYYY) or a date (YYYY-MM-DD)"))
            }
            let value: Double
            do { value = try csv.number(row[v], column: valueName) } catch { throw ScenarioError(error) }
            guard value > 0 else { continue }
            if byID[id] == nil { order.append(id) }
            byID[id, default: []].append((date, value, row.line))
        }
        var series: [Series] = []
        for id in order {
            let rows = byID[id]!.sorted { $0.0 < $1.0 }
            for (a, b) in zip(rows, rows.dropFirst()) where a.0 == b.0 {
                throw ScenarioError(file: path, line: b.2, column: 1, message: "series \(PrintableText.quoted(id)) has \(a.0) twice (line \(a.2) and \(b.2))")
            }
            series.append(Series(id: id, points: rows.map { ($0.0, $0.1) }))
        }
        let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        return Panel(name: name, valueColumn: valueName, series: series)
    }
}
