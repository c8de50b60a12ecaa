import TextIO

/// A piece of SVG source written straight into bytes, in which each interpolated value is
/// written the chart's way: a `Double` as a coordinate with two decimals (``TextBuffer/append(coordinate:)``),
/// an `Int` in decimal, a `String` as escaped text, `label:` as an axis label, `points:` as a
/// points list.
///
/// ```swift
/// let line: SVGMarkup = "<text x=\"\(70.0)\" y=\"\(24.5)\">\("A & B")</text>\n"
/// // <text x="70.00" y="24.50">A &amp; B</text>
/// ```
struct SVGMarkup: ExpressibleByStringInterpolation {
    var text: TextBuffer

    init(stringLiteral literal: String) {
        text = TextBuffer()
        text.append(literal)
    }

    init(stringInterpolation: Interpolation) { text = stringInterpolation.text }

    /// `<line x1 y1 x2 y2 stroke [stroke-width] [stroke-dasharray]/>` and a newline.
    static func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, width: Double? = nil,
                     dash: String? = nil) -> SVGMarkup {
        var line: SVGMarkup = "<line x1=\"\(x1)\" y1=\"\(y1)\" x2=\"\(x2)\" y2=\"\(y2)\" stroke=\"\(stroke)\""
        if let width { line.text.append(" stroke-width=\"\(width)\"" as SVGMarkup) }
        if let dash { line.text.append(" stroke-dasharray=\"\(dash)\"" as SVGMarkup) }
        line.text.append("/>\n")
        return line
    }

    struct Interpolation: StringInterpolationProtocol {
        var text: TextBuffer

        init(literalCapacity: Int, interpolationCount: Int) {
            text = TextBuffer(capacity: literalCapacity + 8 * interpolationCount)
        }

        mutating func appendLiteral(_ literal: String) { text.append(literal) }

        mutating func appendInterpolation(_ coordinate: Double) { text.append(coordinate: coordinate) }

        mutating func appendInterpolation(_ value: Int) { text.append(integer: value) }

        mutating func appendInterpolation(_ value: String) { text.append(escaped: value) }

        mutating func appendInterpolation(label value: Double) { text.append(axisLabel: value) }

        mutating func appendInterpolation(points: [(Double, Double)]) {
            for (index, point) in points.enumerated() {
                if index > 0 { text.append(byte: UInt8(ascii: " ")) }
                text.append(coordinate: point.0)
                text.append(byte: UInt8(ascii: ","))
                text.append(coordinate: point.1)
            }
        }
    }
}

extension TextBuffer {
    mutating func append(_ markup: SVGMarkup) { append(contentsOf: markup.text) }

    /// Two decimals, fixed: stable bytes across runs and platforms. Built from the integer
    /// number of hundredths (half away from zero). Non-finite values (never drawn) print as 0.00.
    mutating func append(coordinate v: Double) {
        guard v.isFinite, abs(v) < 1e15 else { append("0.00"); return }
        let hundredths = Int((v * 100).rounded())
        if hundredths < 0 { append(byte: UInt8(ascii: "-")) }
        append(digitsOf: UInt64(hundredths.magnitude / 100))
        append(byte: UInt8(ascii: "."))
        append(digitsOf: UInt64(hundredths.magnitude % 100), width: 2)
    }

    /// A value-axis label: `0`; whole numbers from 1000 (`%.0f`), one decimal from 10
    /// (`%.1f`), three significant digits below (`%.3g`).
    mutating func append(axisLabel v: Double) {
        if v == 0 { append("0") }
        else if abs(v) >= 1000 { append(v, decimals: 0) }
        else if abs(v) >= 10 { append(v, decimals: 1) }
        else { append(v, generalSignificantDigits: 3) }
    }

    /// Text for SVG content or an attribute: `&`, `<`, `>` and `"` as entities (ASCII bytes,
    /// which never occur inside another UTF-8 character).
    mutating func append(escaped text: String) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "&"): append("&amp;")
            case UInt8(ascii: "<"): append("&lt;")
            case UInt8(ascii: ">"): append("&gt;")
            case UInt8(ascii: "\""): append("&quot;")
            default: append(byte: byte)
            }
        }
    }
}
