import Forecasting
import Reporting
import Scenarios

/// What `uptake run` leaves on stdout when the batch is done: each scenario's verdicts — for
/// a large batch only their counts — and where the results are. On a terminal the progress
/// bar on stderr is redrawn in place and gone afterwards; this stays.
///
///     hai-chau-noncash-streets  at_risk
///     vung-tau-market-qr        on_track, on_track (campaign: on_track, on_track)
///     2 scenarios, 3 targets: 2 on_track, 1 at_risk; results in Results/ (summary.csv)
///
/// The counts are of the baseline's verdicts, one per target; a variant's verdicts follow
/// its scenario's in parentheses.
struct BatchSummary {
    /// Batches with more scenarios get the counts only (the rows are in summary.csv).
    static let listLimit = 20

    private var rows: [(id: String, baseline: [Verdict], variants: [(id: String, verdicts: [Verdict])])] = []
    /// The number of scenario files in the batch, including those that failed.
    private var files = 0

    /// Adds a forecast scenario; `total` is the number of files in the batch.
    mutating func add(_ outcome: ScenarioOutcome, of total: Int) {
        files = total
        let forecasts = outcome.result.forecasts
        rows.append((outcome.scenario.id,
                     forecasts.first?.feasibility.map(\.verdict) ?? [],
                     forecasts.dropFirst().map { ($0.variant, $0.feasibility.map(\.verdict)) }))
    }

    /// The summary's lines, each ending in a newline.
    func text(resultsIn folder: String) -> String {
        var text = ""
        if rows.count <= Self.listLimit {
            let width = rows.map(\.id.count).max() ?? 0
            for row in rows {
                var line = row.id.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + Self.list(row.baseline)
                if !row.variants.isEmpty {
                    line += " (" + row.variants.map { "\($0.id): \(Self.list($0.verdicts))" }.joined(separator: "; ") + ")"
                }
                text += line + "\n"
            }
        }
        var scenarios = counted(rows.count, "scenario")
        if rows.count < files { scenarios = "\(rows.count) of \(counted(files, "scenario")) forecast (see the errors above)" }
        let verdicts = rows.flatMap(\.baseline)
        var line = scenarios + ", " + counted(verdicts.count, "target")
        let counts = Verdict.allCases.compactMap { verdict -> String? in
            let n = verdicts.filter { $0 == verdict }.count
            return n > 0 ? "\(n) \(verdict.rawValue)" : nil
        }
        if !counts.isEmpty { line += ": " + counts.joined(separator: ", ") }
        return text + line + "; results in \(folder.hasSuffix("/") ? folder : folder + "/") (summary.csv)\n"
    }

    private static func list(_ verdicts: [Verdict]) -> String {
        verdicts.isEmpty ? "no targets" : verdicts.map(\.rawValue).joined(separator: ", ")
    }
}
