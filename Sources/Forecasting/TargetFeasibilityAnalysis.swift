import Fitting

/// Feasibility of one target under one variant (DESIGN.md, "Feasibility"), from the
/// observations and the simulated paths.
///
/// - Flows: a target is compared with the running total of the flows (observed, then
///   simulated) unless it says `cumulative: false`; then with the flow of one reporting
///   period (the median observation spacing) ending at the deadline.
/// - Met in the data: an observation at or above the value on or before the deadline gives
///   verdict `met`, P = 1 (standard error 0), and every date-reached quantile is the first
///   such observation's date.
/// - A deadline not after the last observation, not met by it: P = 0, `missed` (if the
///   data reach the value later, the date-reached quantiles are that observation's date).
/// - Otherwise P = the share of paths at or above the value at the deadline itself (on a
///   month end, the path's value there; between two, the latent curve at the deadline and
///   the Ornstein–Uhlenbeck bridge, ``PathSimulator``), with Monte Carlo standard error
///   √(P(1 − P)/n), and the verdict by the thresholds: on track when P ≥ onTrack, off track
///   when P < offTrack, at risk in between.
/// - Value at the deadline: 5 %, 50 %, 95 % quantiles over paths (type 7); for a deadline in
///   the observed past, the observations interpolated linearly (all three equal).
/// - Date first reached: per path the first crossing on the simulation's monthly clock,
///   linear between month ends; its 10 %, 50 %, 90 % quantiles over all paths, paths that
///   never reach it counting as later than any date; a quantile is nil when fewer than that
///   share of paths reach the target by the horizon. A date is the day during which the
///   decimal time falls.
enum TargetFeasibilityAnalysis {
    static func verdict(_ p: Double, _ thresholds: VerdictThresholds) -> Verdict {
        if p >= thresholds.onTrack { return .onTrack }
        if p >= thresholds.offTrack { return .atRisk }
        return .offTrack
    }

    /// The first observation at or above `value`, if any: (decimal year, date). A cumulative
    /// target on a flow compares the running total of the observed flows; a `cumulative:
    /// false` one is about the reporting period that ends at its deadline, so only an
    /// observation in that period (after deadline − `flowPeriod`) can meet it.
    static func firstObservationReaching(_ target: ForecastTarget, _ series: AdoptionSeries,
                                         flowPeriod: Double) -> (time: Double, date: CalendarDate)? {
        var total = 0.0
        let deadline = target.deadline.decimalYear
        for o in series.observations {
            total += o.value
            if series.kind == .flow && !target.cumulative && o.time <= deadline - flowPeriod + 1e-9 { continue }
            let compared = series.kind == .flow && target.cumulative ? total : o.value
            if compared >= target.value { return (o.time, CalendarDate(decimalYear: o.time)) }
        }
        return nil
    }

    /// The observed series interpolated linearly at time t (0 at and before a launch).
    static func observedValue(at t: Double, _ series: AdoptionSeries, target: ForecastTarget, flowPeriod: Double) -> Double {
        if series.kind == .flow {
            let flows = ObservedFlows(series)
            return target.cumulative ? flows.total(at: t) : flows.total(at: t) - flows.total(at: t - flowPeriod)
        }
        var points = series.observations.map { ($0.time, $0.value) }
        if let launch = series.launch, series.kind == .level { points.insert((launch, 0), at: 0) }
        guard let first = points.first, let last = points.last else { return 0 }
        if let launch = series.launch, t <= launch { return 0 }
        if t <= first.0 { return first.1 }
        if t >= last.0 { return last.1 }
        for k in 1..<points.count where t <= points[k].0 {
            let (t0, y0) = points[k - 1], (t1, y1) = points[k]
            return y0 + (t - t0) / (t1 - t0) * (y1 - y0)
        }
        return last.1
    }

    /// - Parameters:
    ///   - deadlineValues: per path, sorted; empty when the deadline is not after the
    ///     reference time.
    ///   - reachTimes: per path first-reach decimal years, sorted (+∞ last).
    static func feasibility(_ target: ForecastTarget, variant: String, series: AdoptionSeries, referenceTime: Double,
                            deadlineValues: [Double], reachTimes: [Double], paths: Int,
                            thresholds: VerdictThresholds, flowPeriod: Double = 1) -> TargetFeasibility {
        let deadline = target.deadline.decimalYear
        let valueAtDeadline: (q05: Double, q50: Double, q95: Double)
        if deadlineValues.isEmpty {
            let v = observedValue(at: deadline, series, target: target, flowPeriod: flowPeriod)
            valueAtDeadline = (v, v, v)
        } else {
            valueAtDeadline = (SampleQuantiles.quantile(sorted: deadlineValues, 0.05),
                               SampleQuantiles.quantile(sorted: deadlineValues, 0.5),
                               SampleQuantiles.quantile(sorted: deadlineValues, 0.95))
        }
        if let observed = firstObservationReaching(target, series, flowPeriod: flowPeriod) {
            let met = observed.time <= deadline
            return TargetFeasibility(target: target, variant: variant, pMeet: met ? 1 : 0, pMeetStandardError: 0,
                                     valueAtDeadline: valueAtDeadline,
                                     dateReached: (observed.date, observed.date, observed.date),
                                     verdict: met ? .met : .missed)
        }
        let dates = reachDates(reachTimes, paths: paths)
        guard !deadlineValues.isEmpty else {
            return TargetFeasibility(target: target, variant: variant, pMeet: 0, pMeetStandardError: 0,
                                     valueAtDeadline: valueAtDeadline, dateReached: dates, verdict: .missed)
        }
        // deadlineValues is sorted: the paths at or above the value are a suffix.
        let below = SampleQuantiles.countBelow(sorted: deadlineValues, target.value)
        let p = Double(deadlineValues.count - below) / Double(paths)
        let se = (p * (1 - p) / Double(paths)).squareRoot()
        return TargetFeasibility(target: target, variant: variant, pMeet: p, pMeetStandardError: se,
                                 valueAtDeadline: valueAtDeadline, dateReached: dates,
                                 verdict: verdict(p, thresholds))
    }

    static func reachDates(_ sortedTimes: [Double], paths: Int) -> (q10: CalendarDate?, q50: CalendarDate?, q90: CalendarDate?) {
        (reachDate(sortedTimes, level: 0.1, paths: paths), reachDate(sortedTimes, level: 0.5, paths: paths),
         reachDate(sortedTimes, level: 0.9, paths: paths))
    }

    /// The `level` quantile of the first-reach dates (nil when fewer than that share of paths
    /// reach the target by the horizon), as in ``reachDates(_:paths:)``.
    static func reachDate(_ sortedTimes: [Double], level: Double, paths: Int) -> CalendarDate? {
        let reached = SampleQuantiles.countBelow(sorted: sortedTimes, .infinity)
        guard reached > 0, Double(reached) >= level * Double(paths) else { return nil }
        var t = SampleQuantiles.quantile(sorted: sortedTimes, level)
        if !t.isFinite { t = sortedTimes[reached - 1] }
        return CalendarDate.day(containing: t)
    }

    /// ``ForecastRequest/reachQuantileLevel``'s date for one target (issue 12): as the
    /// date-reached quantiles of ``feasibility(_:variant:series:referenceTime:deadlineValues:reachTimes:paths:thresholds:flowPeriod:)``
    /// — the first observation reaching it when the data do, else the quantile of the paths'
    /// first-reach times.
    static func dateReached(_ target: ForecastTarget, level: Double, series: AdoptionSeries, reachTimes: [Double],
                            paths: Int, flowPeriod: Double) -> CalendarDate? {
        if let observed = firstObservationReaching(target, series, flowPeriod: flowPeriod) { return observed.date }
        return reachDate(reachTimes, level: level, paths: paths)
    }
}

extension CalendarDate {
    /// The day during which decimal year t falls: the first date whose end is at or after t.
    static func day(containing t: Double) -> CalendarDate {
        let d = CalendarDate(decimalYear: t)
        return d.decimalYear < t - 1e-9 ? d.nextDay : d
    }
}
