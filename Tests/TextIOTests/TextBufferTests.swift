import Foundation
import XCTest
import LinearAlgebra
import TextFormatReference
@testable import TextIO

/// The byte writer against the String formatting it replaced (``LegacyTextFormat``): the
/// same bytes for every double, not just typical ones.
final class TextBufferTests: XCTestCase {
    private func written(_ x: Double?) -> String {
        var text = TextBuffer()
        text.append(number: x)
        return text.text
    }

    private func assertNumbersMatch(_ values: [Double], file: StaticString = #filePath, line: UInt = #line) {
        var mismatches = 0
        for x in values where written(x) != LegacyTextFormat.number(x) {
            mismatches += 1
            if mismatches <= 5 {
                XCTFail("\(x) (bits \(String(x.bitPattern, radix: 16))): \(written(x)) ≠ \(LegacyTextFormat.number(x))",
                        file: file, line: line)
            }
        }
        XCTAssertEqual(mismatches, 0, "of \(values.count)", file: file, line: line)
    }

    func testSpecialValuesAreWrittenAsBefore() {
        let specials: [Double] = [0, -0.0, .infinity, -.infinity, .nan, -.nan, .signalingNaN,
                                  .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNormalMagnitude,
                                  -.leastNormalMagnitude, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
                                  .leastNormalMagnitude.nextDown, 1, -1, 0.1, 100, 99.9999999999998, 2023.42, 1e-5, 1e-4,
                                  0.00009999999999, 9007199254740992, 9007199254740994, 9.1e15, 9.0071992547e15,
                                  9.0071992548e15, 1e16, 1e17, 1.5e16, 123456789012.7, 1e22, 1e23, 1e-13, 1e-14,
                                  9999999999.5, 0.045278141065, 1.7976931348e308, 1.797693135e308, 4.9e-324, 2.2250738585e-308]
        assertNumbersMatch(specials + specials.map { -$0 })
        XCTAssertEqual(written(nil), "")
        XCTAssertEqual(written(-0.0), "-0.0")
        XCTAssertEqual(written(.infinity), "")
        XCTAssertEqual(written(1e16), "1e+16")
        XCTAssertEqual(written(9_000_000_000_000_000), "9000000000000000.0")
        XCTAssertEqual(written(9_007_199_254_740_992), "9.007199255e+15")    // rounded, then above 2^53
    }

    /// Every exponent, subnormals, NaN payloads: random bit patterns.
    func testRandomBitPatterns() {
        var rng = SplitMix64(seed: 2024)
        assertNumbersMatch((0..<100_000).map { _ in Double(bitPattern: rng.next()) })
    }

    func testRandomValuesAcrossDecades() {
        var rng = SplitMix64(seed: 7)
        let values = (0..<100_000).map { i -> Double in
            let x = Double.random(in: 1..<10, using: &rng) * pow(10, Double(Int.random(in: -30...30, using: &rng)))
            return i % 2 == 0 ? x : -x
        }
        assertNumbersMatch(values)
        // Short decimals and counts, as forecasts mostly are.
        assertNumbersMatch((0..<50_000).map { _ in Double(Int.random(in: -1_000_000...1_000_000, using: &rng)) / 1000 })
        assertNumbersMatch((0..<50_000).map { _ in Double(Int.random(in: 0...10_000, using: &rng)) / 10_000 })
    }

    /// Next to ties of the eleventh digit (…5): the decimal ties themselves, exact binary ties
    /// (m + ½ with m of ten digits, 11-digit integers ending in 5) and their neighbours.
    func testTiesAndNearTies() {
        var rng = SplitMix64(seed: 99)
        var values: [Double] = []
        for _ in 0..<30_000 {
            let m = Int.random(in: 1_000_000_000...9_999_999_999, using: &rng)
            let k = Int.random(in: -40...40, using: &rng)
            let tie = Double("\(m)5e\(k - 1)")!
            values += [tie, tie.nextUp, tie.nextDown, Double(m) + 0.5, Double(m * 10 + 5), Double(m * 10 + 5) * 1024]
        }
        assertNumbersMatch(values)
    }

    /// Beside every power of ten, where log10 may be off by one.
    func testNeighboursOfPowersOfTen() {
        var values: [Double] = []
        for k in -323...308 {
            let p = Double("1e\(k)")!
            var up = p, down = p
            for _ in 0..<4 { values += [up, down]; up = up.nextUp; down = down.nextDown }
        }
        assertNumbersMatch(values)
    }

    func testFixedAndGeneralNotationMatchPrintf() {
        var rng = SplitMix64(seed: 5)
        var values: [Double] = [0, -0.0, 0.5, 1.5, 2.5, -2.5, 0.25, 0.35, 10.25, 10.35, 999.5, 1000.5, 1e-10, 9.995, 9.9951,
                                0.0001, 0.00009995, 0.001234, 123456789.5, 1e18, 1.8e19, 1e25, .leastNonzeroMagnitude]
        for _ in 0..<20_000 {
            values.append(Double.random(in: 0..<10, using: &rng) * pow(10, Double(Int.random(in: -12...12, using: &rng))))
            values.append(Double(Int.random(in: 0...100_000, using: &rng)) / 4)     // exact binary ties at .25/.5/.75
            values.append(Double(Int.random(in: 0...100_000, using: &rng)) / 1000)
        }
        values += values.map { -$0 }
        var mismatches: [String] = []
        for v in values {
            for decimals in 0...3 {
                var text = TextBuffer()
                text.append(v, decimals: decimals)
                let expected = String(format: "%.\(decimals)f", v)
                if text.text != expected { mismatches.append("%.\(decimals)f of \(v): \(text.text) ≠ \(expected)") }
            }
            for precision in [1, 3, 6] {
                var text = TextBuffer()
                text.append(v, generalSignificantDigits: precision)
                let expected = String(format: "%.\(precision)g", v)
                if text.text != expected { mismatches.append("%.\(precision)g of \(v): \(text.text) ≠ \(expected)") }
            }
        }
        XCTAssertEqual(mismatches.count, 0, mismatches.prefix(5).joined(separator: "\n"))
    }

    func testIntegers() {
        for n in [0, 1, -1, 9, 10, 99, 100, 12345, -987654321, Int.max, Int.min] {
            var text = TextBuffer()
            text.append(integer: n)
            XCTAssertEqual(text.text, String(n))
        }
    }

    /// RFC 4180, decided on the bytes: a field with a comma, quote, CR or LF is quoted.
    func testCSVQuoting() {
        let cases: [(String, String)] = [
            ("plain", "plain"), ("", ""), ("Vung Tau, Ba Ria", "\"Vung Tau, Ba Ria\""),
            ("say \"hi\"", "\"say \"\"hi\"\"\""), ("\"", "\"\"\"\""), ("two\nlines", "\"two\nlines\""),
            ("cr\rhere", "\"cr\rhere\""), ("Bà Rịa–Vũng Tàu", "Bà Rịa–Vũng Tàu"), ("Bà Rịa, Vũng Tàu", "\"Bà Rịa, Vũng Tàu\""),
            // A CRLF, or a comma carrying a combining mark, is one Character but still breaks a
            // CSV line or field: quoted (the String path missed both).
            ("crlf\r\nhere", "\"crlf\r\nhere\""), (",\u{301}", "\",\u{301}\""),
        ]
        for (field, expected) in cases {
            var text = TextBuffer()
            text.append(csvField: field)
            XCTAssertEqual(text.text, expected, field.debugDescription)
        }
        for field in ["a", "a,b", "\"q\"", "x\ny", "Đà Nẵng, Việt Nam", "1,000 \"points\""] {
            XCTAssertEqual(CSVTable.quoted(field), LegacyTextFormat.quoted(field))
        }
    }

    /// Whole rows, fields, numbers and shared runs of fields give the same document.
    func testCSVTableRowsFieldsAndSharedFields() {
        var byRows = CSVTable(header: ["a", "b", "c", "d"])
        byRows.append(["x, y", "1", "0.1", ""])
        byRows.append(["x, y", "2", "", "NA"])
        var byFields = CSVTable(header: ["a", "b", "c", "d"], reusing: TextBuffer(capacity: 1024))
        var shared = CSVTable.Fields()
        shared.field("x, y")
        byFields.fields(shared); byFields.field(integer: 1); byFields.field(number: 0.1 + 1e-17); byFields.field(number: nil)
        byFields.endRow()
        byFields.fields(shared); byFields.field(integer: 2); byFields.field(number: .nan); byFields.field("NA")
        byFields.endRow()
        XCTAssertEqual(byFields.text, byRows.text)
        XCTAssertEqual(byFields.text, "a,b,c,d\n\"x, y\",1,0.1,\n\"x, y\",2,,NA\n")
        XCTAssertEqual(byFields.rowCount, 2)
    }

    /// A reused buffer starts empty and keeps its storage.
    func testReuseKeepsCapacityAndStartsEmpty() {
        var text = TextBuffer()
        text.append(String(repeating: "x", count: 10_000))
        let capacity = text.bytes.capacity
        var table = CSVTable(header: ["h"], reusing: text.take())
        XCTAssertTrue(text.isEmpty)
        table.field("v"); table.endRow()
        XCTAssertEqual(table.text, "h\nv\n")
        XCTAssertGreaterThanOrEqual(table.document.bytes.capacity, capacity)
    }
}
