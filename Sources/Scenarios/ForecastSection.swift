import Fitting
import Forecasting
import Yams

extension ScenarioLoader {
    /// `forecast.paths` is at most this (DESIGN.md).
    public static let maximumPaths = 10_000_000
}

/// `forecast:` — how far and how finely to forecast, with how many paths and which seed.
///
/// Checked here: the horizon is a date, the step one of month, quarter, year, paths within
/// 1…``ScenarioLoader/maximumPaths``. The horizon against the data and the deadlines:
/// ``ScenarioCrossChecks``.
struct ForecastSection {
    static let keys = ["horizon", "step", "paths", "seed"]

    var settings: ForecastSettings
    var horizonNode: Node
    var pathsNode: Node?

    init(_ node: Node, _ reader: NodeReader) throws {
        let fields = try reader.fields(node, "forecast", allowed: Self.keys)
        horizonNode = try fields.require("horizon", "the last date to forecast, YYYY-MM-DD")
        settings = ForecastSettings(horizon: try reader.date(horizonNode, "forecast.horizon"))
        if let step = fields["step"] {
            settings.step = try reader.choice(step, "forecast.step", ForecastStep.allCases.map { ($0.rawValue, $0) })
        }
        pathsNode = fields["paths"]
        if let paths = fields["paths"] {
            let value = try reader.wholeNumber(paths, "forecast.paths")
            guard (1...ScenarioLoader.maximumPaths).contains(value) else {
                throw reader.error(paths, "forecast.paths must be between 1 and 10,000,000, got \(value)")
            }
            settings.paths = value
        }
        if let seed = fields["seed"] { settings.seed = try reader.unsigned(seed, "forecast.seed") }
    }
}

/// `verdict:` — the P(met) thresholds: on track at or above `on_track`, off track below
/// `off_track`, at risk between (DESIGN.md, "Feasibility"); 0 ≤ off_track < on_track ≤ 1.
struct VerdictSection {
    static let keys = ["on_track", "off_track"]

    var thresholds = VerdictThresholds()

    init(_ node: Node?, _ reader: NodeReader) throws {
        guard let node else { return }
        let fields = try reader.fields(node, "verdict", allowed: Self.keys)
        if let value = try fields.number("on_track") { thresholds.onTrack = value }
        if let value = try fields.number("off_track") { thresholds.offTrack = value }
        let on = thresholds.onTrack, off = thresholds.offTrack
        guard 0 <= off, off < on, on <= 1 else {
            // Point at the threshold that was written and is out of place.
            let at = on > 1 || (off >= on && fields["off_track"] == nil) ? fields["on_track"] : fields["off_track"]
            throw reader.error(at ?? node, "verdict thresholds must satisfy 0 ≤ off_track < on_track ≤ 1, got off_track \(NodeReader.format(off)) and on_track \(NodeReader.format(on))")
        }
    }
}
