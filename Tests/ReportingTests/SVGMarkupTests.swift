import Foundation
import XCTest
import LinearAlgebra
import TextFormatReference
import TextIO
@testable import Reporting

/// fan.svg's numbers and text against the String formatting they replaced (``LegacyTextFormat``).
final class SVGMarkupTests: XCTestCase {
    /// fan.svg's axis labels and coordinates.
    func testChartNumbersMatchTheStringPath() {
        var rng = SplitMix64(seed: 11)
        var values: [Double] = [0, -0.0, 1e15, -1e15, 1e15.nextDown, .nan, .infinity, 0.005, 0.015, 0.125, -0.125, 1.08e-9]
        for _ in 0..<50_000 {
            values.append(Double.random(in: 0..<10, using: &rng) * pow(10, Double(Int.random(in: -10...16, using: &rng))))
            values.append(Double(bitPattern: rng.next()))
            values.append(Double(Int.random(in: -100_000...100_000, using: &rng)) / 8)
        }
        var mismatches: [String] = []
        for v in values {
            var coordinate = TextBuffer(), label = TextBuffer()
            coordinate.append(coordinate: v)
            label.append(axisLabel: v)
            if coordinate.text != LegacyTextFormat.f(v) { mismatches.append("coordinate \(v): \(coordinate.text)") }
            if label.text != LegacyTextFormat.label(v) { mismatches.append("label \(v): \(label.text)") }
        }
        XCTAssertEqual(mismatches.count, 0, mismatches.prefix(5).joined(separator: "\n"))
    }

    func testEscapingMatchesTheStringPath() {
        for text in ["plain", "A & B <c> \"d\"", "&amp;", "Bà Rịa–Vũng Tàu", "", "<<>>"] {
            var buffer = TextBuffer()
            buffer.append(escaped: text)
            XCTAssertEqual(buffer.text, LegacyTextFormat.escape(text), text)
        }
        // An & carrying a combining mark is one Character, which the String path did not
        // replace; as bytes it is escaped (otherwise the SVG would not parse).
        var combining = TextBuffer()
        combining.append(escaped: "e\u{301}&\u{301}")
        XCTAssertEqual(combining.text, "e\u{301}&amp;\u{301}")
        let markup: SVGMarkup = "<text x=\"\(70.0)\" y=\"\(24.505)\">\("A & B") \(3) \(label: 2500.0)</text>"
        XCTAssertEqual(markup.text.text, "<text x=\"70.00\" y=\"24.51\">A &amp; B 3 2500</text>")
    }
}
