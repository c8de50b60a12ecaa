import Fitting
import TextIO

/// Observed values to score forecasts against: `scenario,date,value` (Uptake's own layout;
/// a date may also be a year YYYY = YYYY-12-31), or hubverse target data
/// `target_end_date,location,target,observation`, matched to forecasts by location and
/// target. Other columns are ignored; an empty value (or `NA`) is a missing observation.
/// Errors are ``ForecastFileError``s at the file, line and column of the cell.
public struct ActualsFile: Sendable {
    public enum Layout: Sendable { case scenarioDateValue, hubverse }

    public struct Entry: Sendable {
        /// The scenario id (`scenario,date,value`), or location and target (hubverse).
        public var series: Series
        public var date: CalendarDate
        public var value: Double
        public var line: Int
    }

    public enum Series: Sendable, Hashable, CustomStringConvertible {
        case scenario(String)
        case locationTarget(location: String, target: String)

        public var description: String {
            switch self {
            case let .scenario(id): return id
            case let .locationTarget(location, target): return "location '\(location)', target '\(target)'"
            }
        }
    }

    public var path: String
    public var layout: Layout
    /// In file order.
    public var entries: [Entry]
    private var index: [Series: [CalendarDate: Double]]

    public static let scenarioColumns = ["scenario", "date", "value"]
    public static let hubverseColumns = ["target_end_date", "location", "target", "observation"]

    public static func read(_ path: String) throws -> ActualsFile {
        try ActualsFile(try CSVDocument(contentsOfFile: path, exampleHeader: scenarioColumns.joined(separator: ",")))
    }

    public static func parse(_ text: String, path: String) throws -> ActualsFile {
        try ActualsFile(try CSVDocument(text: text, file: path, exampleHeader: scenarioColumns.joined(separator: ",")))
    }

    private init(_ csv: CSVDocument) throws(LocatedError) {
        // The columns of the layout, in the order series…, date, value.
        let layout: Layout
        let columns: [Int]
        let named = { (names: [String]) -> [Int]? in
            let found = names.compactMap(csv.index(ofColumn:))
            return found.count == names.count ? found : nil
        }
        if let found = named(Self.scenarioColumns) {
            layout = .scenarioDateValue; columns = found
        } else if let found = named(Self.hubverseColumns) {
            layout = .hubverse; columns = found
        } else {
            throw csv.error(at: csv.header[0], "not an actuals file: expected columns " + Self.scenarioColumns.joined(separator: ",")
                + " or (hubverse target data) " + Self.hubverseColumns.joined(separator: ",")
                + "; found " + PrintableText.cut(csv.columnNames.joined(separator: ",")))
        }
        var entries: [Entry] = []
        var index: [Series: [CalendarDate: Double]] = [:]
        var lines: [Series: [CalendarDate: Int]] = [:]
        let names = csv.columnNames
        for row in csv.rows {
            let series: Series
            let dateColumn: Int, valueColumn: Int
            switch layout {
            case .scenarioDateValue:
                series = .scenario(row[columns[0]].text); dateColumn = columns[1]; valueColumn = columns[2]
            case .hubverse:
                series = .locationTarget(location: row[columns[1]].text, target: row[columns[2]].text)
                dateColumn = columns[0]; valueColumn = columns[3]
            }
            let dateField = row[dateColumn], valueField = row[valueColumn]
            let date = try csv.dateOrYearEnd(dateField, column: names[dateColumn])
            if valueField.text.isEmpty || valueField.text == "NA" { continue }
            let value = try csv.number(valueField, column: names[valueColumn])
            if let previous = lines[series]?[date] {
                throw csv.error(at: dateField, "\(series) has a second value for \(date) (first at line \(previous))")
            }
            lines[series, default: [:]][date] = row.line
            index[series, default: [:]][date] = value
            entries.append(Entry(series: series, date: date, value: value, line: row.line))
        }
        self.init(path: csv.file, layout: layout, entries: entries, index: index)
    }

    private init(path: String, layout: Layout, entries: [Entry], index: [Series: [CalendarDate: Double]]) {
        self.path = path; self.layout = layout; self.entries = entries; self.index = index
    }

    /// The series of this file a forecast belongs to.
    public func series(of forecast: QuantileForecast) -> Series {
        switch layout {
        case .scenarioDateValue: return .scenario(forecast.key.scenario)
        case .hubverse: return .locationTarget(location: forecast.location, target: forecast.target)
        }
    }

    /// The observation on the forecast's target_end_date, if any.
    public func value(for forecast: QuantileForecast) -> Double? {
        index[series(of: forecast)]?[forecast.key.targetEndDate]
    }
}
