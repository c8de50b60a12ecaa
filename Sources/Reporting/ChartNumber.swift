import Fitting

/// How the chart writes a value of the metric: a count with thousands separators
/// (`1,200,000`), a share as a percentage (`40 %`, from 40 in percent or 0.4 as a fraction).
/// Pure integer formatting after one rounding, so the text is the same on every platform.
///
/// ```swift
/// ChartNumber.count.text(1_234_567, decimals: 0)        // "1,234,567"
/// ChartNumber(.share(.fraction)).text(0.35, decimals: 0) // "35 %"
/// ```
public enum ChartNumber: Sendable, Equatable {
    case count
    /// A share; `perUnit` turns a value into percent (1 for percent, 100 for a fraction).
    case percent(perUnit: Double)

    public init(_ kind: MetricKind) {
        switch kind {
        case .count: self = .count
        case .share(.percent): self = .percent(perUnit: 1)
        case .share(.fraction): self = .percent(perUnit: 100)
        }
    }

    /// What a value of the metric is in the unit the chart writes (percent for shares).
    public func shown(_ value: Double) -> Double {
        switch self {
        case .count: value
        case let .percent(perUnit): value * perUnit
        }
    }

    /// `value` (in the metric's unit) with `decimals` decimals in the shown unit, digits
    /// grouped by three, and ` %` after a share.
    public func text(_ value: Double, decimals: Int) -> String {
        let number = Self.grouped(shown(value), decimals: decimals)
        switch self {
        case .count: return number
        case .percent: return number + " %"
        }
    }

    /// `value` with as many decimals as it needs, at most two (542, 11,252, 87.5 %).
    public func text(_ value: Double) -> String {
        let v = shown(value)
        let decimals = (0...2).first { d in
            let scale = Self.powerOfTen(d)
            return abs((v * scale).rounded() - v * scale) < 1e-6 * max(1, abs(v * scale))
        } ?? 2
        return text(value, decimals: decimals)
    }

    /// `value` rounded to `decimals` decimals (half away from zero), the integer part in
    /// groups of three separated by commas. Magnitudes beyond 10^15 are written without
    /// grouping through `description`.
    static func grouped(_ value: Double, decimals: Int) -> String {
        let decimals = max(0, min(decimals, 6))
        let scaled = (abs(value) * powerOfTen(decimals)).rounded()
        guard value.isFinite, scaled < 1e15 else { return value.description }
        let units = UInt64(scaled)
        let divisor = UInt64(powerOfTen(decimals))
        let whole = String(units / divisor)
        var text = ""
        for (index, digit) in whole.enumerated() {
            if index > 0, (whole.count - index) % 3 == 0 { text.append(",") }
            text.append(digit)
        }
        if decimals > 0 {
            let fraction = String(units % divisor)
            text += "." + String(repeating: "0", count: decimals - fraction.count) + fraction
        }
        return (value < 0 && units > 0 ? "-" : "") + text
    }

    static func powerOfTen(_ n: Int) -> Double {
        var p = 1.0
        for _ in 0..<max(0, n) { p *= 10 }
        return p
    }
}
