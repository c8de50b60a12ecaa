import Fitting
import Foundation
import TextIO

/// A `forecast.csv` (DESIGN.md, "Outputs"), or several read as one set: what `uptake
/// compare` reads back from Uptake (or a forecast hub), to score against ``ActualsFile``.
///
/// ```swift
/// let a = try ForecastFile.load("Results")                 // every Results/<id>/forecast.csv
/// let actuals = try ActualsFile.read("actuals.csv")
/// for forecast in a.forecasts { print(forecast.key, forecast.median ?? .nan, actuals.value(for: forecast) ?? .nan) }
/// ```
///
/// Errors are ``ForecastFileError``s at the file, line and column of the cell.
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
                    // The key starts with the scenario, the first column.
                    throw ForecastFileError(file: file, line: forecast.line, column: 1,
                                            message: "the forecast \(forecast.key) is also in \(other)")
                }
                seen[forecast.key] = file
                forecasts.append(forecast)
            }
        }
        return ForecastFile(files: found, forecasts: forecasts)
    }

    public static func read(_ path: String) throws -> ForecastFile {
        try ForecastFile(try CSVDocument(contentsOfFile: path, exampleHeader: ForecastTable.header.joined(separator: ",")))
    }

    /// Checks the contract as it reads: the header (names and order), ISO dates, a positive
    /// integer horizon, a known output type, quantile levels in (0, 1) given once each and
    /// values non-decreasing in the level, cdf values in [0, 1].
    public static func parse(_ text: String, path: String) throws -> ForecastFile {
        try ForecastFile(try CSVDocument(text: text, file: path, exampleHeader: ForecastTable.header.joined(separator: ",")))
    }

    private init(_ csv: CSVDocument) throws(LocatedError) {
        let expected = ForecastTable.header
        guard csv.columnNames == expected else {
            throw csv.error(at: csv.header[0], "not a forecast file: expected columns " + expected.joined(separator: ",")
                + "; found " + PrintableText.cut(csv.columnNames.joined(separator: ",")))
        }
        struct Partial {
            var forecast: QuantileForecast
            var quantiles: [(level: Double, value: Double, field: CSVField)] = []
            var medianRow: Double?
        }
        var order: [ForecastKey] = []
        var partials: [ForecastKey: Partial] = [:]
        for row in csv.rows {
            let f = row.fields
            let reference = try csv.date(f[4], column: "reference_date")
            guard let horizon = Int(f[5].text), horizon >= 1 else {
                throw csv.error(at: f[5], "horizon must be a whole number ≥ 1, got \(PrintableText.quoted(f[5].text))")
            }
            let end = try csv.date(f[6], column: "target_end_date")
            let value: Double? = try f[9].text.isEmpty ? nil : csv.number(f[9], column: "value")
            let key = ForecastKey(scenario: f[0].text, variant: f[1].text, targetEndDate: end)
            if partials[key] == nil {
                order.append(key)
                partials[key] = Partial(forecast: QuantileForecast(
                    key: key, location: f[2].text, target: f[3].text, referenceDate: reference, horizon: horizon,
                    levels: [], values: [], mean: nil, median: nil, file: csv.file, line: row.line))
            }
            guard var partial = partials[key] else { continue }
            if partial.forecast.referenceDate != reference || partial.forecast.horizon != horizon
                || partial.forecast.location != f[2].text || partial.forecast.target != f[3].text {
                throw csv.error(at: f[0], "\(key) has rows with different location, target, reference_date or horizon "
                    + "(first at line \(partial.forecast.line))")
            }
            switch f[7].text {
            case "quantile":
                guard let level = Double(f[8].text), level > 0, level < 1 else {
                    throw csv.error(at: f[8], "a quantile's output_type_id must be a level in (0, 1), got \(PrintableText.quoted(f[8].text))")
                }
                guard let value else { throw csv.error(at: f[9], "the \(f[8].text) quantile of \(key) has no value") }
                if let previous = partial.quantiles.first(where: { ($0.level * 1e10).rounded() == (level * 1e10).rounded() }) {
                    throw csv.error(at: f[8], "the \(f[8].text) quantile of \(key) is given twice (also at line \(previous.field.line))")
                }
                partial.quantiles.append((level, value, f[9]))
            case "mean":
                partial.forecast.mean = value
            case "median":
                partial.medianRow = value
            case "cdf":
                if let value, !(0...1).contains(value) {
                    throw csv.error(at: f[9], "a cdf value is a probability in [0, 1], got \(value)")
                }
            case "sample", "pmf":
                break
            default:
                throw csv.error(at: f[7], "output_type \(PrintableText.quoted(f[7].text)) is not one of quantile, mean, median, cdf, sample")
            }
            partials[key] = partial
        }
        var forecasts: [QuantileForecast] = []
        for key in order {
            var partial = partials[key]!
            let sorted = partial.quantiles.sorted { $0.level < $1.level }
            for (a, b) in zip(sorted, sorted.dropFirst()) where b.value < a.value {
                throw csv.error(at: b.field, "quantiles of \(key) decrease with the level: "
                    + "\(b.level) → \(b.value) is below \(a.level) → \(a.value)")
            }
            partial.forecast.levels = sorted.map(\.level)
            partial.forecast.values = sorted.map(\.value)
            partial.forecast.median = partial.medianRow ?? partial.forecast.quantile(0.5)
            forecasts.append(partial.forecast)
        }
        self.init(files: [csv.file], forecasts: forecasts)
    }
}
