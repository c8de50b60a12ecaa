import Forecasting
import Foundation
import TextIO

/// `uptake compare` output: the rows of a ForecastComparison as CSV, JSON (with the summary)
/// or a terminal table.
extension ForecastComparison {
    public static let csvColumns = ["scenario", "variant", "target_end_date", "status", "median_a", "median_b", "median_diff",
                                    "median_rel_diff", "width90_a", "width90_b", "width90_ratio"]
    public static let scoreColumns = ["wis", "dispersion", "overprediction", "underprediction", "ae_median", "coverage_50",
                                      "coverage_90"]
    public static var actualsColumns: [String] {
        ["observation"] + scoreColumns.map { $0 + "_a" } + scoreColumns.map { $0 + "_b" } + ["relative_wis"]
    }

    private static func fields(_ score: QuantileForecastScore?) -> [String] {
        guard let s = score else { return Array(repeating: "", count: scoreColumns.count) }
        return [s.wis.wis, s.wis.dispersion, s.wis.overprediction, s.wis.underprediction, s.absoluteErrorOfMedian]
            .map(CSVTable.number) + [s.coverage50 ? "true" : "false", s.coverage90 ? "true" : "false"]
    }

    /// The columns of ``csv`` and ``json``: the score columns when actuals were matched.
    var columns: [String] { Self.csvColumns + (isScored ? Self.actualsColumns : []) }

    /// One line per row, as fields.
    var lines: [[String]] {
        rows.map { row in
            var line = [row.key.scenario, row.key.variant, row.key.targetEndDate.description, row.status.rawValue]
            line += [row.medianA, row.medianB, row.difference, row.relativeDifference,
                     row.a?.forecast.width90, row.b?.forecast.width90, row.widthRatio].map(CSVTable.number)
            if isScored {
                line += [CSVTable.number(row.observation)] + Self.fields(row.a?.score) + Self.fields(row.b?.score)
                    + [CSVTable.number(row.relativeWIS)]
            }
            return line
        }
    }

    public var csv: CSVTable {
        var table = CSVTable(header: columns)
        for line in lines { table.append(line) }
        return table
    }

    public var json: JSONValue {
        let header = columns
        let textColumns: Set<String> = ["scenario", "variant", "target_end_date", "status"]
        let items: [JSONValue] = lines.map { line in
            .object(zip(header, line).map { name, field in
                if textColumns.contains(name) { return (name, .string(field)) }
                if field.isEmpty { return (name, .null) }
                if field == "true" || field == "false" { return (name, .bool(field == "true")) }
                return (name, .number(Double(field) ?? .nan))
            })
        }
        func keys(_ status: Status) -> JSONValue {
            .array(rows.filter { $0.status == status }.map {
                .object([("scenario", .string($0.key.scenario)), ("variant", .string($0.key.variant)),
                         ("target_end_date", .string($0.key.targetEndDate.description))])
            })
        }
        let s = summary
        var summaryMembers: [(String, JSONValue)] = [
            ("in_both", .integer(s.both)), ("only_in_a", .integer(s.onlyA)), ("only_in_b", .integer(s.onlyB)),
            ("largest_median_rel_diff", s.largest.map { .number($0.relative) } ?? .null),
            ("width90_ratio_geometric_mean", s.widthRatioGeometricMean.map(JSONValue.number) ?? .null),
        ]
        if isScored {
            summaryMembers += [("a", MeanScores(s.scoredA)?.json ?? .null), ("b", MeanScores(s.scoredB)?.json ?? .null),
                               ("relative_wis", s.relativeWIS.map(JSONValue.number) ?? .null)]
        }
        return .object([
            ("a", .object([("path", .string(pathA)), ("files", .array(a.files.map(JSONValue.string)))])),
            ("b", .object([("path", .string(pathB)), ("files", .array(b.files.map(JSONValue.string)))])),
            ("rows", .array(items)), ("only_in_a", keys(.onlyInA)), ("only_in_b", keys(.onlyInB)),
            ("summary", .object(summaryMembers)),
        ])
    }

    /// The rows in both, the rows in only one, and the summary, for the terminal.
    public var table: String {
        func number(_ x: Double?, _ digits: Int) -> String { Self.number(x, digits: digits) }
        let percent = Self.percent
        var out = "A: \(pathA) (\(counted(a.forecasts.count, "forecast")))\nB: \(pathB) (\(counted(b.forecasts.count, "forecast")))\n\n"
        var lines: [[String]] = [["scenario", "variant", "date", "median A", "median B", "B − A", "rel. diff", "90% width B/A"]
            + (isScored ? ["observed", "WIS A", "WIS B", "WIS B/A", "AE A", "AE B", "in 50% A/B", "in 90% A/B"] : [])]
        func mark(_ score: QuantileForecastScore?, _ flag: (QuantileForecastScore) -> Bool) -> String {
            score.map { flag($0) ? "yes" : "no" } ?? "—"
        }
        for row in rows where row.status == .both {
            var line = [row.key.scenario, row.key.variant, row.key.targetEndDate.description,
                        number(row.medianA, 6), number(row.medianB, 6), number(row.difference, 6),
                        percent(row.relativeDifference), number(row.widthRatio, 3)]
            if isScored {
                line += [number(row.observation, 6), number(row.a?.score?.wis.wis, 6), number(row.b?.score?.wis.wis, 6),
                         number(row.relativeWIS, 3),
                         number(row.a?.score?.absoluteErrorOfMedian, 6), number(row.b?.score?.absoluteErrorOfMedian, 6),
                         mark(row.a?.score, \.coverage50) + "/" + mark(row.b?.score, \.coverage50),
                         mark(row.a?.score, \.coverage90) + "/" + mark(row.b?.score, \.coverage90)]
            }
            lines.append(line)
        }
        out += AlignedColumns.render(lines) + "\n"
        for (status, title) in [(Status.onlyInA, "only in A (missing from B)"), (.onlyInB, "only in B (extra)")] {
            let listed = rows.filter { $0.status == status }
            out += "\(title): " + (listed.isEmpty ? "none\n" : "\(listed.count)\n")
            for row in listed { out += "  \(row.key)\n" }
        }
        let s = summary
        out += "\n\(counted(s.both, "forecast")) in both"
        if let largest = s.largest {
            out += "; largest relative difference of medians \(percent(largest.relative)) (\(largest.key))"
        }
        if let w = s.widthRatioGeometricMean { out += "; 90 % width ratio B/A \(number(w, 3)) (geometric mean)" }
        out += "\n"
        if isScored {
            for (name, scores) in [("A", s.scoredA), ("B", s.scoredB)] {
                guard let m = MeanScores(scores) else { out += "\(name): no forecast scored\n"; continue }
                out += "\(name): \(m.count) scored; mean WIS \(number(m.wis, 6)) (dispersion \(number(m.dispersion, 6)), "
                    + "overprediction \(number(m.overprediction, 6)), underprediction \(number(m.underprediction, 6))); "
                    + "mean AE \(number(m.absoluteErrorOfMedian, 6)); coverage 50 % \(number(m.coverage50, 3)), "
                    + "90 % \(number(m.coverage90, 3))\n"
            }
            if let r = s.relativeWIS {
                out += "relative WIS of B against A: \(number(r, 3)) over \(counted(s.scoredBoth, "forecast")) (below 1: B is better)\n"
            }
        }
        return out
    }

    // MARK: Formatting

    /// `digits` significant digits; "—" for nil or NaN, "∞"/"−∞" for infinities.
    public static func number(_ x: Double?, digits: Int = 6) -> String {
        guard let x else { return "—" }
        guard x.isFinite else { return x.isNaN ? "—" : (x > 0 ? "∞" : "−∞") }
        return String(format: "%.\(digits)g", x)
    }

    /// A signed percentage with 3 significant digits; "—" for nil or NaN.
    public static func percent(_ x: Double?) -> String {
        guard let x else { return "—" }
        guard x.isFinite else { return x.isNaN ? "—" : (x > 0 ? "+∞" : "−∞") }
        return String(format: "%+.3g %%", 100 * x)
    }
}

extension MeanScores {
    /// n, the mean WIS and its parts, the mean absolute error of the median, the coverages.
    public var json: JSONValue {
        .object([("n", .integer(count)), ("wis", .number(wis)), ("dispersion", .number(dispersion)),
                 ("overprediction", .number(overprediction)), ("underprediction", .number(underprediction)),
                 ("ae_median", .number(absoluteErrorOfMedian)), ("coverage_50", .number(coverage50)),
                 ("coverage_90", .number(coverage90))])
    }
}
