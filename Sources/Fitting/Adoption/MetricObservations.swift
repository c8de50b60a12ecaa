/// What a metric counts (DESIGN.md, `metric.kind` and `metric.unit`).
public enum MetricKind: Sendable, Equatable {
    /// Units such as traders, accounts or acceptance points, in [0, ∞).
    case count
    /// A share of a whole, in [0, 100] (`percent`) or [0, 1] (`fraction`).
    case share(ShareUnit)

    public var bound: Double? {
        switch self {
        case .count: return nil
        case .share(.percent): return 100
        case .share(.fraction): return 1
        }
    }
}

public enum ShareUnit: String, Sendable, Equatable { case percent, fraction }

/// The scale on which a metric's errors are additive (DESIGN.md, `metric.error`).
public enum ErrorScale: String, Sendable, Equatable, CaseIterable { case additive, log, logit }

/// One observation as a planner writes it: a date, a value, and optionally the whole it is
/// a part of ("168 of 542 traders").
public struct DatedObservation: Sendable, Equatable {
    public var date: CalendarDate
    public var value: Double
    public var of: Double?

    public init(date: CalendarDate, value: Double, of: Double? = nil) {
        self.date = date
        self.value = value
        self.of = of
    }
}

/// Why observations cannot be turned into a series.
public struct ObservationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
}

extension AdoptionSeries {
    /// A series on the decimal-year axis from dated observations.
    ///
    /// - Error scale by default: log for counts, logit for shares (DESIGN.md).
    /// - logit on a share: bound 100 (percent) or 1 (fraction); an observation's `of` is its
    ///   denominator N (the empirical logit of k of N, see ``ErrorModel``).
    /// - logit on a count needs a whole: each observation's `of` (k of N is the share k/N of
    ///   N), which is then the bound.
    /// - Flows: each value is the increase since the previous observation's date (the first:
    ///   since launch, or the start of the series).
    /// - Dates must be strictly increasing; values finite; counts ≥ 0; shares within their unit.
    public static func make(observations: [DatedObservation], kind: MetricKind, observed: ObservationKind = .level,
                            error: ErrorScale? = nil, launch: CalendarDate? = nil,
                            ceiling: CeilingKnowledge = .estimated,
                            growthRatePrior: PriorDistribution? = nil, inflectionPrior: PriorDistribution? = nil,
                            noisePrior: PriorDistribution = .lognormal(median: 0.1, sdLog: 0.5)) throws -> AdoptionSeries {
        let scale = error ?? (kind == .count ? .log : .logit)
        var points: [CurveObservation] = []
        var models: [ErrorModel] = []
        var previous: CalendarDate?
        for (index, observation) in observations.enumerated() {
            let where_ = "observation \(index + 1) (\(observation.date))"
            if let previous, observation.date <= previous {
                throw ObservationError(description: "\(where_): dates must increase; \(observation.date) is not after \(previous)")
            }
            guard observation.value.isFinite else { throw ObservationError(description: "\(where_): the value must be a finite number") }
            guard observation.value >= 0 else { throw ObservationError(description: "\(where_): a \(kind == .count ? "count" : "share") cannot be negative (\(observation.value))") }
            if let bound = kind.bound, observation.value > bound {
                throw ObservationError(description: "\(where_): a share in \(bound == 100 ? "percent" : "fraction") must be at most \(bound == 100 ? "100" : "1"), got \(observation.value)")
            }
            if let whole = observation.of {
                guard whole > 0, whole.isFinite else { throw ObservationError(description: "\(where_): 'of' must be a positive number") }
                if kind == .count && observation.value > whole {
                    throw ObservationError(description: "\(where_): \(observation.value) of \(whole) is more than the whole")
                }
            }
            if let launch, observation.date < launch {
                throw ObservationError(description: "\(where_): observed before the launch date \(launch)")
            }
            let start: Double? = observed == .flow ? (previous?.decimalYear ?? launch?.decimalYear) : nil
            points.append(CurveObservation(time: observation.date.decimalYear, value: observation.value, periodStart: start))
            switch scale {
            case .additive: models.append(.additive)
            case .log: models.append(.log)
            case .logit:
                if let bound = kind.bound {
                    models.append(.logit(bound: bound, denominator: observation.of))
                } else if let whole = observation.of {
                    models.append(.logit(bound: whole, denominator: whole))
                } else {
                    throw ObservationError(description: "\(where_): the logit error scale on a count needs the whole ('of') of every observation; use log for counts")
                }
            }
            previous = observation.date
        }
        var series = AdoptionSeries(observations: points, kind: observed, errorModels: models, shareBound: kind.bound,
                                    launch: launch?.decimalYear, ceiling: ceiling, growthRatePrior: growthRatePrior,
                                    inflectionPrior: inflectionPrior, noisePrior: noisePrior)
        if kind == .count { series.whole = observations.last(where: { $0.of != nil })?.of }
        return series
    }
}
