import Fitting
import Forecasting
import Foundation
import Scenarios
import TextIO

/// The sharded panel backtest (`uptake backtest --panel … --shard i/n`, then `--merge-cells`).
///
/// The cells of the whole batch — every panel's series × cutoffs that qualify — are keyed
/// `panel<TAB>cutoff<TAB>series` and split by ``ScenarioShard`` like scenario ids (cutoff
/// before series, so that each shard gets its share of every cutoff: cells of early cutoffs
/// forecast further and cost more). A shard
/// writes its cells' rows to `--cells` and, beside that file, a ``ShardManifest`` whose payload
/// holds the batch's cells in the single run's order (per panel, in panel order) and the
/// shard's scores *exactly* (every number in Swift's shortest round-trip form, not rounded to
/// the CSV's 10 digits). The merge rebuilds the single run's ``BacktestOrigin``s from them, in
/// the single run's order, so the cells file and the summaries it writes are the single run's,
/// byte for byte.
public enum PanelBacktestShard {
    /// The batch in the single run's order: each panel's name and its cell keys.
    public struct Batch: Sendable {
        public var panels: [(name: String, keys: [String])]
        public init(panels: [(name: String, keys: [String])]) { self.panels = panels }
        public var keys: [String] { panels.flatMap(\.keys) }
    }

    public static func key(panel: String, series: String, cutoff: Int) -> String { "\(panel)\t\(cutoff)\t\(series)" }

    /// The series of a key.
    public static func series(_ key: String) -> String {
        let parts = key.split(separator: "\t", omittingEmptySubsequences: false)
        return parts.count == 3 ? String(parts[2]) : key
    }

    /// The manifest payload: the batch and the shard's origins by key.
    public static func payload(_ batch: Batch, origins: [(key: String, origin: BacktestOrigin)]) -> JSONValue {
        .object([
            ("panels", .array(batch.panels.map { .object([("name", .string($0.name)), ("cells", .array($0.keys.map(JSONValue.string)))]) })),
            ("origins", .array(origins.map { key, origin in
                .object([("key", .string(key)), ("scenario", .string(origin.scenario)), ("cutoff", .string(origin.cutoff.description)),
                         ("training", .integer(origin.training)), ("scored", .array(origin.scored.map(encode)))])
            })),
        ])
    }

    /// Reads a payload back; throws a one-line message naming `path` when it is not one.
    public static func read(_ payload: JSONValue, path: String) throws -> (batch: Batch, origins: [String: BacktestOrigin]) {
        func bad(_ what: String) -> ResultsFolder.LayoutError {
            ResultsFolder.LayoutError(description: "\(path): not a panel backtest shard's payload (\(what))")
        }
        guard let panels = payload["panels"]?.array, let origins = payload["origins"]?.array else { throw bad("no panels or origins") }
        let batch = Batch(panels: try panels.map { panel in
            guard let name = panel["name"]?.string, let cells = panel["cells"]?.array else { throw bad("a panel") }
            return (name, try cells.map { guard let key = $0.string else { throw bad("a cell key") }; return key })
        })
        var byKey: [String: BacktestOrigin] = [:]
        for entry in origins {
            guard let key = entry["key"]?.string, let scenario = entry["scenario"]?.string,
                  let cutoff = entry["cutoff"]?.string.flatMap(CalendarDate.init(iso:)), let training = entry["training"]?.integer,
                  let scored = entry["scored"]?.array else { throw bad("an origin") }
            byKey[key] = BacktestOrigin.restored(scenario: scenario, cutoff: cutoff, training: training, scored: try scored.map { row in
                guard let fields = row.array?.compactMap(\.string), let observation = decode(fields, scenario: scenario, cutoff: cutoff)
                else { throw bad("a scored observation of \(key.replacingOccurrences(of: "\t", with: " "))") }
                return observation
            })
        }
        return (batch, byKey)
    }

    // Fields of a scored observation, in this order: method, reference date, date, horizon,
    // observation, median, q05, q95, WIS, dispersion, overprediction, underprediction, interval
    // count, |error of the median|, coverage 50, 80, 90.
    static func encode(_ o: BacktestScoredObservation) -> JSONValue {
        let s = o.score
        return .array(([o.method.rawValue, o.referenceDate.description, o.date.description, String(o.horizon)]
            + [o.observation, o.median, o.lower90, o.upper90, s.wis.wis, s.wis.dispersion, s.wis.overprediction,
               s.wis.underprediction].map { "\($0)" }
            + [String(s.wis.intervalCount), "\(s.absoluteErrorOfMedian)"]
            + [s.coverage50, s.coverage80, s.coverage90].map { $0 ? "true" : "false" }).map(JSONValue.string))
    }

    static func decode(_ f: [String], scenario: String, cutoff: CalendarDate) -> BacktestScoredObservation? {
        guard f.count == 17, let method = BacktestMethod(rawValue: f[0]), let reference = CalendarDate(iso: f[1]),
              let date = CalendarDate(iso: f[2]), let horizon = Int(f[3]), let intervals = Int(f[12]) else { return nil }
        let x = [4, 5, 6, 7, 8, 9, 10, 11, 13].compactMap { Double(f[$0]) }
        let flags = f[14...].compactMap { ["true": true, "false": false][$0] }
        guard x.count == 9, flags.count == 3 else { return nil }
        let wis = WeightedIntervalScore(wis: x[4], dispersion: x[5], overprediction: x[6], underprediction: x[7], intervalCount: intervals)
        return BacktestScoredObservation.restored(
            scenario: scenario, cutoff: cutoff, method: method, referenceDate: reference, date: date, horizon: horizon,
            observation: x[0], median: x[1], lower90: x[2], upper90: x[3],
            score: QuantileForecastScore(wis: wis, absoluteErrorOfMedian: x[8], coverage50: flags[0], coverage80: flags[1],
                                         coverage90: flags[2]))
    }

    /// The merge: the manifests under `inputs` checked to make up one batch, and the single
    /// run's origins rebuilt per panel in the single run's order, with what the shards
    /// reported as not scored.
    public static func merge(_ inputs: [String]) throws
        -> (panels: [(name: String, origins: [(series: String, origin: BacktestOrigin)])], failures: [ShardManifest.Failure], shards: Int) {
        let shards = try ResultsMerge.shards(in: inputs, kind: .panelBacktest)
        var batch: Batch?
        var origins: [String: BacktestOrigin] = [:]
        var problems: [String] = []
        for shard in shards {
            let (shardBatch, shardOrigins) = try read(shard.manifest.payload, path: shard.manifestPath)
            if let batch, batch.panels.map({ "\($0.name)\n\($0.keys)" }) != shardBatch.panels.map({ "\($0.name)\n\($0.keys)" }) {
                problems.append("\(shard.manifestPath): the panels' cells differ from the other shards'")
            }
            batch = batch ?? shardBatch
            let keys = Set(shard.manifest.keys)
            for (key, origin) in shardOrigins where keys.contains(key) { origins[key] = origin }
        }
        let failed = Set(shards.flatMap { $0.manifest.failed.compactMap(\.key) })
        for key in batch?.keys ?? [] where origins[key] == nil && !failed.contains(key) {
            problems.append("cell \(key.replacingOccurrences(of: "\t", with: " ")) is missing from its shard's scores")
        }
        guard problems.isEmpty, let batch else { throw ResultsMerge.Problems(lines: problems) }
        var seen = Set<String>()
        let failures = shards.flatMap(\.manifest.failed).filter { seen.insert($0.message).inserted }
        return (batch.panels.map { panel in (panel.name, panel.keys.compactMap { key in origins[key].map { (series(key), $0) } }) }, failures,
                shards[0].manifest.shard.count)
    }
}
