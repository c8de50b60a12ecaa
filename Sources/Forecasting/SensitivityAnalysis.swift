import Foundation
import Fitting

/// How P(met) swings with each input (DESIGN.md, "Feasibility": "how P(met) swings with each
/// input (a tornado)"): one input at a time moved to a low and a high setting, the others at
/// baseline, every run with the request's seed, paths and targets (common random numbers,
/// ``CommonRandomNumberRuns``), so a swing is the input's effect, not Monte Carlo noise.
///
/// ```swift
/// let analysis = try SensitivityAnalysis.run(request, jobs: 2)
/// for bar in analysis.bars(target: 0) { print(bar.input, bar.low, bar.high) }   // largest swing first
/// ```
///
/// The inputs and their settings (low, high):
///
/// | input | low | high |
/// |---|---|---|
/// | ceiling: a range | its min, fixed | its max, fixed |
/// | ceiling: fixed K | 0.9·K | 1.1·K (a share's at most its bound) |
/// | ceiling: a prior | its 5 % quantile, fixed | its 95 % quantile, fixed |
/// | ceiling: estimated, no bound | — (no row: nothing stated to move over) | |
/// | growth rate | growth ×0.8 from the reference date | ×1.25 |
/// | timing | the curve a year later (time shift −1) | a year earlier (+1) |
/// | noise | the calibration's noise scale ×0.5 | ×2 |
/// | each lever of each variant | the lever alone at its low end, from the variant's `from` | its high end |
/// | family (two or more fitted) | each family forced alone (``FamilyComparison``) | |
///
/// A share's estimated ceiling is the default range [highest observation, bound] the
/// forecast uses (``DefaultPriors``), so it moves like a range. A distribution's ends are
/// the bounds of a uniform and the 5 % and 95 % quantiles of a normal or lognormal. Timing
/// is the time-shift lever (``VariantLevers/timeShift``): from the reference date each path's
/// curve is read a year ahead (or behind); the latent level never falls, so a year later
/// holds the level until the delayed curve passes it. A fixed ceiling, range end or prior
/// quantile replaces the scenario's ceiling knowledge and the families are fitted again
/// under it. A setting whose forecast fails (no family fits under it) has no P(met).
public struct SensitivityAnalysis: Sendable, Equatable {
    /// What is moved.
    public enum Input: Sendable, Hashable {
        case baseline, ceiling, growthRate, timing, noise, family
        /// A lever of a scenario variant: growth_multiplier, ceiling_multiplier or level_shift.
        case variant(id: String, lever: SeekLever)
    }

    /// Where it is moved to.
    public enum Setting: Sendable, Hashable {
        case base, low, high
        case family(CurveFamily)
    }

    /// One forecast's P(met) for one target.
    public struct Row: Sendable, Equatable {
        public var target: ForecastTarget
        public var input: Input
        public var setting: Setting
        /// The input's value at the setting (the ceiling, the multiplier, the time shift in
        /// years, the noise scale, the lever); nil when not a number (baseline, a family).
        public var value: Double?
        /// nil when the forecast at this setting failed.
        public var pMeet: Double?
        public var pMeetStandardError: Double?

        public init(target: ForecastTarget, input: Input, setting: Setting, value: Double?, pMeet: Double?,
                    pMeetStandardError: Double?) {
            self.target = target; self.input = input; self.setting = setting; self.value = value
            self.pMeet = pMeet; self.pMeetStandardError = pMeetStandardError
        }
    }

    /// One input's bar in a tornado: P(met) at its settings, around the baseline's.
    public struct Bar: Sendable, Equatable {
        public var input: Input
        /// The lowest and highest P(met) over the input's settings.
        public var lowest: Double
        public var highest: Double
        /// P(met) at the low and high settings (nil for a family input, or a failed setting).
        public var low: Double?
        public var high: Double?
        public var swing: Double { highest - lowest }
    }

    /// Per target (in the request's order): the baseline row, then each input's settings.
    public var rows: [Row]

    public init(rows: [Row]) { self.rows = rows }

    /// Growth multipliers of the growth-rate input.
    public static let growthSettings = (low: 0.8, high: 1.25)
    /// Years the curve is shifted for the timing input.
    public static let timingSettings = (low: -1.0, high: 1.0)
    /// Factors on the calibration's noise scale.
    public static let noiseFactors = (low: 0.5, high: 2.0)
    /// Factors on a fixed ceiling.
    public static let fixedCeilingFactors = (low: 0.9, high: 1.1)
    /// Quantiles taken as a normal or lognormal distribution's ends.
    public static let distributionEnds = (low: 0.05, high: 0.95)

    /// Every input of `request` at its settings; the families are those that fit at baseline.
    public static func run(_ request: ForecastRequest, jobs: Int = 1) throws -> SensitivityAnalysis {
        let runs = CommonRandomNumberRuns(request, jobs: jobs)
        // Lever settings share one forecast (one fit): the baseline first.
        var levers: [(Input, Setting, Double?, VariantLevers)] = [(.baseline, .base, nil, .baseline)]
        let growth = growthSettings, timing = timingSettings
        for (setting, g) in [(Setting.low, growth.low), (.high, growth.high)] {
            levers.append((.growthRate, setting, g, VariantLevers(id: "growth-\(setting)", growthMultiplier: .uniform(lower: g, upper: g))))
        }
        for (setting, shift) in [(Setting.low, timing.low), (.high, timing.high)] {
            var variant = VariantLevers(id: "timing-\(setting)")
            variant.timeShift = shift
            levers.append((.timing, setting, shift, variant))
        }
        for variant in request.variants where variant.id != VariantLevers.baseline.id {
            let present: [(SeekLever, PriorDistribution?)] = [(.growthMultiplier, variant.growthMultiplier),
                                                               (.ceilingMultiplier, variant.ceilingMultiplier),
                                                               (.levelShift, variant.levelShift)]
            for case let (lever, distribution?) in present {
                let ends = distribution.ends
                for (setting, v) in [(Setting.low, ends.low), (.high, ends.high)] {
                    var alone = VariantLevers(id: "\(variant.id)-\(lever)-\(setting)", from: variant.from)
                    let fixed = PriorDistribution.uniform(lower: v, upper: v)
                    switch lever {
                    case .growthMultiplier: alone.growthMultiplier = fixed
                    case .ceilingMultiplier: alone.ceilingMultiplier = fixed
                    case .levelShift, .start: alone.levelShift = fixed
                    }
                    levers.append((.variant(id: variant.id, lever: lever), setting, v, alone))
                }
            }
        }
        let fitted = try runs.result(levers.map(\.3))
        var settings: [(Input, Setting, Double?, [TargetFeasibility]?)] = zip(levers, fitted.forecasts).map {
            ($0.0, $0.1, $0.2, $1.feasibility)
        }
        let baselineRows = settings.removeFirst()

        // Settings that change the request: each its own forecast.
        var changed: [(Input, Setting, Double?, (inout ForecastRequest) -> Void)] = []
        let fittedCeiling = Forecaster.withDefaultCeiling(request.series).ceiling
        if let ends = ceilingEnds(fittedCeiling, bound: request.series.bound) {
            for (setting, k) in [(Setting.low, ends.low), (.high, ends.high)] {
                changed.append((.ceiling, setting, k, { $0.series.ceiling = .fixed(k) }))
            }
        }
        let noise = request.calibration.noiseScale
        for (setting, factor) in [(Setting.low, noiseFactors.low), (.high, noiseFactors.high)] {
            changed.append((.noise, setting, noise * factor, { $0.calibration.noiseScale = noise * factor }))
        }
        var changedRows: [(Input, Setting, Double?, [TargetFeasibility]?)] = []
        for (input, setting, value, adjust) in changed {
            let feasibility = try? runs.feasibility([.baseline], adjusting: adjust)[0]
            changedRows.append((input, setting, value, feasibility))
        }
        // Ceiling first, as the table documents; then growth, timing, noise, variants.
        let ordered = changedRows.filter { $0.0 == .ceiling } + settings.filter { [.growthRate, .timing].contains($0.0) }
            + changedRows.filter { $0.0 == .noise } + settings.filter { if case .variant = $0.0 { true } else { false } }
        let families = fitted.fits.count >= 2 ? try FamilyComparison.run(request, fitted: fitted, jobs: jobs) : nil

        var rows: [Row] = []
        for j in request.targets.indices {
            let base = baselineRows.3![j]
            rows.append(Row(target: base.target, input: .baseline, setting: .base, value: nil, pMeet: base.pMeet,
                            pMeetStandardError: base.pMeetStandardError))
            for (input, setting, value, feasibility) in ordered {
                rows.append(Row(target: base.target, input: input, setting: setting, value: value,
                                pMeet: feasibility?[j].pMeet, pMeetStandardError: feasibility?[j].pMeetStandardError))
            }
            for row in families?.rows ?? [] where row.target == base.target {
                rows.append(Row(target: base.target, input: .family, setting: .family(row.family), value: nil,
                                pMeet: row.pMeet, pMeetStandardError: row.pMeetStandardError))
            }
        }
        return SensitivityAnalysis(rows: rows)
    }

    /// The ceilings the ceiling input moves between; nil when nothing is stated (an
    /// estimated ceiling without a bound).
    static func ceilingEnds(_ ceiling: CeilingKnowledge, bound: Double?) -> (low: Double, high: Double)? {
        switch ceiling {
        case .estimated: return nil
        case let .fixed(k):
            let high = k * fixedCeilingFactors.high
            return (k * fixedCeilingFactors.low, bound.map { min(high, $0) } ?? high)
        case let .range(lo, hi): return (lo, hi)
        case let .prior(distribution): return distribution.ends
        }
    }

    /// The target's rows, by input.
    public func rows(target: ForecastTarget) -> [Row] { rows.filter { $0.target == target } }

    /// The baseline P(met) of a target.
    public func baseline(target: ForecastTarget) -> Double? {
        rows.first { $0.target == target && $0.input == .baseline }?.pMeet
    }

    /// A tornado's bars for one target: each input but the baseline, largest swing first
    /// (ties in the order of the rows).
    public func bars(target: ForecastTarget) -> [Bar] {
        var order: [Input] = []
        var byInput: [Input: [Row]] = [:]
        for row in rows(target: target) where row.input != .baseline {
            if byInput[row.input] == nil { order.append(row.input) }
            byInput[row.input, default: []].append(row)
        }
        let bars = order.compactMap { input -> Bar? in
            let settings = byInput[input]!
            let values = settings.compactMap(\.pMeet)
            guard let lowest = values.min(), let highest = values.max() else { return nil }
            return Bar(input: input, lowest: lowest, highest: highest,
                       low: settings.first { $0.setting == .low }?.pMeet, high: settings.first { $0.setting == .high }?.pMeet)
        }
        return bars.enumerated().sorted { a, b in
            a.element.swing != b.element.swing ? a.element.swing > b.element.swing : a.offset < b.offset
        }.map(\.element)
    }

    /// The targets in the order of the rows.
    public var targets: [ForecastTarget] {
        var seen: [ForecastTarget] = []
        for row in rows where !seen.contains(row.target) { seen.append(row.target) }
        return seen
    }
}

extension PriorDistribution {
    /// The low and high ends a sensitivity moves a distribution's value between: a uniform's
    /// bounds, a normal's or lognormal's 5 % and 95 % quantiles.
    public var ends: (low: Double, high: Double) {
        let z = StandardNormal.quantile(SensitivityAnalysis.distributionEnds.high)
        switch self {
        case let .normal(mean, sd): return (mean - z * sd, mean + z * sd)
        case let .lognormal(median, sdLog): return (median * exp(-z * sdLog), median * exp(z * sdLog))
        case let .uniform(lo, hi): return (lo, hi)
        }
    }
}
