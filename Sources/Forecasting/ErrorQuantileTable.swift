import Foundation
import Fitting
import TextIO

/// Intervals from real forecast errors (DESIGN.md, "Honest intervals, measured on real
/// data"): per metric kind and horizon, the empirical quantiles of the local trend's
/// standardised forecast errors on real panels,
///
///   r = (z_obs − ẑ_h) / (s·√h),
///
/// z = h(y) on the natural scale (``NaturalScale``), ẑ_h the local trend's point forecast h
/// years after its last observation (``LocalTrend``: last value plus drift), s its walk sd
/// per √year. Rolling-origin errors pooled over the series of the panels listed in
/// ``provenance``, built by `uptake backtest --panel … --write-calibration` (docs/forecasting.md).
///
/// A path of the local trend draws its standardised error from this table instead of a
/// normal: r(t) = Q_h(Φ(W(h)/√h)), W a standard Brownian motion over the years h after the
/// last observation, so every date's marginal is the table's while a path keeps a random
/// walk's dependence over time (a Gaussian copula). Between table horizons Q is linear in h
/// (below the first: the first; beyond the last: the last); between table levels, linear
/// in the level; beyond the outermost levels, linear in the normal quantile through the two
/// outermost levels.
public struct ErrorQuantileTable: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case share, count

        /// Shares and "k of N" counts (a bounded natural scale) are `share`; the rest `count`.
        public static func of(_ scale: NaturalScale) -> Kind {
            switch scale {
            case .logit: return .share
            case .log: return .count
            }
        }
    }

    /// Increasing quantile levels, strictly inside (0, 1).
    public let levels: [Double]
    /// quantiles[kind][h − 1][l]: non-decreasing in l; horizons 1, 2, … years.
    public let quantiles: [Kind: [[Double]]]
    /// Where the numbers come from (panels, origins, counts), one line each.
    public let provenance: [String]

    public init(levels: [Double], quantiles: [Kind: [[Double]]], provenance: [String] = []) throws {
        guard levels.count >= 2, zip(levels, levels.dropFirst()).allSatisfy({ $0 < $1 }), levels.first! > 0, levels.last! < 1 else {
            throw ForecastError.invalidRequest("calibration table: levels must increase strictly inside (0, 1)")
        }
        for (kind, rows) in quantiles {
            guard !rows.isEmpty else { throw ForecastError.invalidRequest("calibration table: no horizons for \(kind.rawValue)") }
            for (h, row) in rows.enumerated() {
                guard row.count == levels.count, row.allSatisfy(\.isFinite),
                      zip(row, row.dropFirst()).allSatisfy({ $0 <= $1 }) else {
                    throw ForecastError.invalidRequest("calibration table: \(kind.rawValue) horizon \(h + 1) needs "
                        + "\(levels.count) finite, non-decreasing quantiles")
                }
            }
        }
        self.levels = levels
        self.quantiles = quantiles
        self.provenance = provenance
    }

    /// The rows used for a kind: its own, else another kind's (standardised errors are
    /// scale-free; a table built without shares still calibrates a share, as the
    /// leave-one-panel-out check of the one share panel needs); nil for an empty table.
    func rows(_ kind: Kind) -> [[Double]]? {
        quantiles[kind] ?? Kind.allCases.lazy.compactMap { quantiles[$0] }.first
    }

    /// Q_h(p) (``rows(_:)``).
    public func quantile(_ kind: Kind, horizon h: Double, level p: Double) -> Double? {
        guard let rows = rows(kind) else { return nil }
        let position = min(max(h, 1), Double(rows.count)) - 1
        let lower = Int(position.rounded(.down)), upper = min(lower + 1, rows.count - 1)
        let w = position - Double(lower)
        let a = Self.interpolate(levels, rows[lower], p), b = Self.interpolate(levels, rows[upper], p)
        return a + w * (b - a)
    }

    /// Linear in the level inside the table; linear in Φ⁻¹(level) outside it.
    static func interpolate(_ levels: [Double], _ values: [Double], _ p: Double) -> Double {
        let n = levels.count
        if p <= levels[0] || p >= levels[n - 1] {
            let (i, j) = p <= levels[0] ? (0, 1) : (n - 2, n - 1)
            let zi = StandardNormal.quantile(levels[i]), zj = StandardNormal.quantile(levels[j])
            let slope = (values[j] - values[i]) / (zj - zi)
            return values[i] + slope * (StandardNormal.quantile(min(max(p, 1e-300), 1 - 1e-16)) - zi)
        }
        var k = 1
        while levels[k] < p { k += 1 }
        let w = (p - levels[k - 1]) / (levels[k] - levels[k - 1])
        return values[k - 1] + w * (values[k] - values[k - 1])
    }

    // MARK: CSV

    /// `kind,horizon,level,quantile` rows, `#` lines for the provenance.
    public var csv: String {
        var lines = provenance.map { "# " + $0 }
        lines.append("kind,horizon,level,quantile")
        for kind in Kind.allCases {
            guard let rows = quantiles[kind] else { continue }
            for (h, row) in rows.enumerated() {
                for (l, level) in levels.enumerated() {
                    lines.append("\(kind.rawValue),\(h + 1),\(Self.number(level)),\(Self.number(row[l]))")
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Reads ``csv``'s format; `name` for messages (file:line).
    public init(csv text: String, name: String) throws {
        var provenance: [String] = []
        var entries: [Kind: [Int: [Double: Double]]] = [:]
        var levelSet: Set<Double> = []
        // `#` lines are the provenance; they are blanked (not removed) so that the reader's
        // line numbers stay the file's.
        var body: [Substring] = []
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.hasPrefix("#") {
                provenance.append(String(line.dropFirst()).trimmingCharacters(in: .whitespaces))
                body.append("")
            } else {
                body.append(raw)
            }
        }
        let records: [CSVRecord]
        do { records = try CSVReader.records(in: body.joined(separator: "\n"), file: name) } catch {
            throw ForecastError.invalidRequest(error.description)
        }
        guard let header = records.first, header.texts == ["kind", "horizon", "level", "quantile"] else {
            throw ForecastError.invalidRequest("\(name):\(records.first?.line ?? 1): expected the header kind,horizon,level,quantile")
        }
        for record in records.dropFirst() {
            let cells = record.texts
            guard cells.count == 4, let kind = Kind(rawValue: cells[0]), let h = Int(cells[1]), h >= 1,
                  let level = Double(cells[2]), let value = Double(cells[3]) else {
                throw ForecastError.invalidRequest("\(name):\(record.line): expected share|count, a horizon ≥ 1, a level and a "
                    + "number, got \(PrintableText.quoted(cells.joined(separator: ",")))")
            }
            entries[kind, default: [:]][h, default: [:]][level] = value
            levelSet.insert(level)
        }
        let levels = levelSet.sorted()
        var quantiles: [Kind: [[Double]]] = [:]
        for (kind, byHorizon) in entries {
            let horizons = byHorizon.keys.sorted()
            guard horizons == Array(1...horizons.count) else {
                throw ForecastError.invalidRequest("\(name): \(kind.rawValue) horizons must be 1, 2, … without gaps")
            }
            quantiles[kind] = try horizons.map { h in
                try levels.map { level in
                    guard let v = byHorizon[h]![level] else {
                        throw ForecastError.invalidRequest("\(name): \(kind.rawValue) horizon \(h) has no quantile at level \(level)")
                    }
                    return v
                }
            }
        }
        try self.init(levels: levels, quantiles: quantiles, provenance: provenance)
    }

    public static func load(path: String) throws -> ErrorQuantileTable {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ForecastError.invalidRequest("\(path): cannot read the calibration table")
        }
        return try ErrorQuantileTable(csv: text, name: path)
    }

    /// The table as a Swift source file (the built-in one, `ErrorQuantileTable+BuiltIn.swift`).
    public var swiftSource: String {
        var out = """
        // Generated by `uptake backtest --panel … --write-calibration Sources/Forecasting/ErrorQuantileTable+BuiltIn.swift`
        // (make calibrate). Do not edit by hand; docs/forecasting.md says how it is built.

        extension ErrorQuantileTable {
            /// The calibration shipped with Uptake (see ``provenance``).
            public static let builtIn = try! ErrorQuantileTable(
                levels: [\(levels.map(Self.number).joined(separator: ", "))],
                quantiles: [

        """
        for kind in Kind.allCases {
            guard let rows = quantiles[kind] else { continue }
            out += "            .\(kind.rawValue): [\n"
            for row in rows { out += "                [\(row.map(Self.number).joined(separator: ", "))],\n" }
            out += "            ],\n"
        }
        out += "        ],\n        provenance: [\n"
        for line in provenance {
            out += "            \"\(line.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""))\",\n"
        }
        out += "        ])\n}\n"
        return out
    }

    /// 10 significant digits (DESIGN.md, "Outputs").
    static func number(_ x: Double) -> String {
        var s = String(format: "%.10g", x)
        if !s.contains(".") && !s.contains("e") && !s.contains("n") && !s.contains("i") { s += ".0" }
        return s
    }
}
