import Foundation

/// The number format of every output file (DESIGN.md, "Outputs"): a value rounded to
/// ``significantDigits`` significant digits, written as the shortest decimal that reads back
/// as the rounded double — Swift's own `description` of it (`0.1`, `2023.42`, `1e-05`,
/// `0.004975337576`, `100.0` for 99.9999999999998, `1.5e+16`); nothing for a missing or
/// non-finite value.
///
/// ``TextBuffer/append(number:)`` writes these bytes straight into a buffer; ``string(_:)``
/// is the same text as a `String`. Monte Carlo results are not meaningful beyond ten digits,
/// and rounding keeps re-runs byte-identical.
public enum OutputNumber {
    /// A count as people write it, with thousands separators: 2400000000 as 2,400,000,000
    /// (messages, the report page; not the CSVs, which keep plain numbers).
    public static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (value < 0 ? "-" : "") + out
    }

    public static let significantDigits = 10

    /// The text of x, as ``TextBuffer/append(number:)`` writes it.
    public static func string(_ x: Double?) -> String {
        var text = TextBuffer()
        text.append(number: x)
        return text.text
    }

    /// x to ``significantDigits`` significant digits: m·10^k with m an integer of at most ten
    /// digits, computed as m/10^−k or m·10^k with the power of ten exact (10^j, j ≤ 22), so
    /// the result is the double nearest that decimal and prints as it. Where x·10^−k is within
    /// its own rounding error of a tie (…5 in the eleventh digit), and for exponents beyond the
    /// exact powers, the correctly rounded `%.9e` decides; a result that would round past the
    /// largest double keeps x.
    public static func rounded(_ x: Double) -> Double {
        guard x != 0, x.isFinite else { return x }
        guard let (m, shift) = scaledAndRounded(x) else { return correctlyRounded(x).value }
        let power = powersOfTen[abs(shift)]
        return shift >= 0 ? m / power : m * power
    }

    /// m = x·10^shift rounded to an integer (half away from zero), with x·10^shift holding ten
    /// integer digits, or nil where `%.9e` must decide (see ``rounded(_:)``). x is finite, ≠ 0.
    @inline(__always)
    static func scaledAndRounded(_ x: Double) -> (m: Double, shift: Int)? {
        let exponent = Int((log10(abs(x))).rounded(.down))
        let shift = significantDigits - 1 - exponent          // x·10^shift has ten integer digits
        guard abs(shift) <= 22 else { return nil }
        let power = powersOfTen[abs(shift)]
        let scaled = shift >= 0 ? x * power : x / power
        let fraction = abs(scaled - scaled.rounded(.towardZero))
        if abs(fraction - 0.5) < 16 * scaled.ulp { return nil }
        return (scaled.rounded(), shift)
    }

    /// x rounded by the C library's correctly rounded `%.9e`, with that text; x itself and no
    /// text where the rounded value would not be finite. A rare path: near-ties and exponents
    /// beyond ±22.
    static func correctlyRounded(_ x: Double) -> (value: Double, text: String?) {
        let text = String(format: "%.\(significantDigits - 1)e", x)
        guard let value = Double(text), value.isFinite else { return (x, nil) }
        return (value, text)
    }

    static let powersOfTen: [Double] = (0...22).map { pow(10.0, Double($0)) }
}

extension TextBuffer {
    /// x as ``OutputNumber`` writes it (nothing for nil or a non-finite value), with no
    /// `String` in between: the digits of the rounded decimal m·10^k are the shortest ones
    /// of the double nearest it, since two decimals of at most eleven digits are further
    /// apart than a normal double's rounding interval. Subnormal results and the largest
    /// doubles (which keep their unrounded value) take Swift's `description`.
    public mutating func append(number x: Double?) {
        guard let x, x.isFinite else { return }
        guard x != 0 else { append(x.sign == .minus ? "-0.0" : "0.0"); return }
        if let (m, shift) = OutputNumber.scaledAndRounded(x) {
            let power = OutputNumber.powersOfTen[abs(shift)]
            let value = shift >= 0 ? m / power : m * power
            append(decimal: UInt64(abs(m)), exponent: -shift, negative: x < 0, value: value)
            return
        }
        let (value, text) = OutputNumber.correctlyRounded(x)
        guard let text, value.isNormal else { append("\(value)"); return }
        // text is [-]d.ddddddddde±XX: its ten digits and exponent are the decimal.
        var m: UInt64 = 0, exponent = 0, exponentSign = 1, inExponent = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if inExponent { exponent = exponent * 10 + Int(byte - UInt8(ascii: "0")) }
                else { m = m * 10 + UInt64(byte - UInt8(ascii: "0")) }
            case UInt8(ascii: "e"): inExponent = true
            case UInt8(ascii: "-") where inExponent: exponentSign = -1
            default: break
            }
        }
        append(decimal: m, exponent: exponentSign * exponent - (OutputNumber.significantDigits - 1),
               negative: x < 0, value: value)
    }

    /// m·10^k (m > 0), the double nearest which is `value`, as Swift's `description` writes
    /// it: plain decimal with at least one fractional digit (`100.0`, `0.0001`), exponential
    /// below 10^−4 or above 2^53 (`1e-05`, `1.5e+16`).
    private mutating func append(decimal m: UInt64, exponent k: Int, negative: Bool, value: Double) {
        var m = m, k = k
        while m % 10 == 0 { m /= 10; k += 1 }
        let (digitCount, power) = Self.digitCount(m)
        let leading = k + digitCount - 1                         // m·10^k = d.ddd × 10^leading
        let exponential = leading < -4 || abs(value) > 0x1p53
        // At most 1 + 17 + 2 + 4 bytes (sign, digits, point and zero or exponent).
        append(atMost: 32) { out in
            if negative { out.append(UInt8(ascii: "-")) }
            if exponential {
                let first = m / power
                out.append(UInt8(truncatingIfNeeded: first) &+ UInt8(ascii: "0"))
                if digitCount > 1 {
                    out.append(UInt8(ascii: "."))
                    Self.write(digitsOf: m - first * power, leadingPower: power / 10, into: &out)
                }
                out.append(UInt8(ascii: "e"))
                out.append(leading < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
                let magnitude = UInt64(abs(leading))
                if magnitude < 10 { out.append(UInt8(ascii: "0")) }
                Self.write(digitsOf: magnitude, leadingPower: Self.digitCount(magnitude).leadingPower, into: &out)
            } else if leading < 0 {
                out.append(UInt8(ascii: "0"))
                out.append(UInt8(ascii: "."))
                for _ in 0 ..< -leading - 1 { out.append(UInt8(ascii: "0")) }
                Self.write(digitsOf: m, leadingPower: power, into: &out)
            } else if digitCount <= leading + 1 {
                Self.write(digitsOf: m, leadingPower: power, into: &out)
                for _ in 0 ..< leading + 1 - digitCount { out.append(UInt8(ascii: "0")) }
                out.append(UInt8(ascii: "."))
                out.append(UInt8(ascii: "0"))
            } else {
                // The point after the first leading + 1 digits.
                var rest = m, digitPower = power, written = 0
                while digitPower > 0 {
                    if written == leading + 1 { out.append(UInt8(ascii: ".")) }
                    let digit = rest / digitPower
                    out.append(UInt8(truncatingIfNeeded: digit) &+ UInt8(ascii: "0"))
                    rest -= digit * digitPower
                    digitPower /= 10
                    written += 1
                }
            }
        }
    }
}
