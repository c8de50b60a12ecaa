import Foundation

/// The String-based formatting the output writers used before ``TextBuffer`` (issue 10),
/// kept verbatim as the reference the byte writer must reproduce exactly.
public enum LegacyTextFormat {
    public static func quoted(_ field: String) -> String {
        if !field.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) { return field }
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    public static func number(_ x: Double?) -> String {
        guard let x, x.isFinite else { return "" }
        return "\(rounded(x))"
    }

    public static func rounded(_ x: Double) -> Double {
        guard x != 0, x.isFinite else { return x }
        let exponent = Int((log10(abs(x))).rounded(.down))
        let shift = 10 - 1 - exponent
        guard abs(shift) <= 22 else { return correctlyRounded(x) }
        let power = powersOfTen[abs(shift)]
        let scaled = shift >= 0 ? x * power : x / power
        let fraction = abs(scaled - scaled.rounded(.towardZero))
        if abs(fraction - 0.5) < 16 * scaled.ulp { return correctlyRounded(x) }
        return shift >= 0 ? scaled.rounded() / power : scaled.rounded() * power
    }

    private static func correctlyRounded(_ x: Double) -> Double {
        let value = Double(String(format: "%.\(10 - 1)e", x)) ?? x
        return value.isFinite ? value : x
    }

    private static let powersOfTen: [Double] = (0...22).map { pow(10.0, Double($0)) }

    /// fan.svg coordinates.
    public static func f(_ v: Double) -> String {
        guard v.isFinite, abs(v) < 1e15 else { return "0.00" }
        let hundredths = Int((v * 100).rounded())
        let magnitude = hundredths.magnitude
        let fraction = magnitude % 100
        let sign = hundredths < 0 ? "-" : ""
        return "\(sign)\(magnitude / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// fan.svg value-axis labels.
    public static func label(_ v: Double) -> String {
        if v == 0 { return "0" }
        if abs(v) >= 1000 { return String(format: "%.0f", v) }
        if abs(v) >= 10 { return String(format: "%.1f", v) }
        return String(format: "%.3g", v)
    }

    public static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
