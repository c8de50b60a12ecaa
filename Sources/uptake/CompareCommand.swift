import ArgumentParser
import Fitting
import Forecasting
import Foundation
import Reporting

/// `uptake compare A B`: two sets of forecasts side by side, optionally scored against what
/// was observed (issue 5, item 1).
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two forecast sets (forecast.csv files or Results folders), optionally against actuals.",
        discussion: """
            A and B are forecast.csv files or Results folders (a folder means every \
            <id>/forecast.csv in it). For each scenario × variant × target_end_date in both: \
            the medians, their difference B − A and relative difference (B − A)/|A|, and the \
            ratio of the 90 % interval widths (q0.95 − q0.05) B/A. Rows in only one of them \
            are listed.

            --actuals FILE (columns scenario,date,value, or hubverse target data \
            target_end_date,location,target,observation) scores every forecast whose \
            target_end_date has an observation: the weighted interval score (WIS; Bracher et \
            al. 2021, as scoringutils computes it) with its dispersion, overprediction and \
            underprediction, the absolute error of the median, 50 % and 90 % interval \
            coverage, and the relative WIS of B against A (mean WIS of B / mean WIS of A over \
            the forecasts both score; below 1: B is better).

            --tolerance REL is for regression checks: exit 1, naming the rows, if any median \
            differs relatively by more than REL, or a row is in only one of A and B.

            Exit codes: 0 ok; 1 --tolerance found a difference; 2 bad input (not a forecast \
            file, no scenario in common, actuals that match no forecast date).

            Examples:
              uptake compare Results-last-quarter Results
              uptake compare old/forecast.csv new/forecast.csv --tolerance 0.01
              uptake compare baseline/ campaign/ --actuals actuals.csv --format csv
            """
    )

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case table, csv, json }

    @Argument(help: "The reference forecasts: a forecast.csv file or a Results folder.")
    var a: String

    @Argument(help: "The forecasts compared with A: a forecast.csv file or a Results folder.")
    var b: String

    @Option(help: "Observed values: scenario,date,value or hubverse target_end_date,location,target,observation.")
    var actuals: String?

    @Option(help: "Exit 1 if a median differs relatively by more than this (e.g. 0.01), or a row is missing.")
    var tolerance: Double?

    @Option(help: "table, csv or json.")
    var format: OutputFormat = .table

    func validate() throws {
        if let tolerance, !(tolerance.isFinite && tolerance >= 0) {
            throw ValidationError("--tolerance must be a number ≥ 0, got \(tolerance).")
        }
    }

    // MARK: Rows

    struct Side {
        var forecast: QuantileForecast
        var score: QuantileForecastScore?
    }

    struct Row {
        var key: ForecastKey
        var a: Side?
        var b: Side?
        var observation: Double?

        var status: String { a == nil ? "only_in_b" : b == nil ? "only_in_a" : "both" }
        var medianA: Double? { a?.forecast.median }
        var medianB: Double? { b?.forecast.median }
        var difference: Double? {
            guard let x = medianA, let y = medianB else { return nil }
            return y - x
        }
        /// (B − A)/|A|; 0 when both are 0, ±∞ when only A is 0.
        var relativeDifference: Double? {
            guard let x = medianA, let y = medianB else { return nil }
            if x == y { return 0 }
            return (y - x) / abs(x)
        }
        var widthRatio: Double? {
            guard let x = a?.forecast.width90, let y = b?.forecast.width90 else { return nil }
            if x == y { return 1 }
            return y / x
        }
        var relativeWIS: Double? {
            guard let x = a?.score?.wis.wis, let y = b?.score?.wis.wis else { return nil }
            if x == y { return 1 }
            return y / x
        }
    }

    func run() throws {
        let setA = try load(a), setB = try load(b)
        var rows: [ForecastKey: Row] = [:]
        for f in setA.forecasts { rows[f.key, default: Row(key: f.key)].a = Side(forecast: f) }
        for f in setB.forecasts { rows[f.key, default: Row(key: f.key)].b = Side(forecast: f) }
        var ordered = rows.values.sorted { $0.key < $1.key }
        guard ordered.contains(where: { $0.status == "both" }) else { throw noOverlap(setA, setB) }

        var actualsFile: ActualsFile?
        if let actuals {
            let file: ActualsFile
            do { file = try ActualsFile.read(actuals) } catch let error as ForecastFileError { throw InputError(error.description) }
            try match(file, to: &ordered)
            actualsFile = file
        }

        switch format {
        case .table: print(table(ordered, setA, setB, scored: actualsFile != nil), terminator: "")
        case .csv: print(csv(ordered, scored: actualsFile != nil).text, terminator: "")
        case .json: print(json(ordered, setA, setB, scored: actualsFile != nil).rendered())
        }

        if let tolerance {
            let offending = ordered.filter { row in
                if row.status != "both" { return true }
                if (row.medianA == nil) != (row.medianB == nil) { return true }
                guard let r = row.relativeDifference else { return false }
                return !(abs(r) <= tolerance)
            }
            if !offending.isEmpty {
                printError("uptake: \(offending.count) of \(ordered.count) forecasts differ by more than the tolerance \(tolerance):")
                for row in offending {
                    switch row.status {
                    case "only_in_a": printError("  \(row.key): only in A (\(a))")
                    case "only_in_b": printError("  \(row.key): only in B (\(b))")
                    default:
                        printError("  \(row.key): median \(Self.number(row.medianA)) → \(Self.number(row.medianB)) "
                            + "(\(Self.percent(row.relativeDifference)))")
                    }
                }
                throw ExitCode(1)
            }
        }
    }

    private func load(_ path: String) throws -> ForecastFile {
        do { return try ForecastFile.load(path) } catch let error as ForecastFileError {
            throw InputError(error.description)
        }
    }

    private func noOverlap(_ setA: ForecastFile, _ setB: ForecastFile) -> InputError {
        func scenarios(_ set: ForecastFile) -> [String] {
            var seen = Set<String>()
            return set.forecasts.map(\.key.scenario).filter { seen.insert($0).inserted }
        }
        let sa = scenarios(setA), sb = scenarios(setB)
        func list(_ ids: [String]) -> String { ids.isEmpty ? "no forecasts" : ids.joined(separator: ", ") }
        if Set(sa).isDisjoint(with: sb) {
            return InputError("\(a) and \(b) have no scenario in common: A has \(list(sa)); B has \(list(sb))")
        }
        return InputError("\(a) and \(b) share scenarios (\(list(sa.filter(Set(sb).contains)))) but no variant × "
            + "target_end_date: nothing to compare")
    }

    /// Attaches observations and scores; bad input when no observation matches a forecast.
    private func match(_ file: ActualsFile, to rows: inout [Row]) throws {
        // The forecast dates per series of the actuals file, to explain what did not match.
        var window: [ActualsFile.Series: (reference: CalendarDate, first: CalendarDate, last: CalendarDate, dates: Set<CalendarDate>)] = [:]
        for row in rows {
            for forecast in [row.a?.forecast, row.b?.forecast].compactMap({ $0 }) {
                let series = file.series(of: forecast)
                var w = window[series] ?? (forecast.referenceDate, forecast.key.targetEndDate, forecast.key.targetEndDate, [])
                w.reference = min(w.reference, forecast.referenceDate)
                w.first = min(w.first, forecast.key.targetEndDate)
                w.last = max(w.last, forecast.key.targetEndDate)
                w.dates.insert(forecast.key.targetEndDate)
                window[series] = w
            }
        }
        var matched = 0
        for i in rows.indices {
            guard let forecast = rows[i].a?.forecast ?? rows[i].b?.forecast, let y = file.value(for: forecast) else { continue }
            rows[i].observation = y
            matched += 1
            for side in [\Row.a, \Row.b] {
                guard let f = rows[i][keyPath: side]?.forecast else { continue }
                do {
                    rows[i][keyPath: side]?.score = try ForecastScoring.score(levels: f.levels, values: f.values, observation: y)
                } catch let error as ScoringError {
                    throw InputError("\(f.file):\(f.line): cannot score \(f.key): \(error)")
                }
            }
        }
        let known = file.entries.filter { window[$0.series] != nil }
        guard matched > 0 else {
            if known.isEmpty {
                let names = Set(file.entries.map(\.series.description)).sorted()
                let forecastSeries = Set(window.keys.map(\.description)).sorted()
                throw InputError("\(file.path): no actuals for the forecasts compared: the file has "
                    + (names.isEmpty ? "no observations" : names.prefix(5).joined(separator: "; "))
                    + "; the forecasts are of " + forecastSeries.prefix(5).joined(separator: "; "))
            }
            let dates = known.map(\.date)
            let spans = window.filter { w in known.contains { $0.series == w.key } }
                .map { "\($0.key): \($0.value.first) … \($0.value.last)" }.sorted()
            throw InputError("\(file.path): no actual is dated on a forecast's target_end_date: the actuals run "
                + "\(dates.min()!) … \(dates.max()!), the forecasts end on grid dates " + spans.joined(separator: "; ")
                + "; give observations on those dates")
        }
        // Observations inside a forecast window that fall between its dates cannot be scored.
        let between = known.filter { entry in
            guard let w = window[entry.series] else { return false }
            return entry.date > w.reference && entry.date <= w.last && !w.dates.contains(entry.date)
        }
        if !between.isEmpty {
            let shown = between.prefix(3).map { "line \($0.line) (\($0.date))" }.joined(separator: ", ")
            printError("uptake: note: \(between.count) actuals in \(file.path) fall between forecast dates and are not scored: "
                + shown + (between.count > 3 ? ", …" : ""))
        }
    }

    // MARK: Summary

    struct Summary {
        var both = 0, onlyA = 0, onlyB = 0
        var largest: (key: ForecastKey, relative: Double)?
        var widthRatioGeometricMean: Double?
        var scoredA: [QuantileForecastScore] = [], scoredB: [QuantileForecastScore] = []
        /// Mean WIS of B over mean WIS of A, over forecasts both score.
        var relativeWIS: Double?
        var scoredBoth = 0
    }

    private func summary(_ rows: [Row]) -> Summary {
        var s = Summary()
        var logRatios: [Double] = []
        var pairA = 0.0, pairB = 0.0
        for row in rows {
            switch row.status {
            case "only_in_a": s.onlyA += 1
            case "only_in_b": s.onlyB += 1
            default: s.both += 1
            }
            if let r = row.relativeDifference, s.largest.map({ abs(r) > abs($0.relative) }) ?? true { s.largest = (row.key, r) }
            if let w = row.widthRatio, w > 0, w.isFinite { logRatios.append(Foundation.log(w)) }
            if let x = row.a?.score { s.scoredA.append(x) }
            if let y = row.b?.score { s.scoredB.append(y) }
            if let x = row.a?.score, let y = row.b?.score { pairA += x.wis.wis; pairB += y.wis.wis; s.scoredBoth += 1 }
        }
        if !logRatios.isEmpty { s.widthRatioGeometricMean = Foundation.exp(logRatios.reduce(0, +) / Double(logRatios.count)) }
        if s.scoredBoth > 0 { s.relativeWIS = pairA == pairB ? 1 : pairB / pairA }
        return s
    }


    // MARK: Output

    static let csvColumns = ["scenario", "variant", "target_end_date", "status", "median_a", "median_b", "median_diff",
                             "median_rel_diff", "width90_a", "width90_b", "width90_ratio"]
    static let scoreColumns = ["wis", "dispersion", "overprediction", "underprediction", "ae_median", "coverage_50", "coverage_90"]
    static var actualsColumns: [String] {
        ["observation"] + scoreColumns.map { $0 + "_a" } + scoreColumns.map { $0 + "_b" } + ["relative_wis"]
    }

    private func fields(_ score: QuantileForecastScore?) -> [String] {
        guard let s = score else { return Array(repeating: "", count: Self.scoreColumns.count) }
        return [s.wis.wis, s.wis.dispersion, s.wis.overprediction, s.wis.underprediction, s.absoluteErrorOfMedian]
            .map(CSVTable.number) + [s.coverage50 ? "true" : "false", s.coverage90 ? "true" : "false"]
    }

    private func csv(_ rows: [Row], scored: Bool) -> CSVTable {
        var table = CSVTable(header: Self.csvColumns + (scored ? Self.actualsColumns : []))
        for row in rows {
            var line = [row.key.scenario, row.key.variant, row.key.targetEndDate.description, row.status]
            line += [row.medianA, row.medianB, row.difference, row.relativeDifference,
                     row.a?.forecast.width90, row.b?.forecast.width90, row.widthRatio].map(CSVTable.number)
            if scored {
                line += [CSVTable.number(row.observation)] + fields(row.a?.score) + fields(row.b?.score)
                    + [CSVTable.number(row.relativeWIS)]
            }
            table.append(line)
        }
        return table
    }

    private func json(_ rows: [Row], _ setA: ForecastFile, _ setB: ForecastFile, scored: Bool) -> JSONValue {
        let table = csv(rows, scored: scored)
        let textColumns: Set<String> = ["scenario", "variant", "target_end_date", "status"]
        let items: [JSONValue] = table.rows.map { line in
            .object(zip(table.header, line).map { name, field in
                if textColumns.contains(name) { return (name, .string(field)) }
                if field.isEmpty { return (name, .null) }
                if field == "true" || field == "false" { return (name, .bool(field == "true")) }
                return (name, .number(Double(field) ?? .nan))
            })
        }
        func keys(_ status: String) -> JSONValue {
            .array(rows.filter { $0.status == status }.map {
                .object([("scenario", .string($0.key.scenario)), ("variant", .string($0.key.variant)),
                         ("target_end_date", .string($0.key.targetEndDate.description))])
            })
        }
        let s = summary(rows)
        var summaryMembers: [(String, JSONValue)] = [
            ("in_both", .integer(s.both)), ("only_in_a", .integer(s.onlyA)), ("only_in_b", .integer(s.onlyB)),
            ("largest_median_rel_diff", s.largest.map { .number($0.relative) } ?? .null),
            ("width90_ratio_geometric_mean", s.widthRatioGeometricMean.map(JSONValue.number) ?? .null),
        ]
        if scored {
            summaryMembers += [("a", MeanScores(s.scoredA)?.json ?? .null), ("b", MeanScores(s.scoredB)?.json ?? .null),
                               ("relative_wis", s.relativeWIS.map(JSONValue.number) ?? .null)]
        }
        return .object([
            ("a", .object([("path", .string(a)), ("files", .array(setA.files.map(JSONValue.string)))])),
            ("b", .object([("path", .string(b)), ("files", .array(setB.files.map(JSONValue.string)))])),
            ("rows", .array(items)), ("only_in_a", keys("only_in_a")), ("only_in_b", keys("only_in_b")),
            ("summary", .object(summaryMembers)),
        ])
    }

    private func table(_ rows: [Row], _ setA: ForecastFile, _ setB: ForecastFile, scored: Bool) -> String {
        var out = "A: \(a) (\(setA.forecasts.count) forecasts)\nB: \(b) (\(setB.forecasts.count) forecasts)\n\n"
        var lines: [[String]] = [["scenario", "variant", "date", "median A", "median B", "B − A", "rel. diff", "90% width B/A"]
            + (scored ? ["observed", "WIS A", "WIS B", "WIS B/A", "AE A", "AE B", "in 50% A/B", "in 90% A/B"] : [])]
        func mark(_ score: QuantileForecastScore?, _ flag: (QuantileForecastScore) -> Bool) -> String {
            score.map { flag($0) ? "yes" : "no" } ?? "—"
        }
        for row in rows where row.status == "both" {
            var line = [row.key.scenario, row.key.variant, row.key.targetEndDate.description,
                        Self.number(row.medianA), Self.number(row.medianB), Self.number(row.difference),
                        Self.percent(row.relativeDifference), Self.number(row.widthRatio, digits: 3)]
            if scored {
                line += [Self.number(row.observation), Self.number(row.a?.score?.wis.wis), Self.number(row.b?.score?.wis.wis),
                         Self.number(row.relativeWIS, digits: 3),
                         Self.number(row.a?.score?.absoluteErrorOfMedian), Self.number(row.b?.score?.absoluteErrorOfMedian),
                         mark(row.a?.score, \.coverage50) + "/" + mark(row.b?.score, \.coverage50),
                         mark(row.a?.score, \.coverage90) + "/" + mark(row.b?.score, \.coverage90)]
            }
            lines.append(line)
        }
        out += Self.aligned(lines) + "\n"
        for (status, title) in [("only_in_a", "only in A (missing from B)"), ("only_in_b", "only in B (extra)")] {
            let listed = rows.filter { $0.status == status }
            out += "\(title): " + (listed.isEmpty ? "none\n" : "\(listed.count)\n")
            for row in listed { out += "  \(row.key)\n" }
        }
        let s = summary(rows)
        out += "\n\(s.both) forecasts in both"
        if let largest = s.largest {
            out += "; largest relative difference of medians \(Self.percent(largest.relative)) (\(largest.key))"
        }
        if let w = s.widthRatioGeometricMean { out += "; 90 % width ratio B/A \(Self.number(w, digits: 3)) (geometric mean)" }
        out += "\n"
        if scored {
            for (name, scores) in [("A", s.scoredA), ("B", s.scoredB)] {
                guard let m = MeanScores(scores) else { out += "\(name): no forecast scored\n"; continue }
                out += "\(name): \(m.count) scored; mean WIS \(Self.number(m.wis)) (dispersion \(Self.number(m.dispersion)), "
                    + "overprediction \(Self.number(m.overprediction)), underprediction \(Self.number(m.underprediction))); "
                    + "mean AE \(Self.number(m.absoluteErrorOfMedian)); coverage 50 % \(Self.number(m.coverage50, digits: 3)), "
                    + "90 % \(Self.number(m.coverage90, digits: 3))\n"
            }
            if let r = s.relativeWIS {
                out += "relative WIS of B against A: \(Self.number(r, digits: 3)) over \(s.scoredBoth) forecasts (below 1: B is better)\n"
            }
        }
        return out
    }

    // MARK: Formatting

    static func number(_ x: Double?, digits: Int = 6) -> String {
        guard let x else { return "—" }
        guard x.isFinite else { return x.isNaN ? "—" : (x > 0 ? "∞" : "−∞") }
        return String(format: "%.\(digits)g", x)
    }

    static func percent(_ x: Double?) -> String {
        guard let x else { return "—" }
        guard x.isFinite else { return x.isNaN ? "—" : (x > 0 ? "+∞" : "−∞") }
        return String(format: "%+.3g %%", 100 * x)
    }

    /// Columns padded to their widest cell, two spaces apart, without trailing spaces.
    static func aligned(_ lines: [[String]]) -> String {
        let widths = (0..<lines[0].count).map { c in lines.map { $0[c].count }.max() ?? 0 }
        return lines.map { line in
            var text = zip(line, widths).map { $0 + String(repeating: " ", count: $1 - $0.count) }.joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return text
        }.joined(separator: "\n") + "\n"
    }
}

extension MeanScores {
    var json: JSONValue {
        .object([("n", .integer(count)), ("wis", .number(wis)), ("dispersion", .number(dispersion)),
                 ("overprediction", .number(overprediction)), ("underprediction", .number(underprediction)),
                 ("ae_median", .number(absoluteErrorOfMedian)), ("coverage_50", .number(coverage50)),
                 ("coverage_90", .number(coverage90))])
    }
}
