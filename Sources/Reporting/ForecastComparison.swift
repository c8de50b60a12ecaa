import Fitting
import Forecasting
import Foundation

/// Bad input to a comparison: no forecasts in common, actuals that match nothing, a forecast
/// that cannot be scored.
public struct ForecastComparisonError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Two sets of forecasts side by side, row by row (scenario × variant × target_end_date),
/// optionally scored against what was observed (`uptake compare A B`).
public struct ForecastComparison: Sendable {
    /// The reference set A and the set B compared with it, with the paths they were read from.
    public var a: ForecastFile, b: ForecastFile
    public var pathA: String, pathB: String
    /// Every key in A or B, in key order.
    public private(set) var rows: [Row]
    /// Whether actuals were matched (`score(against:)`).
    public private(set) var isScored = false

    public enum Status: String, Sendable { case both, onlyInA = "only_in_a", onlyInB = "only_in_b" }

    public struct Side: Sendable {
        public var forecast: QuantileForecast
        public var score: QuantileForecastScore?
    }

    public struct Row: Sendable {
        public var key: ForecastKey
        public var a: Side?
        public var b: Side?
        public var observation: Double?

        public var status: Status { a == nil ? .onlyInB : b == nil ? .onlyInA : .both }
        public var medianA: Double? { a?.forecast.median }
        public var medianB: Double? { b?.forecast.median }
        public var difference: Double? {
            guard let x = medianA, let y = medianB else { return nil }
            return y - x
        }
        /// (B − A)/|A|; 0 when both are 0, ±∞ when only A is 0.
        public var relativeDifference: Double? {
            guard let x = medianA, let y = medianB else { return nil }
            if x == y { return 0 }
            return (y - x) / abs(x)
        }
        public var widthRatio: Double? {
            guard let x = a?.forecast.width90, let y = b?.forecast.width90 else { return nil }
            if x == y { return 1 }
            return y / x
        }
        public var relativeWIS: Double? {
            guard let x = a?.score?.wis.wis, let y = b?.score?.wis.wis else { return nil }
            if x == y { return 1 }
            return y / x
        }
    }

    /// Matches the forecasts of A and B; throws when they have no row in common.
    public init(a: ForecastFile, b: ForecastFile, pathA: String, pathB: String) throws {
        self.a = a; self.b = b; self.pathA = pathA; self.pathB = pathB
        var rows: [ForecastKey: Row] = [:]
        for f in a.forecasts { rows[f.key, default: Row(key: f.key)].a = Side(forecast: f) }
        for f in b.forecasts { rows[f.key, default: Row(key: f.key)].b = Side(forecast: f) }
        self.rows = rows.values.sorted { $0.key < $1.key }
        guard self.rows.contains(where: { $0.status == .both }) else { throw noOverlap() }
    }

    private func noOverlap() -> ForecastComparisonError {
        func scenarios(_ set: ForecastFile) -> [String] {
            var seen = Set<String>()
            return set.forecasts.map(\.key.scenario).filter { seen.insert($0).inserted }
        }
        let sa = scenarios(a), sb = scenarios(b)
        func list(_ ids: [String]) -> String { ids.isEmpty ? "no forecasts" : ids.joined(separator: ", ") }
        if Set(sa).isDisjoint(with: sb) {
            return ForecastComparisonError("\(pathA) and \(pathB) have no scenario in common: A has \(list(sa)); B has \(list(sb))")
        }
        return ForecastComparisonError("\(pathA) and \(pathB) share scenarios (\(list(sa.filter(Set(sb).contains)))) but no "
            + "variant × target_end_date: nothing to compare")
    }

    /// Attaches observations and scores; throws when no observation matches a forecast.
    /// Returns a note when some actuals fall between forecast dates (not scored).
    @discardableResult
    public mutating func score(against file: ActualsFile) throws -> String? {
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
                    throw ForecastComparisonError("\(f.file):\(f.line): cannot score \(f.key): \(error)")
                }
            }
        }
        let known = file.entries.filter { window[$0.series] != nil }
        guard matched > 0 else {
            if known.isEmpty {
                let names = Set(file.entries.map(\.series.description)).sorted()
                let forecastSeries = Set(window.keys.map(\.description)).sorted()
                throw ForecastComparisonError("\(file.path): no actuals for the forecasts compared: the file has "
                    + (names.isEmpty ? "no observations" : names.prefix(5).joined(separator: "; "))
                    + "; the forecasts are of " + forecastSeries.prefix(5).joined(separator: "; "))
            }
            let dates = known.map(\.date)
            let spans = window.filter { w in known.contains { $0.series == w.key } }
                .map { "\($0.key): \($0.value.first) … \($0.value.last)" }.sorted()
            throw ForecastComparisonError("\(file.path): no actual is dated on a forecast's target_end_date: the actuals run "
                + "\(dates.min()!) … \(dates.max()!), the forecasts end on grid dates " + spans.joined(separator: "; ")
                + "; give observations on those dates")
        }
        isScored = true
        // Observations inside a forecast window that fall between its dates cannot be scored.
        let between = known.filter { entry in
            guard let w = window[entry.series] else { return false }
            return entry.date > w.reference && entry.date <= w.last && !w.dates.contains(entry.date)
        }
        guard !between.isEmpty else { return nil }
        let shown = between.prefix(3).map { "line \($0.line) (\($0.date))" }.joined(separator: ", ")
        return "\(counted(between.count, "actual")) in \(file.path) \(between.count == 1 ? "falls" : "fall") between forecast dates and "
            + "\(between.count == 1 ? "is" : "are") not scored: "
            + shown + (between.count > 3 ? ", …" : "")
    }

    /// Rows in only one of A and B, or whose medians differ relatively by more than `tolerance`.
    public func rows(differingBeyond tolerance: Double) -> [Row] {
        rows.filter { row in
            if row.status != .both { return true }
            if (row.medianA == nil) != (row.medianB == nil) { return true }
            guard let r = row.relativeDifference else { return false }
            return !(abs(r) <= tolerance)
        }
    }

    // MARK: Summary

    public struct Summary: Sendable {
        public var both = 0, onlyA = 0, onlyB = 0
        public var largest: (key: ForecastKey, relative: Double)?
        public var widthRatioGeometricMean: Double?
        public var scoredA: [QuantileForecastScore] = [], scoredB: [QuantileForecastScore] = []
        /// Mean WIS of B over mean WIS of A, over forecasts both score.
        public var relativeWIS: Double?
        public var scoredBoth = 0
    }

    public var summary: Summary {
        var s = Summary()
        var logRatios: [Double] = []
        var pairA = 0.0, pairB = 0.0
        for row in rows {
            switch row.status {
            case .onlyInA: s.onlyA += 1
            case .onlyInB: s.onlyB += 1
            case .both: s.both += 1
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
}
