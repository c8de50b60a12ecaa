import Fitting
import Foundation

/// Reading back what Uptake (or a forecast hub) wrote: `forecast.csv` files, and the
/// observed values (“actuals”) to score them against. Used by `uptake compare`.
///
/// ```swift
/// let a = try ForecastFile.load("Results")                 // every Results/<id>/forecast.csv
/// let actuals = try ActualsFile.read("actuals.csv")
/// for forecast in a.forecasts { print(forecast.key, forecast.median ?? .nan, actuals.value(for: forecast) ?? .nan) }
/// ```

/// An RFC 4180 reader: quoted fields with doubled quotes, commas and line breaks inside
/// quotes, CRLF or LF line ends, a UTF-8 byte-order mark skipped. Blank lines are skipped.
public enum CSVReader {
    public struct Record: Sendable {
        /// The 1-based line on which the record starts.
        public let line: Int
        public let fields: [String]
    }

    public struct Malformed: Error, Sendable, CustomStringConvertible {
        public let line: Int
        public let message: String
        public var description: String { "line \(line): \(message)" }
    }

    public static func parse(_ text: String) throws -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field = String.UnicodeScalarView()
        var line = 1, recordLine = 1
        var quoted = false, afterQuote = false, fieldStarted = false
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        var i = 0
        func endField() {
            fields.append(String(field)); field = String.UnicodeScalarView(); afterQuote = false; fieldStarted = false
        }
        func endRecord() {
            endField()
            if !(fields.count == 1 && fields[0].isEmpty) { records.append(Record(line: recordLine, fields: fields)) }
            fields = []
        }
        while i < scalars.count {
            let c = scalars[i]
            i += 1
            if quoted {
                if c == "\"" {
                    if i < scalars.count && scalars[i] == "\"" { field.append("\""); i += 1 } else { quoted = false; afterQuote = true }
                } else {
                    if c == "\n" { line += 1 }
                    field.append(c)
                }
                continue
            }
            switch c {
            case "\"":
                guard !fieldStarted, !afterQuote else {
                    throw Malformed(line: line, message: "a quote inside an unquoted field (RFC 4180: quote the whole field and double the quote)")
                }
                quoted = true; fieldStarted = true
            case ",":
                endField()
            case "\r", "\n":
                if c == "\r", i < scalars.count, scalars[i] == "\n" { i += 1 }
                endRecord()
                line += 1
                recordLine = line
            default:
                guard !afterQuote else { throw Malformed(line: line, message: "text after the closing quote of a field") }
                field.append(c); fieldStarted = true
            }
        }
        if quoted { throw Malformed(line: recordLine, message: "a quoted field is never closed") }
        if fieldStarted || afterQuote || !fields.isEmpty { endRecord() }
        return records
    }

    /// Reads a file as UTF-8 text.
    static func text(of path: String, what: String) throws -> String {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw ForecastFileError(file: path, message: "no such file")
        }
        guard !isFolder.boolValue else { throw ForecastFileError(file: path, message: "is a folder, not \(what)") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ForecastFileError(file: path, message: "cannot read the file")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw ForecastFileError(file: path, message: "is not UTF-8 text")
        }
        return text
    }
}

/// A problem in a forecast or actuals file: `file:line: message`, one line.
public struct ForecastFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var message: String

    public init(file: String, line: Int? = nil, message: String) {
        self.file = file; self.line = line; self.message = message
    }

    public var description: String { line.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)" }
}

/// What a forecast is of: one row of `uptake compare` (scenario × variant × target_end_date).
public struct ForecastKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var scenario: String
    public var variant: String
    public var targetEndDate: CalendarDate

    public init(scenario: String, variant: String, targetEndDate: CalendarDate) {
        self.scenario = scenario; self.variant = variant; self.targetEndDate = targetEndDate
    }

    public static func < (a: ForecastKey, b: ForecastKey) -> Bool {
        (a.scenario, a.variant, a.targetEndDate) < (b.scenario, b.variant, b.targetEndDate)
    }

    public var description: String { "\(scenario) \(variant) \(targetEndDate)" }
}

/// One predictive distribution read from a forecast file: the quantile, mean and median
/// rows that share a scenario, variant and target_end_date.
public struct QuantileForecast: Sendable {
    public var key: ForecastKey
    public var location: String
    public var target: String
    public var referenceDate: CalendarDate
    public var horizon: Int
    /// Quantile levels, increasing, and their values (non-decreasing: checked on reading).
    public var levels: [Double]
    public var values: [Double]
    /// The `mean` row, if any.
    public var mean: Double?
    /// The `median` row, else the 0.5 quantile.
    public var median: Double?
    /// Where it came from: the file and the line of its first row.
    public var file: String
    public var line: Int

    /// The quantile at `level`, if it was given (levels matched to 10 digits).
    public func quantile(_ level: Double) -> Double? {
        let key = (level * 1e10).rounded()
        return levels.firstIndex { ($0 * 1e10).rounded() == key }.map { values[$0] }
    }

    /// q0.95 − q0.05, the width of the central 90 % interval.
    public var width90: Double? {
        guard let lo = quantile(0.05), let hi = quantile(0.95) else { return nil }
        return hi - lo
    }
}

/// A `forecast.csv` (DESIGN.md, "Outputs"), or several read as one set.
public struct ForecastFile: Sendable {
    /// The files read (one, or every `<id>/forecast.csv` of a Results folder).
    public var files: [String]
    /// In file order.
    public var forecasts: [QuantileForecast]

    public init(files: [String], forecasts: [QuantileForecast]) {
        self.files = files; self.forecasts = forecasts
    }

    /// A forecast.csv file, or a Results folder: then every `<id>/forecast.csv` in it (and its
    /// own forecast.csv, if it has one: a single `Results/<id>` folder), in name order.
    public static func load(_ path: String) throws -> ForecastFile {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw ForecastFileError(file: path, message: "no such file or folder")
        }
        guard isFolder.boolValue else { return try read(path) }
        let files = FileManager.default
        let prefix = path.hasSuffix("/") ? path : path + "/"
        var found: [String] = []
        if files.fileExists(atPath: prefix + "forecast.csv") { found.append(prefix + "forecast.csv") }
        let names = (try? files.contentsOfDirectory(atPath: path)) ?? []
        for name in names.sorted() where !name.hasPrefix(".") {
            var nested: ObjCBool = false
            let candidate = prefix + name + "/forecast.csv"
            if files.fileExists(atPath: prefix + name, isDirectory: &nested), nested.boolValue,
               files.fileExists(atPath: candidate) {
                found.append(candidate)
            }
        }
        guard !found.isEmpty else {
            throw ForecastFileError(file: path, message: "is a folder with no <id>/forecast.csv in it; give a forecast.csv file or a Results folder")
        }
        var forecasts: [QuantileForecast] = []
        var seen: [ForecastKey: String] = [:]
        for file in found {
            for forecast in try read(file).forecasts {
                if let other = seen[forecast.key] {
                    throw ForecastFileError(file: file, line: forecast.line,
                                            message: "the forecast \(forecast.key) is also in \(other)")
                }
                seen[forecast.key] = file
                forecasts.append(forecast)
            }
        }
        return ForecastFile(files: found, forecasts: forecasts)
    }

    public static func read(_ path: String) throws -> ForecastFile {
        try parse(try CSVReader.text(of: path, what: "a forecast file"), path: path)
    }

    /// Checks the contract as it reads: the header (names and order), ISO dates, a positive
    /// integer horizon, a known output type, quantile levels in (0, 1) given once each and
    /// values non-decreasing in the level, cdf values in [0, 1].
    public static func parse(_ text: String, path: String) throws -> ForecastFile {
        let records: [CSVReader.Record]
        do { records = try CSVReader.parse(text) } catch let error as CSVReader.Malformed {
            throw ForecastFileError(file: path, line: error.line, message: error.message)
        }
        let expected = ForecastTable.header
        guard let header = records.first, header.fields == expected else {
            let found = records.first.map { "found " + $0.fields.joined(separator: ",") } ?? "the file is empty"
            throw ForecastFileError(file: path, message: "not a forecast file: expected columns "
                + expected.joined(separator: ",") + "; \(found)")
        }
        struct Partial {
            var forecast: QuantileForecast
            var quantiles: [(level: Double, value: Double, line: Int)] = []
            var medianRow: Double?
        }
        var order: [ForecastKey] = []
        var partials: [ForecastKey: Partial] = [:]
        for record in records.dropFirst() {
            let f = record.fields
            func fail(_ message: String) -> ForecastFileError { ForecastFileError(file: path, line: record.line, message: message) }
            guard f.count == expected.count else {
                throw fail("\(counted(f.count, "field")), but the header has \(expected.count)")
            }
            guard let reference = CalendarDate(iso: f[4]) else { throw fail("reference_date '\(f[4])' is not an ISO date (YYYY-MM-DD)") }
            guard let horizon = Int(f[5]), horizon >= 1 else { throw fail("horizon '\(f[5])' is not a whole number ≥ 1") }
            guard let end = CalendarDate(iso: f[6]) else { throw fail("target_end_date '\(f[6])' is not an ISO date (YYYY-MM-DD)") }
            let value: Double?
            if f[9].isEmpty { value = nil } else {
                guard let v = Double(f[9]), v.isFinite else { throw fail("value '\(f[9])' is not a number") }
                value = v
            }
            let key = ForecastKey(scenario: f[0], variant: f[1], targetEndDate: end)
            if partials[key] == nil {
                order.append(key)
                partials[key] = Partial(forecast: QuantileForecast(
                    key: key, location: f[2], target: f[3], referenceDate: reference, horizon: horizon,
                    levels: [], values: [], mean: nil, median: nil, file: path, line: record.line))
            }
            guard var partial = partials[key] else { continue }
            if partial.forecast.referenceDate != reference || partial.forecast.horizon != horizon
                || partial.forecast.location != f[2] || partial.forecast.target != f[3] {
                throw fail("\(key) has rows with different location, target, reference_date or horizon (first at line \(partial.forecast.line))")
            }
            switch f[7] {
            case "quantile":
                guard let level = Double(f[8]), level > 0, level < 1 else {
                    throw fail("a quantile's output_type_id must be a level in (0, 1), got '\(f[8])'")
                }
                guard let value else { throw fail("the \(f[8]) quantile of \(key) has no value") }
                if let previous = partial.quantiles.first(where: { ($0.level * 1e10).rounded() == (level * 1e10).rounded() }) {
                    throw fail("the \(f[8]) quantile of \(key) is given twice (also at line \(previous.line))")
                }
                partial.quantiles.append((level, value, record.line))
            case "mean":
                partial.forecast.mean = value
            case "median":
                partial.medianRow = value
            case "cdf":
                if let value, !(0...1).contains(value) {
                    throw fail("a cdf value is a probability in [0, 1], got \(value)")
                }
            case "sample", "pmf":
                break
            default:
                throw fail("output_type '\(f[7])' is not one of quantile, mean, median, cdf, sample")
            }
            partials[key] = partial
        }
        var forecasts: [QuantileForecast] = []
        for key in order {
            var partial = partials[key]!
            let sorted = partial.quantiles.sorted { $0.level < $1.level }
            for (a, b) in zip(sorted, sorted.dropFirst()) where b.value < a.value {
                throw ForecastFileError(file: path, line: b.line, message: "quantiles of \(key) decrease with the level: "
                    + "\(b.level) → \(b.value) is below \(a.level) → \(a.value)")
            }
            partial.forecast.levels = sorted.map(\.level)
            partial.forecast.values = sorted.map(\.value)
            partial.forecast.median = partial.medianRow ?? partial.forecast.quantile(0.5)
            forecasts.append(partial.forecast)
        }
        return ForecastFile(files: [path], forecasts: forecasts)
    }
}

/// Observed values to score forecasts against: `scenario,date,value` (Uptake's own layout;
/// a date may also be a year YYYY = YYYY-12-31), or hubverse target data
/// `target_end_date,location,target,observation`, matched to forecasts by location and
/// target. Other columns are ignored; an empty value is a missing observation.
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
        try parse(try CSVReader.text(of: path, what: "an actuals file"), path: path)
    }

    public static func parse(_ text: String, path: String) throws -> ActualsFile {
        let records: [CSVReader.Record]
        do { records = try CSVReader.parse(text) } catch let error as CSVReader.Malformed {
            throw ForecastFileError(file: path, line: error.line, message: error.message)
        }
        let header = records.first?.fields ?? []
        func column(_ name: String) -> Int? { header.firstIndex(of: name) }
        let layout: Layout
        let columns: [Int]
        if let s = column("scenario"), let d = column("date"), let v = column("value") {
            layout = .scenarioDateValue; columns = [s, d, v]
        } else if let d = column("target_end_date"), let l = column("location"), let t = column("target"), let o = column("observation") {
            layout = .hubverse; columns = [d, l, t, o]
        } else {
            throw ForecastFileError(file: path, message: "not an actuals file: expected columns "
                + scenarioColumns.joined(separator: ",") + " or (hubverse target data) " + hubverseColumns.joined(separator: ",")
                + "; " + (header.isEmpty ? "the file is empty" : "found " + header.joined(separator: ",")))
        }
        var entries: [Entry] = []
        var index: [Series: [CalendarDate: Double]] = [:]
        var lines: [Series: [CalendarDate: Int]] = [:]
        for record in records.dropFirst() {
            let f = record.fields
            func fail(_ message: String) -> ForecastFileError { ForecastFileError(file: path, line: record.line, message: message) }
            guard f.count == header.count else { throw fail("\(counted(f.count, "field")), but the header has \(header.count)") }
            let series: Series
            let dateText: String, valueText: String
            switch layout {
            case .scenarioDateValue:
                series = .scenario(f[columns[0]]); dateText = f[columns[1]]; valueText = f[columns[2]]
            case .hubverse:
                series = .locationTarget(location: f[columns[1]], target: f[columns[2]]); dateText = f[columns[0]]; valueText = f[columns[3]]
            }
            guard let date = CalendarDate(iso: dateText)
                ?? (dateText.count == 4 ? Int(dateText).flatMap { CalendarDate(year: $0, month: 12, day: 31) } : nil) else {
                throw fail("'\(dateText)' is not an ISO date (YYYY-MM-DD) or a year")
            }
            if valueText.isEmpty || valueText == "NA" { continue }
            guard let value = Double(valueText), value.isFinite else { throw fail("'\(valueText)' is not a number") }
            if let previous = lines[series]?[date] {
                throw fail("\(series) has a second value for \(date) (first at line \(previous))")
            }
            lines[series, default: [:]][date] = record.line
            index[series, default: [:]][date] = value
            entries.append(Entry(series: series, date: date, value: value, line: record.line))
        }
        return ActualsFile(path: path, layout: layout, entries: entries, index: index)
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
