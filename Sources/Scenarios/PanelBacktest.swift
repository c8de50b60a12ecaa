import Dispatch
import Fitting
import Forecasting
import Foundation

/// Rolling-origin backtests over the many series of a ``Panel`` (`uptake backtest --panel`,
/// on the model of statsforecast's `cross_validation`): per series and cutoff year, fit on
/// the observations up to the cutoff, forecast every later year of the panel, and score
/// each held-out observation (WIS and its parts, coverage, the median's error) next to the
/// naive trend — the per-scenario machinery of ``ScenarioBacktest`` applied to each series
/// as a scenario built from a template.
public struct PanelBacktest: Sendable {
    /// Years between snapshots (`--snapshots`): the seeds' situation of a few published
    /// figures a few years apart.
    public static let snapshotSpacing = 3

    public var panel: Panel
    /// Metric, models, priors, step, paths and seed of every series' scenario; its id,
    /// observations, targets and variants are replaced.
    public var template: Scenario
    /// Cutoff years (a cutoff is the last day of its year).
    public var cutoffs: [Int]
    /// A series needs at least this many observations up to a cutoff (before thinning).
    public var minimumPoints: Int
    /// Keep only this many observations before each cutoff, `snapshotSpacing` years apart,
    /// the last at the cutoff year; nil: all.
    public var snapshots: Int?

    public init(panel: Panel, template: Scenario, cutoffs: [Int], minimumPoints: Int = 8, snapshots: Int? = nil) {
        self.panel = panel; self.template = template; self.cutoffs = cutoffs
        self.minimumPoints = minimumPoints; self.snapshots = snapshots
    }

    /// One series at one cutoff.
    public struct Cell: Sendable {
        public var series: String
        public var cutoff: Int
        public var training: [ScenarioObservation]
        public var heldOut: [ScenarioObservation]
    }

    /// The series × cutoffs that qualify, in panel order then cutoff order.
    public func cells() -> [Cell] {
        var out: [Cell] = []
        for series in panel.series {
            for cutoff in cutoffs {
                let before = series.points.filter { $0.date.year <= cutoff }
                let after = series.points.filter { $0.date.year > cutoff }
                guard before.count >= minimumPoints, !after.isEmpty else { continue }
                var training = before
                if let k = snapshots {
                    let years = (0..<k).map { cutoff - $0 * Self.snapshotSpacing }
                    let picked = years.reversed().compactMap { year in before.first { $0.date.year == year } }
                    guard picked.count == k else { continue }
                    training = picked
                }
                out.append(Cell(series: series.id, cutoff: cutoff,
                                training: training.map { ScenarioObservation(date: $0.date, value: $0.value) },
                                heldOut: after.map { ScenarioObservation(date: $0.date, value: $0.value) }))
            }
        }
        return out
    }

    /// The cell as a scenario: the template with the series' id and observations.
    public func scenario(_ cell: Cell) -> Scenario {
        var s = template
        s.id = Self.scenarioID(cell.series)
        s.observations = cell.training + cell.heldOut
        s.targets = []
        s.variants = []
        s.launch = nil
        s.forecast.horizon = cell.heldOut.last!.date
        return s
    }

    /// A scenario id ([a-z0-9-]+) from a series id.
    static func scenarioID(_ id: String) -> String {
        let mapped = id.lowercased().unicodeScalars.map { ("a"..."z").contains($0) || ("0"..."9").contains($0) ? Character($0) : "-" }
        return String(mapped).isEmpty ? "series" : String(mapped)
    }

    /// Backtests every cell on `jobs` threads (one forecast per cell, each single-threaded);
    /// results in cell order, so they do not depend on `jobs`. `progress(done, total)` is
    /// called after each cell, from the worker that finished it.
    /// `selecting`: only the cells it accepts (a shard's), nil for all.
    public func run(jobs: Int, errorTable: ErrorQuantileTable? = .builtIn, selecting: ((Cell) -> Bool)? = nil,
                    progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in })
        -> [(cell: Cell, result: Result<BacktestOrigin, Error>)] {
        let cells = self.cells().filter { selecting?($0) ?? true }
        final class Slot: @unchecked Sendable { var result: Result<BacktestOrigin, Error>? }
        let slots = cells.map { _ in Slot() }
        let counter = DoneCounter()
        let workers = max(1, min(jobs, cells.count))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var i = worker
            while i < cells.count {
                let cell = cells[i]
                var backtest = ScenarioBacktest(scenario(cell), cutoff: CalendarDate(year: cell.cutoff, month: 12, day: 31)!)
                backtest.errorTable = errorTable
                slots[i].result = Result { try backtest.run(jobs: 1) }
                progress(counter.increment(), cells.count)
                i += workers
            }
        }
        return zip(cells, slots).map { ($0, $1.result!) }
    }

    final class DoneCounter: @unchecked Sendable {
        private let lock = NSLock()
        private var done = 0
        func increment() -> Int { lock.lock(); defer { lock.unlock() }; done += 1; return done }
    }
}

/// Mean scores of one method over a group of a panel backtest's scored observations: per
/// cutoff × horizon (years after the cutoff), per cutoff, and overall.
public struct PanelBacktestSummary: Sendable {
    public var panel: String
    /// A cutoff year or "all"; a horizon in years or "all".
    public var cutoff: String
    public var horizon: String
    public var method: BacktestMethod
    public var means: MeanScores
    /// Mean of (median − observation): > 0 the median is too high.
    public var bias: Double

    public static func summaries(panel: String, _ origins: [BacktestOrigin]) -> [PanelBacktestSummary] {
        let scored = origins.flatMap(\.scored)
        var out: [PanelBacktestSummary] = []
        func add(_ cutoff: String, _ horizon: String, _ group: [BacktestScoredObservation]) {
            for method in BacktestMethod.allCases {
                let mine = group.filter { $0.method == method }
                guard let means = MeanScores(mine.map(\.score)) else { continue }
                let bias = mine.reduce(0) { $0 + ($1.median - $1.observation) } / Double(mine.count)
                out.append(PanelBacktestSummary(panel: panel, cutoff: cutoff, horizon: horizon, method: method,
                                                means: means, bias: bias))
            }
        }
        let cutoffs = Array(Set(scored.map(\.cutoff.year))).sorted()
        for cutoff in cutoffs {
            let inCutoff = scored.filter { $0.cutoff.year == cutoff }
            let horizons = Array(Set(inCutoff.map { $0.date.year - cutoff })).sorted()
            for h in horizons { add(String(cutoff), String(h), inCutoff.filter { $0.date.year - cutoff == h }) }
            add(String(cutoff), "all", inCutoff)
        }
        if cutoffs.count > 1 { add("all", "all", scored) }
        return out
    }
}
