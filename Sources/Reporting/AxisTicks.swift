/// A "nice" tick step: 1, 2 or 5 times a power of ten (…, 0.2, 0.5, 1, 2, 5, 10, 20, …).
public struct NiceStep: Sendable, Equatable {
    /// 1, 2 or 5.
    public let mantissa: Int
    public let exponent: Int

    public var value: Double {
        let power = ChartNumber.powerOfTen(abs(exponent))
        return exponent >= 0 ? Double(mantissa) * power : Double(mantissa) / power
    }

    /// Decimals a multiple of this step needs (0 for steps ≥ 1).
    public var decimals: Int { max(0, -exponent) }

    /// The smallest nice step ≥ `x` (x > 0 and finite; anything else gives 1).
    public static func atLeast(_ x: Double) -> NiceStep {
        guard x > 0, x.isFinite else { return NiceStep(mantissa: 1, exponent: 0) }
        var exponent = 0
        while NiceStep(mantissa: 1, exponent: exponent).value > x { exponent -= 1 }
        while NiceStep(mantissa: 5, exponent: exponent).value < x { exponent += 1 }
        for mantissa in [1, 2, 5] where NiceStep(mantissa: mantissa, exponent: exponent).value >= x * (1 - 1e-12) {
            return NiceStep(mantissa: mantissa, exponent: exponent)
        }
        return NiceStep(mantissa: 1, exponent: exponent + 1)
    }
}

/// The value axis of a chart whose axis starts at 0: the smallest 1-2-5 step that covers
/// `highest` in at most `maxIntervals` intervals, and the top, the first multiple of the
/// step ≥ `highest` (so the top is the nice number just above everything drawn). Steps are
/// chosen in the unit the labels show: a share as a fraction gets 0, 20, 40 … %.
///
/// ```swift
/// let axis = ValueAxis(highest: 585.4, number: .count)
/// axis.labels  // ["0", "100", "200", "300", "400", "500", "600"]
/// ValueAxis(highest: 0.83, number: .percent(perUnit: 100)).labels  // ["0 %", "20 %", … "100 %"]
/// ```
///
/// A share never gets a top above its bound: 100 % is a multiple of every step a share up
/// to 100 % gets (≤ 20 %), so the top of data within the bound is within it too.
public struct ValueAxis: Sendable, Equatable {
    public let step: NiceStep
    public let intervals: Int
    public let number: ChartNumber

    public init(highest: Double, number: ChartNumber, maxIntervals: Int = 7, minimumStep: Double = 0) {
        let shownHighest = max(number.shown(highest.isFinite ? highest : 0), 0)
        let wanted = max(shownHighest / Double(max(maxIntervals, 1)), minimumStep)
        step = NiceStep.atLeast(wanted > 0 ? wanted : max(minimumStep, 1))
        let count = (shownHighest / step.value * (1 - 1e-12)).rounded(.up)
        intervals = max(1, Int(count))
        self.number = number
    }

    /// The step in the metric's own unit.
    public var stepValue: Double { step.value / number.shown(1) }
    /// The axis top in the metric's own unit.
    public var top: Double { Double(intervals) * stepValue }
    /// The tick values in the metric's own unit, 0 first.
    public var ticks: [Double] { (0...intervals).map { Double($0) * stepValue } }
    /// The tick labels: thousands separators, the step's decimals, `%` on a share; 0 is
    /// written `0` (`0 %`).
    public var labels: [String] { ticks.map { number.text($0, decimals: $0 == 0 ? 0 : step.decimals) } }
}

/// Year ticks at 1 January of every `step`-th year, step 1, 2, 5, 10, 20 … years, the
/// smallest with at most `maxTicks` ticks between two decimal-year positions.
public enum YearTicks {
    public static func years(from start: Double, to end: Double, maxTicks: Int) -> [Int] {
        guard start.isFinite, end.isFinite, end >= start else { return [] }
        var step = NiceStep(mantissa: 1, exponent: 0)
        while true {
            let s = max(1, Int(step.value))
            let first = Int((start / Double(s)).rounded(.up)) * s
            let last = Int((end / Double(s)).rounded(.down)) * s
            let years = first <= last ? Array(Swift.stride(from: first, through: last, by: s)) : []
            if years.count <= max(maxTicks, 1) { return years }
            step = NiceStep.atLeast(step.value * 1.5)
        }
    }
}
