import Foundation
import Fitting

/// The lever `uptake seek` moves (DESIGN.md, "Feasibility": "the smallest lever … that lifts
/// P(met) to a chosen probability").
public enum SeekLever: String, Sendable, CaseIterable, CustomStringConvertible {
    /// The curve's clock runs g times as fast from the reference date (``VariantLeverPlan``).
    case growthMultiplier = "growth_multiplier"
    /// A step of s in the metric's unit at the reference date.
    case levelShift = "level_shift"
    /// The ceiling (Bass: the market) becomes c·K from the reference date; families without
    /// a ceiling ignore it.
    case ceilingMultiplier = "ceiling_multiplier"
    /// The `from` date of the scenario's first variant, its levers as written.
    case start

    public var description: String { rawValue }
}

/// A lever's value: a multiplier or a shift, or (``SeekLever/start``) a date.
public enum LeverValue: Sendable, Equatable {
    case number(Double)
    case date(CalendarDate)
}

/// What `uptake seek` found for one target (a row of seek.csv).
public struct LeverSeekResult: Sendable, Equatable {
    public enum Status: Sendable, Equatable {
        /// Bisection found the smallest lever (the latest start) giving the probability.
        case found
        /// P(met) at baseline is already at least the probability (or the data met the
        /// target): the value is the lever's neutral end (×1, a shift of 0, the deadline).
        case metAtBaseline
        /// Even the far end of the search range gives less; ``LeverSeekResult/pMeetAtValue``
        /// is P(met) there.
        case unreachable
        /// The deadline has passed in the data without the target being met: no lever from
        /// the reference date on changes that.
        case missed
    }

    public var target: ForecastTarget
    public var lever: SeekLever
    /// The probability asked for.
    public var probability: Double
    public var status: Status
    /// The lever's value (nil unless found or met at baseline).
    public var value: LeverValue?
    /// Monte Carlo standard error of the value by the delta method, in the lever's unit
    /// (days for ``SeekLever/start``); nil when not found by bisection or when the slope is 0.
    public var valueStandardError: Double?
    /// P(met) with the lever at ``value`` (unreachable: at the range's far end).
    public var pMeetAtValue: Double
    public var pMeetStandardError: Double
    public var baselinePMeet: Double
    public var baselinePMeetStandardError: Double
    /// At baseline, the date by which the target is met with ``probability`` (the
    /// probability-quantile of the first-reach date); nil when fewer paths reach it by the horizon.
    public var dateAtProbability: CalendarDate?
    /// The search range: its neutral end (×1, 0, the deadline) and its far end.
    public var range: (neutral: LeverValue, far: LeverValue)
    /// Forecasts run for this target (the baseline run included; runs shared with other
    /// targets counted once, by the first).
    public var evaluations: Int

    public init(target: ForecastTarget, lever: SeekLever, probability: Double, status: Status, value: LeverValue?,
                valueStandardError: Double?, pMeetAtValue: Double, pMeetStandardError: Double, baselinePMeet: Double,
                baselinePMeetStandardError: Double, dateAtProbability: CalendarDate?,
                range: (neutral: LeverValue, far: LeverValue), evaluations: Int) {
        self.target = target; self.lever = lever; self.probability = probability; self.status = status
        self.value = value; self.valueStandardError = valueStandardError; self.pMeetAtValue = pMeetAtValue
        self.pMeetStandardError = pMeetStandardError; self.baselinePMeet = baselinePMeet
        self.baselinePMeetStandardError = baselinePMeetStandardError; self.dateAtProbability = dateAtProbability
        self.range = range; self.evaluations = evaluations
    }

    public static func == (a: LeverSeekResult, b: LeverSeekResult) -> Bool {
        a.target == b.target && a.lever == b.lever && a.probability == b.probability && a.status == b.status
            && a.value == b.value && a.valueStandardError == b.valueStandardError && a.pMeetAtValue == b.pMeetAtValue
            && a.pMeetStandardError == b.pMeetStandardError && a.baselinePMeet == b.baselinePMeet
            && a.baselinePMeetStandardError == b.baselinePMeetStandardError && a.dateAtProbability == b.dateAtProbability
            && a.range.neutral == b.range.neutral && a.range.far == b.range.far && a.evaluations == b.evaluations
    }
}

/// What would it take (issue 12): the smallest lever — or the latest start of the first
/// variant — that lifts P(met) to a probability, by bisection over common random numbers.
///
/// ```swift
/// let results = try LeverSeek.run(request, targets: [0], lever: .growthMultiplier, probability: 0.8, jobs: 2)
/// // results[0].value == .number(1.3728): the growth ×1.3728 from the reference date gives P(met) ≥ 0.8
/// ```
///
/// **The lever.** A fixed value for every path (`uniform(v, v)`: a degenerate distribution,
/// its draw slot untouched by the others), acting from the reference date (the last
/// observation, else the launch); ``SeekLever/start`` moves the `from` of the first variant,
/// whose levers stay as written (drawn per path as usual).
///
/// **Common random numbers.** Every evaluation is a forecast with the request's seed, paths
/// and targets (``CommonRandomNumberRuns``): path i has the same family, parameters and noise
/// in each, so P(met) changes only through the lever. Where every path's value can only rise
/// with the lever — growth, level shift and ceiling on rising curves, an earlier start of a
/// speed-up — P(met) is a non-decreasing step function of it, and bisection finds its
/// crossing exactly (to the grid below). Where that does not hold (a falling local trend sped
/// up), bisection still returns a crossing, not necessarily the smallest.
///
/// **The search range** (documented, per lever): growth ×1 … ×10; ceiling ×1 … ×5; level
/// shift 0 … 2·(target − the last observed level), the level compared with the target at
/// the reference date (0 with no observation; for a flow, the observed total, or the last
/// flow for a `cumulative: false` target), the target itself when that is not positive;
/// start: from the deadline back to the reference date. The value is bisected on a decimal
/// grid of about 10⁴ steps (growth: 0.0001, ceiling 0.0001, shift a power of ten) — whole
/// days for a start — so it prints as written and a scenario can take it back as a number.
///
/// **Outcomes.** Met at baseline (P(met) ≥ the probability, or met in the data): the neutral
/// end, ×1, a shift of 0, the deadline itself. Not reachable (P(met) at the far end below the
/// probability): no value, and P(met) at the far end. Missed in the data: no value.
///
/// **Monte Carlo uncertainty of the value** (delta method): v* solves P(v) = p, so
/// se(v*) ≈ se(P̂(v*)) / |dP/dv| with se(P̂) = √(P(1 − P)/paths) at v*. The slope is taken
/// between the bracketing evaluations around the band p ± Δ, Δ = max(2·se at p, 10/paths):
/// the last evaluation below p − Δ and the first at or above p + Δ (the neutral end at
/// baseline P, or the far end, when the band runs past them), found by coarser bisections
/// (to 1/256 of the range). A secant across ± 2 s.e. rather than the last bracket of the
/// main bisection, whose width is a grid step and whose P moves by single paths. It is the
/// uncertainty from the finite number of paths only — not from the model or its inputs,
/// which `uptake sensitivity` shows.
///
/// **Date at the probability.** At baseline, the probability-quantile of the first-reach
/// date (``ForecastRequest/reachQuantileLevel``): the date by which the target is met with
/// that probability; nil when fewer paths reach it by the horizon.
public enum LeverSeek {
    /// Growth multipliers searched: ×1 … ×10.
    public static let growthRange = (lower: 1.0, upper: 10.0)
    /// Ceiling multipliers searched: ×1 … ×5.
    public static let ceilingRange = (lower: 1.0, upper: 5.0)
    /// The search grid has about this many steps (a power of ten each).
    static let gridSteps = 10_000.0
    /// The coarse bisections for the slope stop at 1/256 of the range.
    static let coarseFraction = 256

    /// Seeks `lever` for each target index in `targets` (all when nil) of `request`.
    /// `startVariant` is the variant whose `from` ``SeekLever/start`` moves (the scenario's
    /// first). Throws ``ForecastError/invalidRequest(_:)`` for a probability outside (0, 1), a
    /// target index out of range, or `start` without a variant; and what the forecasts throw.
    public static func run(_ request: ForecastRequest, targets: [Int]? = nil, lever: SeekLever, probability: Double,
                           startVariant: VariantLevers? = nil, jobs: Int = 1) throws -> [LeverSeekResult] {
        guard probability > 0, probability < 1 else {
            throw ForecastError.invalidRequest("the probability to seek must be between 0 and 1 (exclusive), got \(probability)")
        }
        let chosen = targets ?? Array(request.targets.indices)
        if let bad = chosen.first(where: { !request.targets.indices.contains($0) }) {
            throw ForecastError.invalidRequest("target \(bad + 1) does not exist (the request has \(request.targets.count))")
        }
        if lever == .start && startVariant == nil {
            throw ForecastError.invalidRequest("the start lever moves the first variant's start, and there is no variant")
        }
        // The baseline, over the whole horizon: P(met) and the date at the probability.
        var baselineRequest = request
        baselineRequest.variants = [.baseline]
        baselineRequest.sampleCount = 0
        baselineRequest.parameterDrawSummaryCount = 0
        baselineRequest.reachQuantileLevel = probability
        let baseline = try Forecaster.run(baselineRequest, jobs: jobs).forecasts[0].feasibility
        var search = Search(runs: CommonRandomNumberRuns(request, jobs: jobs), lever: lever, startVariant: startVariant)
        var results: [LeverSeekResult] = []
        for (k, j) in chosen.enumerated() {
            let before = search.evaluations
            var result = try search.seek(target: j, baseline: baseline[j], probability: probability, series: request.series,
                                         referenceDate: request.grid.referenceDate)
            result.evaluations = search.evaluations - before + (k == 0 ? 1 : 0)
            results.append(result)
        }
        return results
    }

    /// One lever's bisections over the integer grid n = 0…N, P(met) non-decreasing in n;
    /// every evaluation is kept (per target), so later bisections start from what is known.
    struct Search {
        let runs: CommonRandomNumberRuns
        let lever: SeekLever
        let startVariant: VariantLevers?
        /// Per lever value (the grid point's value), all targets' feasibility.
        var cache: [Double: [TargetFeasibility]] = [:]
        var evaluations = 0

        /// The lever's grid for one target: value(n) for n = 0…N.
        struct Grid {
            /// value(n) = (offset + n)·10^exponent, or for a start the deadline − n days.
            var offset: Double
            var exponent: Int
            var count: Int
            var deadline: CalendarDate?

            func value(_ n: Int) -> Double {
                let units = offset + Double(n)
                if deadline != nil { return Double(n) }
                // A decimal m·10^e as the nearest double (m and 10^|e| are exact integers).
                return exponent < 0 ? units / pow(10, Double(-exponent)) : units * pow(10, Double(exponent))
            }

            func leverValue(_ n: Int) -> LeverValue {
                if let deadline { return .date(deadline.adding(days: -n)) }
                return .number(value(n))
            }
        }

        func grid(_ target: ForecastTarget, series: AdoptionSeries, referenceDate: CalendarDate) -> Grid {
            let (lower, upper): (Double, Double)
            switch lever {
            case .growthMultiplier: (lower, upper) = LeverSeek.growthRange
            case .ceilingMultiplier: (lower, upper) = LeverSeek.ceilingRange
            case .levelShift: (lower, upper) = (0, LeverSeek.levelShiftUpper(target, series: series))
            case .start:
                let days = max(0, target.deadline.dayNumber - referenceDate.dayNumber)
                return Grid(offset: 0, exponent: 0, count: days, deadline: target.deadline)
            }
            let exponent = Int((log10((upper - lower) / LeverSeek.gridSteps)).rounded(.down))
            let step = pow(10, Double(exponent))
            let offset = (lower / step).rounded()
            return Grid(offset: offset, exponent: exponent, count: Int(((upper - lower) / step).rounded(.up)), deadline: nil)
        }

        func levers(_ grid: Grid, _ n: Int) -> VariantLevers {
            let v = grid.value(n)
            let fixed = PriorDistribution.uniform(lower: v, upper: v)
            switch lever {
            case .growthMultiplier: return VariantLevers(id: "seek", growthMultiplier: fixed)
            case .ceilingMultiplier: return VariantLevers(id: "seek", ceilingMultiplier: fixed)
            case .levelShift: return VariantLevers(id: "seek", levelShift: fixed)
            case .start:
                var variant = startVariant!
                variant.from = grid.deadline!.adding(days: -n)
                return variant
            }
        }

        /// Target j's feasibility at grid point n (cached by lever value).
        mutating func at(_ grid: Grid, _ n: Int, _ j: Int) throws -> TargetFeasibility {
            let key = grid.deadline.map { Double($0.adding(days: -n).dayNumber) } ?? grid.value(n)
            if let known = cache[key] { return known[j] }
            let feasibility = try runs.feasibility([levers(grid, n)])[0]
            evaluations += 1
            cache[key] = feasibility
            return feasibility[j]
        }

        /// The smallest n in (below, above] with P ≥ level, to within `tolerance` steps;
        /// P(above) ≥ level is known, and n = below is taken to be under it.
        mutating func crossing(_ grid: Grid, _ j: Int, level: Double, below: Int, above: Int, tolerance: Int,
                               known: inout [Int: TargetFeasibility]) throws -> Int {
            // Start from the tightest bracket already evaluated.
            var hi = known.filter { $0.value.pMeet >= level && $0.key <= above }.keys.min() ?? above
            var lo = known.filter { $0.value.pMeet < level && $0.key < hi }.keys.max() ?? below
            lo = max(lo, below)
            while hi - lo > max(tolerance, 1) {
                let mid = lo + (hi - lo) / 2
                let f = try at(grid, mid, j)
                known[mid] = f
                if f.pMeet >= level { hi = mid } else { lo = mid }
            }
            return hi
        }

        mutating func seek(target j: Int, baseline: TargetFeasibility, probability p: Double, series: AdoptionSeries,
                           referenceDate: CalendarDate) throws -> LeverSeekResult {
            let target = baseline.target
            let grid = self.grid(target, series: series, referenceDate: referenceDate)
            let paths = Double(runs.request.paths)
            var result = LeverSeekResult(
                target: target, lever: lever, probability: p, status: .found, value: nil, valueStandardError: nil,
                pMeetAtValue: baseline.pMeet, pMeetStandardError: baseline.pMeetStandardError,
                baselinePMeet: baseline.pMeet, baselinePMeetStandardError: baseline.pMeetStandardError,
                dateAtProbability: baseline.dateReachedAtLevel,
                range: (grid.leverValue(0), grid.leverValue(grid.count)), evaluations: 0)
            if baseline.verdict == .missed {
                result.status = .missed
                return result
            }
            if baseline.verdict == .met || baseline.pMeet >= p || grid.count == 0 {
                result.status = baseline.pMeet >= p ? .metAtBaseline : .unreachable
                if result.status == .metAtBaseline { result.value = grid.leverValue(0) }
                return result
            }
            var known: [Int: TargetFeasibility] = [:]
            let far = try at(grid, grid.count, j)
            known[grid.count] = far
            guard far.pMeet >= p else {
                result.status = .unreachable
                result.pMeetAtValue = far.pMeet
                result.pMeetStandardError = far.pMeetStandardError
                return result
            }
            let answer = try crossing(grid, j, level: p, below: 0, above: grid.count, tolerance: 1, known: &known)
            let atAnswer = known[answer] ?? far
            result.value = grid.leverValue(answer)
            result.pMeetAtValue = atAnswer.pMeet
            result.pMeetStandardError = atAnswer.pMeetStandardError

            // The slope across the band p ± Δ, from coarse bisections (see the type's notes).
            let band = max(2 * (p * (1 - p) / paths).squareRoot(), 10 / paths)
            let coarse = max(1, grid.count / LeverSeek.coarseFraction)
            if p + band <= far.pMeet {
                _ = try crossing(grid, j, level: p + band, below: answer, above: grid.count, tolerance: coarse, known: &known)
            }
            if p - band > baseline.pMeet {
                _ = try crossing(grid, j, level: p - band, below: 0, above: answer, tolerance: coarse, known: &known)
            }
            let lower = known.filter { $0.value.pMeet < p - band }.max { $0.key < $1.key }
            let upper = known.filter { $0.value.pMeet >= p + band }.min { $0.key < $1.key }
            let (n0, p0) = lower.map { ($0.key, $0.value.pMeet) } ?? (0, baseline.pMeet)
            let (n1, p1) = upper.map { ($0.key, $0.value.pMeet) } ?? (grid.count, far.pMeet)
            let run = abs(grid.value(n1) - grid.value(n0))
            if n1 > n0, run > 0, p1 > p0 {
                result.valueStandardError = atAnswer.pMeetStandardError / ((p1 - p0) / run)
            }
            return result
        }
    }

    /// The far end of the level-shift search: 2·(target − the level compared with it at the
    /// reference date), the target itself when that gap is not positive.
    static func levelShiftUpper(_ target: ForecastTarget, series: AdoptionSeries) -> Double {
        let last: Double
        if series.kind == .flow {
            last = target.cumulative ? ObservedFlows(series).total : series.observations.last?.value ?? 0
        } else {
            last = series.observations.last?.value ?? 0
        }
        let gap = target.value - last
        return gap > 0 ? 2 * gap : max(target.value, 1)
    }
}

extension CalendarDate {
    /// Days since 1970-01-01 (proleptic Gregorian; H. Hinnant's `days_from_civil`).
    var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date `days` days later (earlier when negative).
    func adding(days: Int) -> CalendarDate {
        let z = dayNumber + days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return CalendarDate(year: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)!
    }
}
