import Fitting

/// The Monte Carlo's own time axis (DESIGN.md, "Monte Carlo"): every month end after the
/// reference date up to the last grid date, whatever `forecast.step` is. The output grid
/// (month, quarter or year ends) is a subset of it, so a path — its noise, its latent curve,
/// the date it first reaches a target — is the same path for every output step, and the
/// value on a date has the same distribution (indeed the same draws) on any grid.
struct SimulationClock: Sendable {
    let referenceTime: Double
    /// Decimal years of the month ends m = 1…M after the reference date.
    let times: [Double]
    /// For grid date h, its index in `times`.
    let gridIndices: [Int]
    /// Per clock point: whether it is a grid date.
    let isGridPoint: [Bool]

    init(grid: ForecastGrid) {
        let reference = grid.referenceDate
        referenceTime = reference.decimalYear
        let months = grid.dates.map { ($0.year - reference.year) * 12 + ($0.month - reference.month) }
        let count = months.last ?? 0
        times = (0..<count).map { reference.endOfMonth(after: $0 + 1).decimalYear }
        gridIndices = months.map { $0 - 1 }
        var isGridPoint = [Bool](repeating: false, count: count)
        for m in gridIndices { isGridPoint[m] = true }
        self.isGridPoint = isGridPoint
        for (h, date) in grid.dates.enumerated() {
            precondition(reference.endOfMonth(after: months[h]) == date, "grid dates are month ends after the reference")
        }
    }

    /// Where a date falls on the clock; nil when it is not after the reference time (decided
    /// by the data) or after the last clock point.
    func position(of t: Double) -> ClockPosition? {
        guard t > referenceTime, let index = times.firstIndex(where: { $0 >= t - 1e-12 }) else { return nil }
        let previous = index == 0 ? referenceTime : times[index - 1]
        return ClockPosition(index: index, before: t - previous, after: max(times[index] - t, 0), time: t)
    }
}

/// A date between clock point `index − 1` (the reference before the first) and `index`.
struct ClockPosition: Sendable {
    let index: Int
    /// Years from the previous clock point to the date, and from the date to clock point `index`.
    let before: Double
    let after: Double
    let time: Double

    /// On the clock point itself (a month-end deadline): no bridge needed.
    var isOnClock: Bool { after < 1e-9 }
}
