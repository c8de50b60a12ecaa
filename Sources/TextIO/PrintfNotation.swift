import Foundation

/// C's `%.Nf` and `%.Ng` written into a ``TextBuffer`` with the same bytes as glibc's
/// `printf` — rounding of the exact binary value, ties to even — and no `String` per number.
///
/// A double is M·2^e with M < 2^53; scaled by 10^p (p ≤ 22, 10^p < 2^74) it is the 128-bit
/// integer M·10^p shifted by e, so the rounding below is exact, not an approximation of the
/// C library's. Values outside that range (|v|·10^p ≥ 2^64, or an exponent that needs more
/// than 22 decimals) and non-finite values are left to `String(format:)`.
extension TextBuffer {
    /// v as `String(format: "%.<decimals>f", v)` writes it.
    public mutating func append(_ v: Double, decimals: Int) {
        guard let q = Self.scaledToInteger(v, decimalShift: decimals, rounding: true) else {
            append(String(format: "%.\(decimals)f", v))
            return
        }
        if v.sign == .minus { append(byte: UInt8(ascii: "-")) }
        let power = Self.powerOfTen(decimals)
        append(digitsOf: q / power)
        if decimals > 0 {
            append(byte: UInt8(ascii: "."))
            append(digitsOf: q % power, width: decimals)
        }
    }

    /// v as `String(format: "%.<significantDigits>g", v)` writes it: `significantDigits`
    /// digits, trailing zeros removed, exponential when the exponent is below −4 or at least
    /// the precision.
    public mutating func append(_ v: Double, generalSignificantDigits precision: Int) {
        precondition((1...18).contains(precision))
        if v == 0 { append(v.sign == .minus ? "-0" : "0"); return }
        let fallback = { (text: inout TextBuffer) in text.append(String(format: "%.\(precision)g", v)) }
        guard v.isFinite else { return fallback(&self) }
        let low = Self.powerOfTen(precision - 1), high = Self.powerOfTen(precision)
        // The decimal exponent x0 with 10^x0 ≤ |v| < 10^(x0+1), checked exactly (log10 may be
        // off by one next to a power of ten).
        var exponent = Int(log10(abs(v)).rounded(.down))
        while true {
            let shift = precision - 1 - exponent
            guard (0...22).contains(shift),
                  let truncated = Self.scaledToInteger(v, decimalShift: shift, rounding: false) else { return fallback(&self) }
            if truncated < low { exponent -= 1 } else if truncated >= high { exponent += 1 } else { break }
        }
        guard var q = Self.scaledToInteger(v, decimalShift: precision - 1 - exponent, rounding: true) else {
            return fallback(&self)
        }
        if q == high { q = low; exponent += 1 }                  // 9.995 → 10.0: one more digit before the point
        if v < 0 { append(byte: UInt8(ascii: "-")) }
        if exponent < -4 || exponent >= precision {
            var digits = q, count = precision
            while count > 1 && digits % 10 == 0 { digits /= 10; count -= 1 }
            let power = Self.powerOfTen(count - 1)
            append(digitsOf: digits / power)
            if count > 1 {
                append(byte: UInt8(ascii: "."))
                append(digitsOf: digits % power, width: count - 1)
            }
            append(byte: UInt8(ascii: "e"))
            append(byte: exponent < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            append(digitsOf: UInt64(abs(exponent)), width: 2)
        } else {
            var decimals = precision - 1 - exponent
            let power = Self.powerOfTen(decimals)
            var fraction = q % power
            append(digitsOf: q / power)
            while decimals > 0 && fraction % 10 == 0 { fraction /= 10; decimals -= 1 }
            if decimals > 0 {
                append(byte: UInt8(ascii: "."))
                append(digitsOf: fraction, width: decimals)
            }
        }
    }

    /// |v|·10^decimalShift as an integer, rounded to nearest with ties to even (or truncated),
    /// computed exactly; nil when v is not finite, the shift is outside 0…22 or the result
    /// does not fit in 64 bits.
    static func scaledToInteger(_ v: Double, decimalShift: Int, rounding: Bool) -> UInt64? {
        guard v.isFinite, (0...22).contains(decimalShift) else { return nil }
        let magnitude = abs(v)
        if magnitude == 0 { return 0 }
        let significand = UInt128(magnitude.significandBitPattern) | (magnitude.isNormal ? 1 << 52 : 0)
        let binaryExponent = magnitude.isNormal ? Int(magnitude.exponent) - 52 : -1074
        let scaled = significand * UInt128(powerOfTen(min(decimalShift, 19))) * UInt128(powerOfTen(max(decimalShift - 19, 0)))
        if binaryExponent >= 0 {
            guard binaryExponent < 64, scaled <= UInt128(UInt64.max) >> binaryExponent else { return nil }
            return UInt64(scaled << binaryExponent)
        }
        let shift = -binaryExponent
        guard shift < 128 else { return 0 }                      // below 2^-127 of the result: 0 either way
        var quotient = scaled >> shift
        if rounding {
            let remainder = scaled & ((1 << shift) - 1), half: UInt128 = 1 << (shift - 1)
            if remainder > half || (remainder == half && quotient & 1 == 1) { quotient += 1 }
        }
        guard quotient <= UInt128(UInt64.max) else { return nil }
        return UInt64(quotient)
    }

    /// 10^n for n in 0…19.
    static func powerOfTen(_ n: Int) -> UInt64 {
        var power: UInt64 = 1
        for _ in 0..<n { power *= 10 }
        return power
    }
}
